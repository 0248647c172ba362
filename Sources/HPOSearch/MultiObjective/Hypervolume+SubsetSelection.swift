import HPOCore

extension Hypervolume {
  /// Optuna's reference point for a set of losses (`_get_reference_point`):
  /// per objective, 1.1 × the worst loss when it is positive, 0.9 × when
  /// negative, 10⁻¹² when it is 0, so that every point lies strictly below it.
  /// The losses must be finite and not empty.
  static func referencePoint(losses: [[Double]]) -> [Double] {
    precondition(!losses.isEmpty, "a reference point needs at least one point")
    var worst = losses[0]
    for p in losses.dropFirst() {
      for k in worst.indices { worst[k] = Swift.max(worst[k], p[k]) }
    }
    return worst.map { w in w == 0 ? 1e-12 : Swift.max(1.1 * w, 0.9 * w) }
  }

  /// Greedy hypervolume subset selection (Guerreiro, Fonseca and Paquete
  /// 2016, Optuna's `_solve_hssp`): `size` of the `losses` (finite, minimised,
  /// all strictly below `reference`) chosen one at a time, each time the one
  /// that adds the most hypervolume to those chosen so far, ties going to the
  /// lower index. Equal points count once: a duplicate is only taken when
  /// there are fewer distinct points than `size` (then the lowest-indexed
  /// duplicates). Returns indices into `losses` in the order chosen; all of
  /// them when `size` ≥ their count.
  static func greedySubset(_ losses: [[Double]], size: Int, reference: [Double]) -> [Int] {
    if size >= losses.count { return Array(losses.indices) }
    guard size > 0 else { return [] }
    var distinct: [Int] = []
    var duplicates: [Int] = []
    for i in losses.indices {
      if distinct.contains(where: { losses[$0] == losses[i] }) {
        duplicates.append(i)
      } else {
        distinct.append(i)
      }
    }
    if distinct.count <= size {
      return distinct + duplicates.prefix(size - distinct.count)
    }
    let minimise = [Direction](repeating: .minimize, count: reference.count)
    var chosen: [Int] = []
    var chosenLosses: [[Double]] = []
    var volume = 0.0
    var remaining = distinct
    while chosen.count < size {
      var best = 0
      var bestGain = -Double.infinity
      for (position, i) in remaining.enumerated() {
        let gain = Self.volume(chosenLosses + [losses[i]], reference: reference, directions: minimise) - volume
        if gain > bestGain {
          bestGain = gain
          best = position
        }
      }
      let i = remaining.remove(at: best)
      chosen.append(i)
      chosenLosses.append(losses[i])
      volume = Self.volume(chosenLosses, reference: reference, directions: minimise)
    }
    return chosen
  }
}
