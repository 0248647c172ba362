import HPOCore

extension Pareto {
  /// A point's total constraint violation as the constraint rule reads it:
  /// 0 when feasible (a negative value, slack, counts as 0, as constraint
  /// values ≤ 0 do in Optuna's `constraints_func`), NaN when unknown.
  @inline(__always)
  static func violation(_ v: Double) -> Double {
    v.isNaN ? v : Swift.max(v, 0)
  }

  /// Whether point `a` (total constraint violation `violationA`)
  /// constraint-dominates point `b` (Deb's rule, Deb et al. 2002): a
  /// feasible point (violation ≤ 0) beats an infeasible one; of two
  /// infeasible points the smaller violation wins (equal violations: neither;
  /// the objectives are not looked at); of two feasible points, Pareto
  /// dominance decides. An unknown violation (NaN) is worse than any number,
  /// +∞ included, and ties with another NaN.
  public static func constraintDominates(
    _ a: [Double], violation violationA: Double, _ b: [Double], violation violationB: Double,
    directions: [Direction]
  ) -> Bool {
    let va = violation(violationA)
    let vb = violation(violationB)
    if va == 0 && vb == 0 { return dominates(a, b, directions: directions) }
    ObjectiveLoss.checkShape([a, b], directions)
    return ObjectiveLoss.better(va, vb)
  }

  /// The non-dominated fronts of `points` under constraint-dominance
  /// (``constraintDominates(_:violation:_:violation:directions:)``), with
  /// `violations[i]` point i's total constraint violation: first the Pareto
  /// fronts of the feasible points, then the infeasible points, one front per
  /// distinct violation in increasing order (NaN last). This is exactly what
  /// the fast non-dominated sort gives under Deb's rule, and what Optuna's
  /// NSGA-II ranks with `constraints_func`. Same guarantees as
  /// ``fronts(_:directions:)``.
  public static func fronts(_ points: [[Double]], directions: [Direction], violations: [Double]) -> [[Int]] {
    precondition(violations.count == points.count, "\(violations.count) violations for \(points.count) points")
    ObjectiveLoss.checkShape(points, directions)
    let v = violations.map(violation)
    let feasible = points.indices.filter { v[$0] == 0 }
    var result = fronts(feasible.map { points[$0] }, directions: directions).map { $0.map { feasible[$0] } }
    let infeasible = points.indices.filter { v[$0] != 0 }.sorted {
      ObjectiveLoss.better(v[$0], v[$1]) || (ObjectiveLoss.ties(v[$0], v[$1]) && $0 < $1)
    }
    for i in infeasible {
      if let last = result.last?.last, v[last] != 0, ObjectiveLoss.ties(v[last], v[i]) {
        result[result.count - 1].append(i)
      } else {
        result.append([i])
      }
    }
    return result
  }
}
