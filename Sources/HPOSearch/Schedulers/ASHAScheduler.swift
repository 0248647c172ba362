import HPOCore

/// Asynchronous successive halving (ASHA; Li et al. 2020), stopping-based as in
/// Optuna's `SuccessiveHalvingPruner` and Ray Tune's `ASHAScheduler`.
///
/// Rungs sit at `min_epochs·η^k` epochs below `model.epochs` (``RungLadder``).
/// When a trial reaches a rung it is judged once, at once, against every value
/// recorded at that rung so far, by any trial in any state (running, complete,
/// pruned, failed), its own included; it never waits for stragglers. With n
/// values recorded there, it goes on if it is among the best
/// `k = max(⌊n/η⌋, 1)` (ties with the k-th go on), and is stopped otherwise.
///
/// The paper's promotion rule is the top ⌊n/η⌋; for n < η that is nobody, which
/// in ASHA means "start a new trial rather than promote". A scheduler that can
/// only stop would then stop the first η − 1 trials at every rung, so, like
/// Optuna, we use k = 1 when n < η: a trial goes on only if it is the best
/// recorded at the rung so far.
///
/// A trial whose value at a rung is not finite (diverged, or the metric was
/// missing) is stopped there. Non-finite values of other trials count as the
/// worst. Reports between rungs always continue; if a worker skips epochs, a
/// report is judged at every rung it crosses, and another trial's value at a
/// rung is its first report at or after the rung's epoch.
///
/// Cost: one pass over the history per rung crossed, no allocation, no sort.
///
/// With several objectives (`directions.count > 1`) the order at a rung is by
/// Pareto front and crowding distance (``SuccessiveHalving/judgeMultiObjective(at:trial:values:history:isPeer:)``).
public struct ASHAScheduler: Scheduler {
  public let ladder: RungLadder
  /// The objectives' directions; one for a single objective.
  public let directions: [Direction]
  /// The (first) objective's direction.
  public var direction: Direction { directions[0] }

  public init(direction: Direction, minEpochs: Int, reductionFactor: Int, maxEpochs: Int) {
    self.init(directions: [direction], minEpochs: minEpochs, reductionFactor: reductionFactor, maxEpochs: maxEpochs)
  }

  public init(directions: [Direction], minEpochs: Int, reductionFactor: Int, maxEpochs: Int) {
    precondition(!directions.isEmpty, "at least one objective")
    self.directions = directions
    self.ladder = RungLadder(minEpochs: minEpochs, reductionFactor: reductionFactor, maxEpochs: maxEpochs)
  }

  public func decide(for trial: TrialRecord, report: IntermediateReport, history: [TrialRecord]) -> SchedulerDecision {
    SuccessiveHalving(ladder: ladder, directions: directions, label: "asha")
      .decide(for: trial, report: report, history: history) { _ in true }
  }
}

/// The judgement at a rung, shared by ASHA and Hyperband's brackets.
struct SuccessiveHalving {
  let ladder: RungLadder
  /// Every objective's direction; several: ``judgeMultiObjective(at:trial:values:history:isPeer:)``.
  let directions: [Direction]
  /// Starts each reason: "asha", "hyperband bracket 1 (from epoch 3)".
  let label: String

  var scale: LossScale { LossScale(directions[0]) }

  /// Continue, or stop at the first crossed rung where the trial is not in the top 1/η
  /// of the values that trials accepted by `isPeer` (trial numbers) recorded there.
  @inline(__always)
  func decide(
    for trial: TrialRecord, report: IntermediateReport, history: [TrialRecord], isPeer: (Int) -> Bool
  ) -> SchedulerDecision {
    for rung in ladder.crossed(by: report, of: trial) {
      let reason = directions.count > 1
        ? judgeMultiObjective(at: rung, trial: trial.number, values: report.values, history: history, isPeer: isPeer)
        : judge(at: rung, trial: trial.number, value: report.value, history: history, isPeer: isPeer)
      if let reason {
        return .stop(reason: reason)
      }
    }
    return .continue
  }

  /// The stop reason at `rung`, or nil to continue.
  @inline(__always)
  func judge(at rung: RungLadder.Rung, trial number: Int, value: Double, history: [TrialRecord], isPeer: (Int) -> Bool) -> String? {
    let eta = ladder.reductionFactor
    let place = "rung \(rung.index) (epoch \(rung.epoch))"
    guard value.isFinite else { return "\(label): non-finite value \(formatValue(value)) at \(place)" }
    let own = scale.loss(value)
    var recorded = 1  // the trial itself
    var better = 0
    history.withUnsafeBufferPointer { trials in
      for t in 0..<trials.count where trials[t].number != number && isPeer(trials[t].number) {
        guard let v = Reports.value(trials[t].intermediate, atOrAfter: rung.epoch) else { continue }
        recorded += 1
        if scale.loss(v) < own { better += 1 }
      }
    }
    let kept = Swift.max(recorded / eta, 1)
    guard better >= kept else { return nil }
    return "\(label): below the top 1/\(eta) at \(place): \(formatValue(value)), "
      + "\(better) of \(recorded) values recorded there are better (the best \(kept) go on)"
  }
}
