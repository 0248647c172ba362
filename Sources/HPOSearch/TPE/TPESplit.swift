import HPOCore

/// The good/bad split of TPE (Optuna's `_split_trials`): the best
/// `min(⌈γ·n⌉, 25)` finished trials are "below" (good), preferring complete
/// trials, then pruned ones that got furthest; everything else is "above"
/// (bad): the remaining complete and pruned trials, failed and non-finite ones,
/// and, with the constant liar, pending ones.
struct TPESplit: Sendable {
  /// History indices in trial-number order.
  var below: [Int]
  var above: [Int]

  /// Optuna's default γ shape with the fraction `gamma`: min(⌈γ·n⌉, 25).
  static func belowCount(finished n: Int, gamma: Double) -> Int {
    Swift.min(Int((gamma * Double(n)).rounded(.up)), 25)
  }

  init(_ scored: ScoredHistory, gamma: Double, constantLiar: Bool) {
    let outcomes = scored.outcomes
    var remaining = Self.belowCount(finished: scored.finishedCount, gamma: gamma)
    var isBelow = [Bool](repeating: false, count: outcomes.count)

    // The best complete trials: a sorted window of at most `remaining` (loss, index).
    var best: [(loss: Double, t: Int)] = []
    if remaining > 0 {
      best.reserveCapacity(remaining + 1)
      for t in scored.byNumber {
        guard case .complete(let loss) = outcomes[t] else { continue }
        if best.count == remaining, let last = best.last, !(loss < last.loss) { continue }
        var at = best.count
        while at > 0 && loss < best[at - 1].loss { at -= 1 }
        best.insert((loss, t), at: at)
        if best.count > remaining { best.removeLast() }
      }
      for b in best { isBelow[b.t] = true }
      remaining -= best.count
    }
    if remaining > 0 {
      var pruned: [(step: Int, loss: Double, t: Int)] = []
      for t in scored.byNumber {
        if case .pruned(let step, let loss) = outcomes[t] { pruned.append((step, loss, t)) }
      }
      pruned.sort { ($1.step, $0.loss, $0.t) < ($0.step, $1.loss, $1.t) }
      for p in pruned.prefix(remaining) { isBelow[p.t] = true }
    }

    var below: [Int] = []
    var above: [Int] = []
    above.reserveCapacity(outcomes.count)
    for t in scored.byNumber {
      if isBelow[t] {
        below.append(t)
      } else if outcomes[t] != .pending || constantLiar {
        above.append(t)
      }
    }
    self.below = below
    self.above = above
  }

  /// Optuna's default observation weights: 1 for the newest 25, a linear ramp
  /// from 1/n up to 1 for older ones (oldest first).
  static func defaultWeights(_ n: Int) -> [Double] {
    if n < 25 { return [Double](repeating: 1, count: n) }
    let rampCount = n - 25
    var w = [Double](repeating: 1, count: n)
    let start = 1 / Double(n)
    if rampCount == 1 {
      w[0] = start
    } else if rampCount > 1 {
      let step = (1 - start) / Double(rampCount - 1)
      for i in 0..<rampCount { w[i] = start + Double(i) * step }
      w[rampCount - 1] = 1
    }
    return w
  }
}
