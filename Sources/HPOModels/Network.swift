import HPOCore
import HPOLinearAlgebra

/// What the last layer computes and which loss trains it.
enum OutputHead: Sendable, Equatable {
  /// Softmax over K classes, cross-entropy loss.
  case softmax
  /// One linear output, half squared error.
  case regression
}

/// A fully connected network: `sizes[0]` inputs, hidden layers of
/// `sizes[1..<L]` units with `activation` (and optional dropout), and a
/// linear output layer of `sizes[L]` units read by `head`. Softmax
/// regression is the network with no hidden layer.
///
/// `parameters` holds W₀, b₀, W₁, b₁, …: Wₗ is sizes[l]×sizes[l+1] (so a
/// layer is z = a·W + b on a batch a with one row per sample) and bₗ is
/// 1×sizes[l+1]. Even indices are weights (penalised by L2), odd ones biases.
struct Network<S: ModelScalar>: Sendable, Equatable {
  var sizes: [Int]
  var activation: Activation
  var head: OutputHead
  var parameters: [Matrix<S>]

  /// Number of weight layers, ≥ 1.
  var layerCount: Int { sizes.count - 1 }

  /// A network with initial weights drawn from `rng` (or zeros when
  /// `zeroWeights`, as suits convex softmax regression) and zero biases.
  init(
    sizes: [Int], activation: Activation, head: OutputHead, initialization: WeightInitialization,
    zeroWeights: Bool, rng: inout SeededGenerator
  ) {
    precondition(sizes.count >= 2 && sizes.allSatisfy { $0 >= 1 }, "a network needs input and output sizes ≥ 1")
    self.sizes = sizes
    self.activation = activation
    self.head = head
    var parameters: [Matrix<S>] = []
    for l in 0..<(sizes.count - 1) {
      let (fanIn, fanOut) = (sizes[l], sizes[l + 1])
      var values = [S](repeating: 0, count: fanIn * fanOut)
      if !zeroWeights {
        switch initialization {
        case .he:
          let sd = (2 / Double(fanIn)).squareRoot()
          for i in values.indices { values[i] = S(sd * Self.normal(&rng)) }
        case .xavier:
          let limit = (6 / Double(fanIn + fanOut)).squareRoot()
          for i in values.indices { values[i] = S((2 * rng.nextUnit() - 1) * limit) }
        }
      }
      parameters.append(matrix(fanIn, fanOut, values))
      parameters.append(Matrix(rows: 1, columns: fanOut))
    }
    self.parameters = parameters
  }

  /// A network with the given parameters (from a checkpoint; shapes checked
  /// by the caller).
  init(sizes: [Int], activation: Activation, head: OutputHead, parameters: [Matrix<S>]) {
    self.sizes = sizes
    self.activation = activation
    self.head = head
    self.parameters = parameters
  }

  /// A standard normal draw (Box–Muller, one of the pair; two uniforms).
  static func normal(_ rng: inout SeededGenerator) -> Double {
    let u1 = 1 - rng.nextUnit()  // (0, 1]
    let u2 = rng.nextUnit()
    return (-2 * Double.log(u1)).squareRoot() * Double.cos(2 * Double.pi * u2)
  }

  /// The matrix layer `l` reads: the input batch, or the previous hidden
  /// layer's output (after dropout when it is on).
  func layerInput(_ l: Int, _ ws: Workspace<S>) -> Matrix<S> {
    if l == 0 { return ws.input }
    return ws.dropoutRate > 0 ? ws.dropped[l - 1] : ws.hidden[l - 1]
  }

  /// Forward pass over `ws.input`: fills `ws.z`, `ws.hidden`, the dropout
  /// masks (drawn from `rng` when `ws.dropoutRate > 0`) and leaves the last
  /// layer's pre-activation in `ws.z[L-1]`. Three gemms' worth of work per
  /// layer at most; no per-sample loop.
  func forward(_ ws: Workspace<S>, rng: inout SeededGenerator) throws {
    for l in 0..<layerCount {
      let x = layerInput(l, ws)
      Kernels.broadcastRows(parameters[2 * l + 1], into: &ws.z[l])
      try ws.z[l].gemm(x, parameters[2 * l], alpha: 1, beta: 1)
      if l < layerCount - 1 {
        Kernels.activate(activation, ws.z[l], into: &ws.hidden[l])
        if ws.dropoutRate > 0 {
          Kernels.dropoutMask(&ws.masks[l], rate: ws.dropoutRate, rng: &rng)
          Kernels.product(ws.hidden[l], ws.masks[l], into: &ws.dropped[l])
        }
      }
    }
  }

  /// The loss of the forward pass just run, and ∂L/∂z of the last layer in
  /// `ws.delta[L-1]`: the sum of per-row losses (divide by the row count
  /// for a mean); the gradient is of that sum divided by `normalizer`.
  func loss(_ ws: Workspace<S>, normalizer: Int) -> Double {
    let last = layerCount - 1
    switch head {
    case .softmax:
      return Kernels.softmaxCrossEntropy(
        logits: ws.z[last], labels: ws.labels, normalizer: normalizer, probabilities: &ws.output,
        delta: &ws.delta[last])
    case .regression:
      return Kernels.halfSquaredError(
        predictions: ws.z[last], targets: ws.targets, normalizer: normalizer, delta: &ws.delta[last])
    }
  }

  /// Backward pass: from `ws.delta[L-1]` fills `ws.gradients` (same shapes
  /// as `parameters`) with the loss gradient, plus `l2`·W on the weights.
  /// Per layer: dW = aᵀ·δ (gemm), db = δᵀ·1 (gemv), δ_prev = δ·Wᵀ (gemm)
  /// then the dropout mask and activation derivative.
  func backward(_ ws: Workspace<S>, l2: Double) throws {
    for l in stride(from: layerCount - 1, through: 0, by: -1) {
      let x = layerInput(l, ws)
      try ws.gradients[2 * l].gemm(x, ws.delta[l], transposeA: true)
      let delta = ws.delta[l]
      let ones = ws.ones
      try ws.gradients[2 * l + 1].modifyElements { g in
        try delta.gemv(ones, into: &g, transpose: true)
      }
      if l2 > 0 {
        let w = parameters[2 * l]
        try ws.gradients[2 * l].modifyElements { g in try g.axpy(S(l2), w.elements) }
      }
      if l > 0 {
        try ws.delta[l - 1].gemm(delta, parameters[2 * l], transposeB: true)
        if ws.dropoutRate > 0 { Kernels.multiply(&ws.delta[l - 1], by: ws.masks[l - 1]) }
        Kernels.multiplyByDerivative(activation, z: ws.z[l - 1], h: ws.hidden[l - 1], delta: &ws.delta[l - 1])
      }
    }
  }

  /// (l2/2)·Σ‖Wₗ‖², in `Double`.
  func penalty(l2: Double) -> Double {
    guard l2 > 0 else { return 0 }
    var sum = 0.0
    for l in 0..<layerCount {
      for v in parameters[2 * l].elements { sum += Double(v) * Double(v) }
    }
    return l2 / 2 * sum
  }

  /// Outputs for every row of `features` (rows×sizes[0]), without dropout:
  /// class probabilities (rows×K) for a softmax head, the raw output
  /// (rows×1) for regression. Computed in chunks of `chunk` rows.
  func outputs(_ features: Matrix<S>, chunk: Int = 512) throws -> Matrix<Double> {
    let n = features.rows
    let k = sizes[layerCount]
    var out = [Double](repeating: 0, count: n * k)
    var workspaces: [Int: Workspace<S>] = [:]
    var rng = SeededGenerator(seed: 0)  // unused: no dropout at inference
    var start = 0
    let order = Array(0..<n)
    while start < n {
      let rows = min(chunk, n - start)
      let ws = workspaces[rows] ?? Workspace(network: self, rows: rows, dropoutRate: 0)
      workspaces[rows] = ws
      Kernels.gatherRows(features, order: order, range: start..<(start + rows), into: &ws.input)
      try forward(ws, rng: &rng)
      let last = layerCount - 1
      if head == .softmax { Kernels.softmaxRows(ws.z[last], into: &ws.output) }
      let result = head == .softmax ? ws.output : ws.z[last]
      result.elements.withUnsafeBufferPointer { p in
        for i in 0..<(rows * k) { out[start * k + i] = Double(p[i]) }
      }
      start += rows
    }
    return try Matrix(rows: n, columns: k, elements: out)
  }
}

/// Buffers for one batch size: every intermediate of a forward and backward
/// pass, allocated once and reused each step (gemm writes into them in place).
final class Workspace<S: ModelScalar> {
  let rows: Int
  let dropoutRate: Double
  var input: Matrix<S>
  /// Pre-activations, one per layer (the last is the logits / output).
  var z: [Matrix<S>]
  /// f(z) of each hidden layer, before dropout.
  var hidden: [Matrix<S>]
  /// Dropout masks and masked outputs of each hidden layer (empty without dropout).
  var masks: [Matrix<S>]
  var dropped: [Matrix<S>]
  /// Softmax probabilities of the last layer.
  var output: Matrix<S>
  /// ∂L/∂z per layer.
  var delta: [Matrix<S>]
  var gradients: [Matrix<S>]
  var ones: [S]
  var labels: [Int]
  var targets: [S]

  init(network: Network<S>, rows: Int, dropoutRate: Double) {
    let sizes = network.sizes
    let layers = sizes.count - 1
    self.rows = rows
    self.dropoutRate = dropoutRate
    input = Matrix(rows: rows, columns: sizes[0])
    z = (0..<layers).map { Matrix(rows: rows, columns: sizes[$0 + 1]) }
    hidden = (0..<(layers - 1)).map { Matrix(rows: rows, columns: sizes[$0 + 1]) }
    masks = dropoutRate > 0 ? hidden : []
    dropped = dropoutRate > 0 ? hidden : []
    output = Matrix(rows: rows, columns: sizes[layers])
    delta = z
    gradients = network.parameters.map { Matrix(rows: $0.rows, columns: $0.columns) }
    ones = [S](repeating: 1, count: rows)
    labels = [Int](repeating: 0, count: rows)
    targets = [S](repeating: 0, count: rows)
  }
}
