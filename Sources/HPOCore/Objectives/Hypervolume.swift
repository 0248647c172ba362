/// The exact hypervolume of a set of objective vectors: the measure of the
/// region they dominate up to a reference point, the usual single number for
/// how good a Pareto front is (higher is better; the reports draw it over
/// time, the samplers' subset selection maximises it), and each point's
/// hypervolume contribution (what Optuna 4's multi-objective TPE weighed good
/// trials by; hpo's follows Optuna 5 and weighs them alike, so no part of hpo
/// calls ``contributions(_:reference:directions:)`` today).
///
/// Values are judged by `directions` as in ``Pareto``. The reference point
/// is in the same units and must be finite (a `precondition`, like the
/// shapes). Only points strictly better than the reference in every
/// objective count; the others (NaN included) add nothing. Algorithms: one
/// objective, the gap to the best point; two, a sort and sweep (O(N log N));
/// three, a sweep over the third objective keeping the two-dimensional
/// staircase of the points seen so far (O(N²) worst case); four and more,
/// WFG (While, Bradstreet and Barone 2012) down to the three-dimensional
/// sweep, exact but exponential in the worst case, meant for fronts of tens
/// of points. A counted point with a value infinitely better than every
/// number (−∞ minimising, +∞ maximising) makes the volume +∞.
public enum Hypervolume {
  /// The hypervolume `points` dominate up to `reference`.
  public static func volume(_ points: [[Double]], reference: [Double], directions: [Direction]) -> Double {
    let counted = Counted(points, reference: reference, directions: directions)
    if counted.losses.contains(where: { $0.contains(-Double.infinity) }) { return .infinity }
    return exact(counted.losses, counted.reference)
  }

  /// Each point's hypervolume contribution: the volume only it dominates,
  /// i.e. how much the hypervolume of `points` shrinks without it. A point
  /// that does not count (see ``Hypervolume``), is dominated by another, or
  /// equals another (the other still covers its region) contributes 0. A
  /// point with a value infinitely better than every number contributes +∞
  /// unless it is dominated or duplicated; the others' contributions stay
  /// exact and finite, since each is computed inside its own (finite) box and
  /// never as a difference of two volumes.
  public static func contributions(_ points: [[Double]], reference: [Double], directions: [Direction]) -> [Double] {
    let counted = Counted(points, reference: reference, directions: directions)
    let losses = counted.losses
    let r = counted.reference
    let owners = losses.indices.filter { i in
      !losses.indices.contains { j in j != i && weaklyDominates(losses[j], losses[i]) }
    }
    var result = [Double](repeating: 0, count: points.count)
    for i in owners {
      let p = losses[i]
      guard !p.contains(-Double.infinity) else {
        result[counted.indices[i]] = .infinity
        continue
      }
      // p's box minus the part the others cover, dominated ones included:
      // the hypervolume of the limit set {max(p, q)}, all finite.
      let limits = losses.indices.compactMap { j in j == i ? nil : zip(p, losses[j]).map { Swift.max($0, $1) } }
      result[counted.indices[i]] = box(p, r) - exact(nonDominated(limits), r)
    }
    return result
  }

  /// The points that count, as losses, with their indices among the points given.
  struct Counted {
    var indices: [Int] = []
    var losses: [[Double]] = []
    var reference: [Double]

    init(_ points: [[Double]], reference: [Double], directions: [Direction]) {
      precondition(!directions.isEmpty, "at least one objective")
      for p in points + [reference] {
        precondition(p.count == directions.count, "a point has \(p.count) values for \(directions.count) objectives")
      }
      precondition(reference.allSatisfy(\.isFinite), "the reference point \(reference) is not finite")
      // Losses: a minimised value as it is, a maximised one negated (NaN stays NaN and never counts).
      func loss(_ v: Double, _ d: Direction) -> Double { d == .minimize ? v : -v }
      self.reference = zip(reference, directions).map(loss)
      for (i, p) in points.enumerated() {
        let loss = zip(p, directions).map(loss)
        if zip(loss, self.reference).allSatisfy({ $0 < $1 }) {
          indices.append(i)
          losses.append(loss)
        }
      }
    }
  }

  /// The exact hypervolume of finite losses that all lie strictly below `r`.
  static func exact(_ losses: [[Double]], _ r: [Double]) -> Double {
    switch (losses.count, r.count) {
    case (0, _): return 0
    case (1, _): return box(losses[0], r)
    case (_, 1): return r[0] - losses.reduce(Double.infinity) { Swift.min($0, $1[0]) }
    case (_, 2): return sweep2D(losses, r)
    case (_, 3): return sweep3D(losses, r)
    default: return wfg(nonDominated(losses), r)
    }
  }

  /// The volume of the box between `p` and `r`.
  @inline(__always)
  static func box(_ p: [Double], _ r: [Double]) -> Double {
    var v = 1.0
    for k in r.indices { v *= r[k] - p[k] }
    return v
  }

  /// Whether `a` is no worse than `b` in every objective (losses, no NaN).
  @inline(__always)
  static func weaklyDominates(_ a: [Double], _ b: [Double]) -> Bool {
    for k in a.indices where a[k] > b[k] { return false }
    return true
  }

  /// The losses no other one weakly dominates, one of each group of equal
  /// ones, in lexicographic order.
  static func nonDominated(_ losses: [[Double]]) -> [[Double]] {
    let sorted = losses.sorted { $0.lexicographicallyPrecedes($1) }
    var kept: [[Double]] = []
    // A later point in lexicographic order never weakly dominates an earlier
    // one unless they are equal, so comparing with the kept ones suffices.
    for p in sorted where !kept.contains(where: { weaklyDominates($0, p) }) {
      kept.append(p)
    }
    return kept
  }
}
