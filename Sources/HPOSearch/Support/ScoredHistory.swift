import HPOCore

/// The history as a sampler learns from it: each trial's outcome as a loss
/// (lower is better, whatever the objective's direction), with failed and
/// non-finite outcomes kept apart so that they are never mistaken for good ones.
struct ScoredHistory: Sendable {
  enum Outcome: Sendable, Equatable {
    /// Finished with a finite objective; `loss` is the value, negated when maximising.
    case complete(loss: Double)
    /// Stopped early after `step` epochs with `loss` there (+∞ when unknown or non-finite).
    case pruned(step: Int, loss: Double)
    /// Failed, or finished without a finite objective: the worst outcome.
    case failed
    /// Pending or running: the outcome is unknown.
    case pending
  }

  /// One outcome per trial of the history, in the history's order.
  let outcomes: [Outcome]
  /// History indices in trial-number order.
  let byNumber: [Int]
  /// Trials whose outcome counts as finished for start-up and γ: complete
  /// (with any value) and pruned, as in Optuna.
  let finishedCount: Int

  init(_ history: [TrialRecord], direction: Direction) {
    let sign: Double = direction == .minimize ? 1 : -1
    var outcomes: [Outcome] = []
    outcomes.reserveCapacity(history.count)
    var finished = 0
    var sorted = true
    var previous = Int.min
    history.withUnsafeBufferPointer { trials in
      for t in 0..<trials.count {
        let number = trials[t].number
        if number < previous { sorted = false }
        previous = number
        switch trials[t].state {
        case .complete:
          finished += 1
          if let v = trials[t].value, v.isFinite {
            outcomes.append(.complete(loss: sign * v))
          } else {
            outcomes.append(.failed)
          }
        case .pruned:
          finished += 1
          let last = trials[t].intermediate.last
          let raw = trials[t].value ?? last?.value
          let loss = raw.map { $0.isFinite ? sign * $0 : .infinity } ?? .infinity
          outcomes.append(.pruned(step: last?.step ?? -1, loss: loss))
        case .failed, .infeasible:
          outcomes.append(.failed)
        case .pending, .running:
          outcomes.append(.pending)
        }
      }
    }
    self.outcomes = outcomes
    self.finishedCount = finished
    if sorted {
      byNumber = Array(history.indices)
    } else {
      byNumber = history.indices.sorted { (history[$0].number, $0) < (history[$1].number, $1) }
    }
  }

  /// The finite loss of trial `t`, if it completed with one.
  @inline(__always)
  func completeLoss(_ t: Int) -> Double? {
    if case .complete(let loss) = outcomes[t] { return loss }
    return nil
  }

  /// The best complete loss, if any.
  var bestLoss: Double? {
    var best: Double?
    for case .complete(let loss) in outcomes where best.map({ loss < $0 }) ?? true { best = loss }
    return best
  }
}
