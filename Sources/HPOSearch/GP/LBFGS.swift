/// Limited-memory BFGS minimisation inside a box, with a backtracking Armijo
/// line search on the projected step: small, deterministic, allocation-light,
/// enough for a dozen hyperparameters or an acquisition function.
struct LBFGS {
  var memory = 8
  var maxIterations = 50
  /// Stop when the projected gradient's largest component falls below this.
  var gradientTolerance = 1e-5
  /// Stop when an iteration improves f by less than this, relatively.
  var relativeTolerance = 1e-9

  /// Minimises `f` from `x0` within [lower, upper] (per coordinate). `f`
  /// returns the value and writes the gradient; a non-finite value marks a
  /// point to avoid (the line search backs off). Returns the best point and value.
  func minimize(
    _ x0: [Double], lower: [Double], upper: [Double],
    _ f: (_ x: [Double], _ gradient: inout [Double]) -> Double
  ) -> (x: [Double], value: Double) {
    let n = x0.count
    var x = Self.project(x0, lower, upper)
    var g = [Double](repeating: 0, count: n)
    var fx = f(x, &g)
    if !fx.isFinite { return (x, fx) }
    var s: [[Double]] = []
    var y: [[Double]] = []
    var rho: [Double] = []
    var alpha = [Double](repeating: 0, count: memory)
    var gNew = [Double](repeating: 0, count: n)
    for _ in 0..<maxIterations {
      if Self.projectedGradientNorm(x, g, lower, upper) < gradientTolerance { break }
      // Two-loop recursion: d = −H·g.
      var q = g
      for k in stride(from: s.count - 1, through: 0, by: -1) {
        alpha[k] = rho[k] * Self.dot(s[k], q)
        for i in 0..<n { q[i] -= alpha[k] * y[k][i] }
      }
      if let last = s.indices.last {
        let gamma = Self.dot(s[last], y[last]) / Self.dot(y[last], y[last])
        for i in 0..<n { q[i] *= gamma }
      }
      for k in 0..<s.count {
        let beta = rho[k] * Self.dot(y[k], q)
        for i in 0..<n { q[i] += s[k][i] * (alpha[k] - beta) }
      }
      var d = q.map { -$0 }
      // Coordinates at a bound that the step would push outward stay put.
      for i in 0..<n where (x[i] <= lower[i] && d[i] < 0) || (x[i] >= upper[i] && d[i] > 0) { d[i] = 0 }
      var slope = Self.dot(g, d)
      if !(slope < 0) {
        // Not a descent direction: fall back to projected steepest descent.
        s.removeAll()
        y.removeAll()
        rho.removeAll()
        d = g.map { -$0 }
        for i in 0..<n where (x[i] <= lower[i] && d[i] < 0) || (x[i] >= upper[i] && d[i] > 0) { d[i] = 0 }
        slope = Self.dot(g, d)
        if !(slope < 0) { break }
      }
      var step = s.isEmpty ? Swift.min(1, 1 / Swift.max(Self.maxAbs(d), 1e-12)) : 1
      var accepted = false
      var xNew = x
      var fNew = fx
      for _ in 0..<30 {
        for i in 0..<n { xNew[i] = Swift.min(Swift.max(x[i] + step * d[i], lower[i]), upper[i]) }
        fNew = f(xNew, &gNew)
        var decrease = 0.0
        for i in 0..<n { decrease += g[i] * (xNew[i] - x[i]) }
        if fNew.isFinite && fNew <= fx + 1e-4 * decrease {
          accepted = true
          break
        }
        step *= 0.5
      }
      if !accepted { break }
      var sk = [Double](repeating: 0, count: n)
      var yk = [Double](repeating: 0, count: n)
      for i in 0..<n {
        sk[i] = xNew[i] - x[i]
        yk[i] = gNew[i] - g[i]
      }
      let sy = Self.dot(sk, yk)
      let improvement = fx - fNew
      x = xNew
      g = gNew
      fx = fNew
      if sy > 1e-12 * Swift.max(Self.dot(yk, yk), 1e-300) {
        if s.count == memory {
          s.removeFirst()
          y.removeFirst()
          rho.removeFirst()
        }
        s.append(sk)
        y.append(yk)
        rho.append(1 / sy)
      }
      if improvement <= relativeTolerance * Swift.max(Swift.abs(fx), 1) { break }
    }
    return (x, fx)
  }

  static func project(_ x: [Double], _ lower: [Double], _ upper: [Double]) -> [Double] {
    (0..<x.count).map { Swift.min(Swift.max(x[$0], lower[$0]), upper[$0]) }
  }

  static func projectedGradientNorm(_ x: [Double], _ g: [Double], _ lower: [Double], _ upper: [Double]) -> Double {
    var m = 0.0
    for i in 0..<x.count {
      let p = Swift.min(Swift.max(x[i] - g[i], lower[i]), upper[i]) - x[i]
      m = Swift.max(m, Swift.abs(p))
    }
    return m
  }

  @inline(__always)
  static func dot(_ a: [Double], _ b: [Double]) -> Double {
    var s = 0.0
    for i in 0..<a.count { s += a[i] * b[i] }
    return s
  }

  static func maxAbs(_ a: [Double]) -> Double { a.reduce(0) { Swift.max($0, Swift.abs($1)) } }
}
