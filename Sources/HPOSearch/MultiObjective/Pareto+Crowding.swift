import HPOCore

extension Pareto {
  /// The crowding distance of each point of one front (NSGA-II's tie-break
  /// inside a front: larger is lonelier, kept first), computed exactly as
  /// Optuna's NSGA-II does (`_calc_crowding_distance`), so that hpo and
  /// Optuna keep the same points:
  ///
  /// - Per objective, the front is sorted by value, ascending (a stable sort
  ///   that starts from the previous objective's order, as Optuna's in-place
  ///   sort of its population does; the first objective starts from index
  ///   order). Each point gets the gap between its two neighbours in that
  ///   order, the missing neighbour of the first point being −∞ and of the
  ///   last +∞, so both ends of a non-constant objective get +∞.
  /// - The gap is divided by the objective's range over the front, its
  ///   largest finite value minus its smallest (1 when that is not positive,
  ///   e.g. fewer than two distinct finite values), and a gap between equal
  ///   values (∞ − ∞ included) is 0.
  /// - An objective whose values are all equal separates nothing and adds 0
  ///   to every point, its ends included; so a single point, or a front of
  ///   equal points, has distance 0 everywhere.
  /// - The distance is the sum over the objectives (not the mean).
  ///
  /// Directions only place NaN, which sorts at the worse end (after +∞ when
  /// minimising, before −∞ when maximising); a gap touching a NaN is +∞
  /// unless both ends are NaN. Duplicated points are distinguished by their
  /// place in the sort, so among equal extreme points only the first (or
  /// last) gets +∞.
  public static func crowdingDistances(_ front: [[Double]], directions: [Direction]) -> [Double] {
    ObjectiveLoss.checkShape(front, directions)
    let n = front.count
    var distance = [Double](repeating: 0, count: n)
    var order = Array(0..<n)
    var position = [Int](repeating: 0, count: n)
    for (k, direction) in directions.enumerated() {
      let nanFirst = direction == .maximize
      // Ascending raw value, NaN at the worse end; ties keep the previous order.
      func before(_ a: Double, _ b: Double) -> Bool {
        if a.isNaN || b.isNaN { return a.isNaN != b.isNaN && (a.isNaN == nanFirst) }
        return a < b
      }
      for (p, i) in order.enumerated() { position[i] = p }
      order.sort { i, j in
        let a = front[i][k]
        let b = front[j][k]
        if before(a, b) { return true }
        if before(b, a) { return false }
        return position[i] < position[j]
      }
      guard let first = order.first, let last = order.last,
        !ObjectiveLoss.ties(front[first][k], front[last][k])
      else { continue }
      var lowest = Double.infinity
      var highest = -Double.infinity
      for p in front where p[k].isFinite {
        lowest = Swift.min(lowest, p[k])
        highest = Swift.max(highest, p[k])
      }
      let width = highest - lowest > 0 ? highest - lowest : 1
      for (p, i) in order.enumerated() {
        let below = p > 0 ? front[order[p - 1]][k] : -Double.infinity
        let above = p + 1 < n ? front[order[p + 1]][k] : Double.infinity
        distance[i] += gap(below, above) / width
      }
    }
    return distance
  }

  /// |above − below| with equal ends (∞ and ∞, NaN and NaN) 0 and an end at NaN +∞.
  private static func gap(_ below: Double, _ above: Double) -> Double {
    if ObjectiveLoss.ties(below, above) { return 0 }
    if below.isNaN || above.isNaN { return .infinity }
    return above - below
  }
}
