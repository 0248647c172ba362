import HPOCore

/// Pareto dominance and non-dominated sorting of objective vectors, the
/// foundation of NSGA-II, multi-objective TPE and multi-objective ASHA
/// (issue 21; not yet used by any sampler or scheduler).
///
/// A point is one trial's objective values, `points[i][k]` its value in
/// objective k, judged by `directions[k]`. Point a *dominates* b when a is no
/// worse than b in every objective and strictly better in at least one, so
/// two points with equal values (duplicates) never dominate each other and
/// land in the same front, as in Optuna and pymoo. NaN is worse than every
/// number (±∞ included) in either direction, and two NaNs tie: a point with
/// a NaN is dominated by an equal point whose NaN is replaced by any number.
///
/// All functions are pure and deterministic; they check shapes with
/// `precondition` (every point has one value per direction, at least one
/// direction), since a mismatch is a caller's bug and not bad user input.
public enum Pareto {
  /// Whether `a` Pareto-dominates `b`: no worse in every objective, strictly
  /// better in at least one (NaN being the worst value).
  public static func dominates(_ a: [Double], _ b: [Double], directions: [Direction]) -> Bool {
    ObjectiveLoss.checkShape([a, b], directions)
    var better = false
    for k in directions.indices {
      let x = ObjectiveLoss.loss(a[k], directions[k])
      let y = ObjectiveLoss.loss(b[k], directions[k])
      if ObjectiveLoss.better(y, x) { return false }
      if ObjectiveLoss.better(x, y) { better = true }
    }
    return better
  }

  /// The non-dominated fronts of `points`, as Deb et al. (2002)'s fast
  /// non-dominated sort defines them: front 0 holds the points no other point
  /// dominates (the Pareto front), front r + 1 those dominated only by points
  /// of fronts 0…r. Every index appears in exactly one front; each front lists
  /// its indices in ascending order; no front is empty.
  ///
  /// Computed by the efficient non-dominated sort with binary search
  /// (ENS-BS, Zhang et al. 2015), which gives the same fronts without Deb's
  /// O(N²) lists: in lexicographic order a point can only be dominated by
  /// points before it, so each goes into the first front none of whose
  /// members dominates it (found by bisection: a point dominated by a member
  /// of front k is dominated by one of every earlier front). O(M·N²) time in
  /// the worst case (every point on one front), O(M·N) memory.
  public static func fronts(_ points: [[Double]], directions: [Direction]) -> [[Int]] {
    let ranks = LossRanks(points, directions: directions)
    let order = ranks.lexicographicOrder()
    var fronts: [[Int]] = []
    var previous = -1
    var previousFront = 0
    for i in order {
      var low = 0
      if previous >= 0 && ranks.equal(previous, i) {
        low = previousFront
      } else {
        var high = fronts.count
        while low < high {
          let mid = (low + high) / 2
          if fronts[mid].reversed().contains(where: { ranks.dominates($0, i) }) {
            low = mid + 1
          } else {
            high = mid
          }
        }
      }
      if low == fronts.count { fronts.append([]) }
      fronts[low].append(i)
      previous = i
      previousFront = low
    }
    for f in fronts.indices { fronts[f].sort() }
    return fronts
  }

  /// Each point's front number (0 = Pareto front) from `fronts` over `count` points.
  public static func ranks(fronts: [[Int]], count: Int) -> [Int] {
    var rank = [Int](repeating: -1, count: count)
    for (r, front) in fronts.enumerated() {
      for i in front { rank[i] = r }
    }
    precondition(!rank.contains(-1), "the fronts do not cover all \(count) points")
    return rank
  }
}
