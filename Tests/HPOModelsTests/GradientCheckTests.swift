import HPOCore
import HPOLinearAlgebra
import Testing

@testable import HPOModels

/// Finite-difference checks (Float64, central differences) of every
/// analytic gradient: dense layers (weights, biases, and the gradient each
/// passes to the layer below), each activation, each loss, dropout and L2.
@Suite struct GradientCheckTests {
  /// Loss of the network on the workspace's batch: mean data loss plus the
  /// L2 penalty, with the dropout masks fixed by a fresh generator of `maskSeed`.
  static func objective(_ net: Network<Double>, _ ws: Workspace<Double>, l2: Double, maskSeed: UInt64) throws -> Double {
    var rng = SeededGenerator(seed: maskSeed)
    try net.forward(ws, rng: &rng)
    return net.loss(ws, normalizer: ws.rows) / Double(ws.rows) + net.penalty(l2: l2)
  }

  /// The largest relative error between the analytic gradient and central
  /// differences over every parameter.
  static func maxRelativeError(
    sizes: [Int], activation: Activation, head: OutputHead, dropout: Double = 0, l2: Double = 0, seed: UInt64 = 3
  ) throws -> Double {
    var rng = SeededGenerator(seed: seed)
    var net = Network<Double>(
      sizes: sizes, activation: activation, head: head, initialization: .xavier, zeroWeights: false, rng: &rng)
    // Non-zero biases, so they matter.
    for t in stride(from: 1, to: net.parameters.count, by: 2) {
      net.parameters[t].modifyElements { e in for i in e.indices { e[i] = 0.3 * (2 * rng.nextUnit() - 1) } }
    }
    let rows = 7
    let ws = Workspace(network: net, rows: rows, dropoutRate: dropout)
    ws.input.modifyElements { e in for i in e.indices { e[i] = Network<Double>.normal(&rng) } }
    for i in 0..<rows {
      ws.labels[i] = i % sizes.last!
      ws.targets[i] = Network<Double>.normal(&rng)
    }
    _ = try objective(net, ws, l2: l2, maskSeed: 11)
    try net.backward(ws, l2: l2)
    let analytic = ws.gradients
    var worst = 0.0
    let h = 1e-6
    for t in net.parameters.indices {
      for i in net.parameters[t].elements.indices {
        let original = net.parameters[t].elements[i]
        net.parameters[t].modifyElements { $0[i] = original + h }
        let plus = try objective(net, ws, l2: l2, maskSeed: 11)
        net.parameters[t].modifyElements { $0[i] = original - h }
        let minus = try objective(net, ws, l2: l2, maskSeed: 11)
        net.parameters[t].modifyElements { $0[i] = original }
        let numeric = (plus - minus) / (2 * h)
        let exact = analytic[t].elements[i]
        let error = abs(numeric - exact) / max(1e-4, abs(numeric) + abs(exact))
        worst = max(worst, error)
      }
    }
    return worst
  }

  @Test(arguments: Activation.allCases)
  func hiddenLayersAndActivationWithSoftmaxCrossEntropy(_ activation: Activation) throws {
    // Two hidden layers: layer 0's gradient flows through both hidden
    // layers' input gradients (δ·Wᵀ) and activation derivatives.
    let error = try Self.maxRelativeError(sizes: [5, 6, 4, 3], activation: activation, head: .softmax)
    #expect(error < 1e-6)
  }

  @Test(arguments: Activation.allCases)
  func hiddenLayersWithHalfSquaredError(_ activation: Activation) throws {
    let error = try Self.maxRelativeError(sizes: [4, 5, 5, 1], activation: activation, head: .regression)
    #expect(error < 1e-6)
  }

  @Test func softmaxRegressionLayerWithL2() throws {
    let error = try Self.maxRelativeError(sizes: [6, 4], activation: .relu, head: .softmax, l2: 0.05)
    #expect(error < 1e-6)
  }

  @Test(arguments: Activation.allCases)
  func dropoutAndL2(_ activation: Activation) throws {
    let error = try Self.maxRelativeError(
      sizes: [5, 8, 6, 3], activation: activation, head: .softmax, dropout: 0.3, l2: 0.01)
    #expect(error < 1e-6)
  }

  @Test(arguments: Activation.allCases)
  func activationDerivativeElementwise(_ activation: Activation) throws {
    let values: [Double] = [-3, -1.2, -0.4, -0.01, 0.02, 0.5, 1.3, 2.7]
    let z = try Matrix(rows: 1, columns: values.count, elements: values)
    var h = z
    Kernels.activate(activation, z, into: &h)
    var delta = Matrix<Double>(rows: 1, columns: values.count, repeating: 1)
    Kernels.multiplyByDerivative(activation, z: z, h: h, delta: &delta)
    let step = 1e-6
    for (i, v) in values.enumerated() {
      let up = try Matrix(rows: 1, columns: 1, elements: [v + step])
      let down = try Matrix(rows: 1, columns: 1, elements: [v - step])
      var hu = up
      var hd = down
      Kernels.activate(activation, up, into: &hu)
      Kernels.activate(activation, down, into: &hd)
      let numeric = (hu.elements[0] - hd.elements[0]) / (2 * step)
      #expect(abs(numeric - delta.elements[i]) < 1e-7, "\(activation) at \(v)")
    }
  }

  @Test func softmaxCrossEntropyAgainstDirectFormula() throws {
    let logits = try Matrix<Double>([[1.0, 2.0, 0.5], [-1.0, 0.0, 3.0]])
    var p = logits
    var delta = logits
    let total = Kernels.softmaxCrossEntropy(
      logits: logits, labels: [1, 2], normalizer: 2, probabilities: &p, delta: &delta)
    func logSoftmax(_ row: [Double], _ y: Int) -> Double {
      let m = row.max()!
      return row[y] - m - naturalLog(row.map { exponential($0 - m) }.reduce(0, +))
    }
    let expected = -(logSoftmax([1, 2, 0.5], 1) + logSoftmax([-1, 0, 3], 2))
    #expect(abs(total - expected) < 1e-12)
    // Rows of p sum to 1, and δ = (p − onehot)/2.
    for i in 0..<2 {
      #expect(abs(p.row(i).reduce(0, +) - 1) < 1e-12)
    }
    #expect(abs(delta[0, 1] - (p[0, 1] - 1) / 2) < 1e-15)
    #expect(abs(delta[1, 0] - p[1, 0] / 2) < 1e-15)
  }
}

// libm through the module's scalar protocol.
private func naturalLog(_ x: Double) -> Double { Double.log(x) }
private func exponential(_ x: Double) -> Double { Double.exp(x) }
