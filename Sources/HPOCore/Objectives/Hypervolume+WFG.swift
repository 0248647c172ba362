extension Hypervolume {
  /// Four or more objectives: WFG (While, Bradstreet and Barone 2012, as in
  /// Optuna's `_compute_hv`). With the points in lexicographic order, the
  /// volume is the sum of each point's exclusive volume with respect to the
  /// points after it: its box minus the volume of the limit set (each later
  /// point clipped to the box), computed recursively; sets of at most three
  /// objectives go to the sweeps. `losses` must be non-dominated and unique
  /// (see ``nonDominated(_:)``), finite and strictly below `r`.
  static func wfg(_ losses: [[Double]], _ r: [Double]) -> Double {
    let n = losses.count
    if n <= 1 || r.count <= 3 { return exact(losses, r) }
    if n == 2 {
      // |A ∪ B| = |A| + |B| − |A ∩ B|.
      let meet = zip(losses[0], losses[1]).map { Swift.max($0, $1) }
      return box(losses[0], r) + box(losses[1], r) - box(meet, r)
    }
    var volume = box(losses[n - 1], r)
    for i in 0..<(n - 1) {
      let p = losses[i]
      let limits = losses[(i + 1)...].map { q in zip(p, q).map { Swift.max($0, $1) } }
      volume += box(p, r) - wfg(nonDominated(limits), r)
    }
    return volume
  }

  /// The hypervolume by inclusion–exclusion over every non-empty subset S:
  /// Σ (−1)^(|S|+1) · box(componentwise max of S). Independent of every other
  /// algorithm here and exact up to rounding, but 2^N terms: the reference
  /// the tests check the sweeps and WFG against, on at most 20 points (finite
  /// losses, strictly below `r`).
  static func inclusionExclusion(_ losses: [[Double]], _ r: [Double]) -> Double {
    precondition(losses.count <= 20, "inclusion–exclusion on \(losses.count) points")
    func subsets(from start: Int, meet: [Double], size: Int) -> Double {
      var sum = 0.0
      for i in start..<losses.count {
        let joined = size == 0 ? losses[i] : zip(meet, losses[i]).map { Swift.max($0, $1) }
        sum += (size % 2 == 0 ? 1 : -1) * box(joined, r)
        sum += subsets(from: i + 1, meet: joined, size: size + 1)
      }
      return sum
    }
    return subsets(from: 0, meet: [], size: 0)
  }
}
