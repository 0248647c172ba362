import HPOCore

/// The good/bad split of TPE (Optuna's `_split_trials`): the best
/// `min(⌈γ·n⌉, 25)` finished trials are "below" (good), preferring complete
/// trials, then pruned ones that got furthest, then (with constraints) the
/// infeasible ones that violate them least; everything else is "above"
/// (bad): the remaining complete, pruned and infeasible trials, failed and
/// non-finite ones, and, with the constant liar, pending ones.
struct TPESplit: Sendable {
  /// History indices in trial-number order.
  var below: [Int]
  var above: [Int]
  /// With several objectives, the weight of each trial's kernel in the good
  /// density, by history index (``TPESplit/init(multiObjective:scored:directions:gamma:constantLiar:infeasible:)``);
  /// nil with one objective.
  var belowWeights: [Double]?

  /// A complete or pruned trial that violates a constraint: history index and
  /// total violation (> 0).
  struct Infeasible: Sendable, Equatable {
    var t: Int
    var violation: Double
  }

  /// Optuna's default γ shape with the fraction `gamma`: min(⌈γ·n⌉, 25).
  static func belowCount(finished n: Int, gamma: Double) -> Int {
    Swift.min(Int((gamma * Double(n)).rounded(.up)), 25)
  }

  /// The split of `scored`, whose `infeasible` trials (in trial-number order)
  /// are already marked failed (``ScoredHistory/markingFailed(_:)``).
  /// `bestComplete(k)` chooses the best k complete trials (default: by loss)
  /// and `prunedRank(t)` orders pruned trials that stopped at the same step
  /// (default: by loss).
  init(
    _ scored: ScoredHistory, gamma: Double, constantLiar: Bool, infeasible: [Infeasible] = [],
    bestComplete: ((Int) -> [Int])? = nil, prunedRank: ((Int) -> Double)? = nil
  ) {
    let outcomes = scored.outcomes
    var remaining = Self.belowCount(finished: scored.finishedCount, gamma: gamma)
    var isBelow = [Bool](repeating: false, count: outcomes.count)

    if let bestComplete, remaining > 0 {
      let chosen = bestComplete(remaining)
      for t in chosen { isBelow[t] = true }
      remaining -= chosen.count
    }
    // The best complete trials: a sorted window of at most `remaining` (loss, index).
    var best: [(loss: Double, t: Int)] = []
    if bestComplete == nil && remaining > 0 {
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
        if case .pruned(let step, let loss) = outcomes[t] { pruned.append((step, prunedRank?(t) ?? loss, t)) }
      }
      pruned.sort { ($1.step, $0.loss, $0.t) < ($0.step, $1.loss, $1.t) }
      for p in pruned.prefix(remaining) { isBelow[p.t] = true }
      remaining -= Swift.min(remaining, pruned.count)
    }
    if remaining > 0 {
      // Infeasible trials fill what is left, least violation first (then trial number).
      let order = infeasible.indices.sorted { (infeasible[$0].violation, $0) < (infeasible[$1].violation, $1) }
      for i in order.prefix(remaining) { isBelow[infeasible[i].t] = true }
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
