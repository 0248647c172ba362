import HPOCore
@testable import HPOSearch
import Testing

@Suite("GP")
struct GPTests {
  @Test("on a convex quadratic, the median best of 20 seeds after 60 trials is far below random's")
  func beatsRandom() throws {
    let random = try medianBest { _ in RandomSampler() }
    let gp = try medianBest { _ in GPSampler(candidatePool: 256, localSearches: 2) }
    #expect(gp < random / 20, "gp \(gp), random \(random)")
  }

  @Test("the marginal-likelihood fit recovers a known length scale")
  func lengthScale() throws {
    // 1-D draw from a GP with Matérn-5/2, length scale 0.1, unit variance, small noise.
    let n = 60
    let x = (0..<n).map { (Double($0) + 0.5) / Double(n) }
    let trueLambda = 1 / (0.1 * 0.1)
    var k = [Double](repeating: 0, count: n * n)
    GaussianProcess.covariance(x, n: n, d: 1, lambda: [trueLambda], scale: 1, noise: 1e-4, into: &k)
    let lower = choleskyLower(k, n: n)
    var g = SeededGenerator(seed: 11)
    let z = (0..<n).map { _ in g.normal() }
    let y = (0..<n).map { i in (0...i).reduce(0) { $0 + lower[i * n + $1] * z[$1] } }
    let mean = y.reduce(0, +) / Double(n)
    let std = (y.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(n)).squareRoot()
    let gp = try #require(GaussianProcess.fit(x: x, n: n, d: 1, y: y.map { ($0 - mean) / std }))
    let fitted = gp.lengthScales[0]
    #expect(fitted > 0.06 && fitted < 0.16, "fitted length scale \(fitted)")
  }

  @Test("an irrelevant dimension gets a much longer length scale")
  func relevance() throws {
    var g = SeededGenerator(seed: 3)
    let n = 40
    var x: [Double] = []
    var y: [Double] = []
    for _ in 0..<n {
      let a = g.nextUnit(), b = g.nextUnit()
      x += [a, b]
      y.append(Math.cos(6 * a))
    }
    let gp = try #require(GaussianProcess.fit(x: x, n: n, d: 2, y: y))
    #expect(gp.lengthScales[1] > 3 * gp.lengthScales[0], "\(gp.lengthScales)")
  }

  @Test("log EI is finite and monotone far into the tail")
  func logEI() {
    var previous = Double.infinity
    for z in stride(from: 5.0, through: -60, by: -2.5) {
      let (v, dMu, dSigma) = LogExpectedImprovement.value(mu: -z, sigma: 1, best: 0)
      #expect(v.isFinite && dMu.isFinite && dSigma.isFinite)
      #expect(v < previous)
      previous = v
    }
    // EI at z = 0 is φ(0).
    let (v0, _, _) = LogExpectedImprovement.value(mu: 0, sigma: 1, best: 0)
    #expect(Swift.abs(v0 - Math.log(Math.invSqrt2Pi)) < 1e-12)
  }

  @Test("analytic gradients of log EI match finite differences")
  func gradient() throws {
    let history = try runSearch(RandomSampler(), space: quadraticSpace, trials: 15, seed: 2, objective: quadratic)
    let layout = SpaceLayout(quadraticSpace)
    let table = ObservationTable(layout: layout, history: history)
    let encoding = GPEncoding(layout)
    var x: [Double] = []
    for t in 0..<history.count { encoding.encode(table, row: t, into: &x) }
    let y = history.map { $0.value! }
    let m = y.reduce(0, +) / Double(y.count)
    let gp = try #require(GaussianProcess.fit(x: x, n: y.count, d: 3, y: y.map { ($0 - m) / 10 }))
    let acquisition = Acquisition(gp: gp, best: (y.min()! - m) / 10, encoding: encoding)
    let scratch = Acquisition.Scratch(n: gp.n, d: 3)
    let point = [0.3, 0.6, 0.45]
    let grad = UnsafeMutableBufferPointer<Double>.allocate(capacity: 3)
    defer { grad.deallocate() }
    _ = acquisition.value(point, gradient: grad, scratch: scratch)
    for j in 0..<3 {
      var up = point, down = point
      up[j] += 1e-6
      down[j] -= 1e-6
      let numeric = (acquisition.value(up, gradient: nil, scratch: scratch) - acquisition.value(down, gradient: nil, scratch: scratch)) / 2e-6
      #expect(Swift.abs(numeric - grad[j]) < 1e-4 * Swift.max(1, Swift.abs(numeric)), "dimension \(j): \(numeric) vs \(grad[j])")
    }
  }

  @Test("a space beyond 20 encoded dimensions is rejected with the alternative")
  func tooManyDimensions() {
    let space = SearchSpace((0..<21).map { Parameter(name: "x\($0)", domain: .float(FloatRange(low: 0, high: 1))) })
    var rng = SeededGenerator(seed: 1)
    #expect {
      try GPSampler().suggest(in: space, history: [], using: &rng)
    } throws: { error in
      let message = (error as? SamplerError)?.message ?? ""
      return message.contains("20") && message.contains("tpe")
    }
  }
}

/// The lower Cholesky factor of a symmetric positive definite n × n matrix (row-major).
private func choleskyLower(_ a: [Double], n: Int) -> [Double] {
  var l = [Double](repeating: 0, count: n * n)
  for i in 0..<n {
    for j in 0...i {
      var s = a[i * n + j]
      for k in 0..<j { s -= l[i * n + k] * l[j * n + k] }
      l[i * n + j] = i == j ? s.squareRoot() : s / l[j * n + j]
    }
  }
  return l
}
