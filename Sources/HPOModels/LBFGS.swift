/// Full-batch L-BFGS (two-loop recursion, history of 10 pairs, Armijo
/// backtracking from a unit step), in `Double` over the flattened parameters.
///
/// The whole state (pairs, current objective and gradient) is a value, so it
/// is checkpointed exactly and a resumed run takes the same steps.
struct LBFGSState: Sendable, Equatable {
  /// Step differences sₖ = xₖ₊₁ − xₖ, oldest first.
  var s: [[Double]] = []
  /// Gradient differences yₖ = gₖ₊₁ − gₖ, oldest first.
  var y: [[Double]] = []
  /// Objective (data loss + penalty) at the current point; NaN before the
  /// first evaluation.
  var objective: Double = .nan
  /// Data loss (mean, without the penalty) at the current point.
  var dataLoss: Double = .nan
  /// Gradient at the current point; empty before the first evaluation.
  var gradient: [Double] = []
  /// Set when no step decreases the objective any more; later iterations
  /// do nothing.
  var converged = false

  static let historySize = 10
  static let armijo = 1e-4
  static let maxBacktracks = 40

  /// The objective, its gradient and the data loss at a point, and the
  /// point as the model actually holds it (rounded to its precision).
  struct Evaluation {
    var point: [Double]
    var objective: Double
    var dataLoss: Double
    var gradient: [Double]
  }

  /// One iteration from `x`: returns the accepted point's evaluation (the
  /// caller has the model's parameters set to it when this returns), or
  /// `nil` when converged (the caller restores `x`).
  mutating func iterate(from x: [Double], evaluate: ([Double]) throws -> Evaluation) throws -> Evaluation? {
    if gradient.isEmpty {
      let start = try evaluate(x)
      objective = start.objective
      dataLoss = start.dataLoss
      gradient = start.gradient
    }
    if converged { return nil }
    let g = gradient
    let gradientNorm = dot(g, g).squareRoot()
    guard gradientNorm > 1e-12, objective.isFinite else {
      converged = true
      return nil
    }
    var d = direction(g, gradientNorm: gradientNorm)
    var slope = dot(g, d)
    if !(slope < 0) {
      s.removeAll()
      y.removeAll()
      d = g.map { -$0 / gradientNorm }
      slope = dot(g, d)
    }
    var step = 1.0
    for _ in 0..<Self.maxBacktracks {
      var candidate = x
      for i in candidate.indices { candidate[i] += step * d[i] }
      let e = try evaluate(candidate)
      if e.objective.isFinite, e.objective <= objective + Self.armijo * step * slope {
        var sk = e.point
        var yk = e.gradient
        for i in sk.indices {
          sk[i] -= x[i]
          yk[i] -= g[i]
        }
        if dot(sk, yk) > 1e-10 * dot(yk, yk) {
          s.append(sk)
          y.append(yk)
          if s.count > Self.historySize {
            s.removeFirst()
            y.removeFirst()
          }
        }
        objective = e.objective
        dataLoss = e.dataLoss
        gradient = e.gradient
        return e
      }
      step *= 0.5
    }
    converged = true
    return nil
  }

  /// −H·g by the two-loop recursion; with no history, −g/‖g‖.
  private func direction(_ g: [Double], gradientNorm: Double) -> [Double] {
    let m = s.count
    var q = g
    var alpha = [Double](repeating: 0, count: m)
    var rho = [Double](repeating: 0, count: m)
    for i in stride(from: m - 1, through: 0, by: -1) {
      rho[i] = 1 / dot(y[i], s[i])
      alpha[i] = rho[i] * dot(s[i], q)
      for j in q.indices { q[j] -= alpha[i] * y[i][j] }
    }
    let gamma = m > 0 ? dot(s[m - 1], y[m - 1]) / dot(y[m - 1], y[m - 1]) : 1 / gradientNorm
    for j in q.indices { q[j] *= gamma }
    for i in 0..<m {
      let beta = rho[i] * dot(y[i], q)
      for j in q.indices { q[j] += s[i][j] * (alpha[i] - beta) }
    }
    return q.map { -$0 }
  }

  private func dot(_ a: [Double], _ b: [Double]) -> Double {
    var sum = 0.0
    for i in a.indices { sum += a[i] * b[i] }
    return sum
  }
}
