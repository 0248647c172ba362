import Foundation
import HPOCore
import HPOStore
import HPOWire

extension CoordinatorCore {
  /// The lease `key` answers, if it is still the trial's current one.
  func currentLease(_ key: TrialKey) -> ExperimentRuntime.ActiveLease? {
    guard let lease = experiments[key.experiment]?.leases[key.trial], lease.attempt == key.attempt else { return nil }
    return lease
  }

  /// An epoch's metrics: recorded (durably), the lease renewed, and the
  /// scheduler's continue-or-stop decision returned in the same round trip.
  func progress(_ p: TrialProgress, from peer: PeerID, now: CoordinatorTime) throws -> [Outgoing] {
    let key = p.key
    guard let lease = currentLease(key), let e = experiments[key.experiment] else {
      return [Outgoing(peer: peer, message: .decision(TrialDecision(key: key, verdict: .stop, reason: "this attempt no longer holds the trial's lease")))]
    }
    let value = p.metrics[e.spec.objective.metric.rawValue] ?? .nan
    record(.recordIntermediate(TrialID(experiment: key.experiment, number: key.trial),
                               lease: Lease(worker: lease.worker, attempt: lease.attempt),
                               step: p.epoch, value: value, metrics: p.metrics), at: now.wall)
    let report = IntermediateReport(step: p.epoch, value: value, values: e.spec.reportValues(p.metrics))
    e.trials[key.trial].intermediate.append(report)
    if !e.spec.allConstraints.isEmpty { e.lastReportMetrics[key.trial] = p.metrics }
    experiments[key.experiment] = e
    renew(key, worker: lease.worker, now: now)
    let verdict: TrialDecision
    if e.state == .cancelled {
      verdict = TrialDecision(key: key, verdict: .stop, reason: "the experiment was cancelled")
    } else if case .stop(let reason)? = e.scheduler?.decide(
      for: e.trials[key.trial], report: report, history: schedulerHistory(e, trial: key.trial))
    {
      verdict = TrialDecision(key: key, verdict: .stop, reason: reason)
    } else {
      verdict = TrialDecision(key: key, verdict: .continue)
    }
    if verdict.verdict == .stop { stopReasons[key] = verdict.reason }
    return [Outgoing(peer: peer, message: .decision(verdict))]
  }

  /// What the scheduler may look at when deciding about `trial`: every trial;
  /// in reproducible mode only trials 0 … trial − parallel, which dispatch has
  /// already waited for, so decisions do not depend on the workers' timing.
  private func schedulerHistory(_ e: ExperimentRuntime, trial: Int) -> [TrialRecord] {
    guard e.spec.search.reproducible else { return e.trials }
    return Array(e.trials.prefix(max(0, trial - e.spec.search.parallel + 1)))
  }

  /// A trial's end: complete (with its objective), stopped (pruned at its last
  /// report) or failed. A result for an attempt that no longer holds the
  /// lease is ignored, so a re-leased trial is never counted twice.
  func result(_ r: TrialResult, now: CoordinatorTime) throws -> [Outgoing] {
    let key = r.key
    guard let lease = currentLease(key), let e = experiments[key.experiment] else {
      logger.info("late result ignored", metadata: ["trial": "\(key)"])
      return []
    }
    let id = TrialID(experiment: key.experiment, number: key.trial)
    let storeLease = Lease(worker: lease.worker, attempt: lease.attempt)
    let change: StoreChange
    /// Why the trial failed, when it did (counted by ``noteFailureStreak``).
    var failure: String?
    let metricName = e.spec.objective.metric.rawValue
    switch r.status {
    case .complete:
      if let value = r.metrics[metricName], value.isFinite {
        change = .completeTrial(id, lease: storeLease, value: value, metrics: r.metrics, seconds: r.seconds, epochs: r.epochs)
        e.trials[key.trial].state = .complete
        e.trials[key.trial].value = value
        e.trials[key.trial].values = e.spec.reportValues(r.metrics)
        e.trials[key.trial].violations = e.spec.violations(r.metrics)
        if e.spec.release?.pick != nil { e.pickMetrics[key.trial] = r.metrics }
      } else {
        let reason = "the objective \(metricName) is \(r.metrics[metricName].map { "\($0)" } ?? "missing") after \(r.epochs) epochs"
        change = .failTrial(id, lease: storeLease, reason: reason)
        failure = reason
        e.trials[key.trial].state = .failed
      }
    case .stopped:
      let last = e.trials[key.trial].intermediate.last?.value
      let reason = stopReasons[key] ?? "stopped"
      change = .pruneTrial(id, lease: storeLease, value: last, rung: r.epochs, reason: reason, epochs: r.epochs)
      e.trials[key.trial].state = .pruned
      e.trials[key.trial].value = last
      e.trials[key.trial].values = e.trials[key.trial].intermediate.last?.values ?? []
      e.trials[key.trial].violations = e.lastReportMetrics[key.trial].map(e.spec.violations) ?? []
    case .failed:
      let reason = r.error ?? "the worker reported a failure"
      change = .failTrial(id, lease: storeLease, reason: reason, output: r.output)
      failure = reason
      e.trials[key.trial].state = .failed
    case .infeasible:
      change = .markInfeasible(id, lease: storeLease, reason: r.error ?? "the command said the configuration is infeasible")
      e.trials[key.trial].state = .infeasible
    case .retry:
      // A command says so by its exit status; a gang trial when a member was lost (the worker's error says which).
      let why = e.spec.model.kind == .command ? "the command asked to be retried (exit 75)" : (r.error ?? "the worker asked for a retry")
      if lease.attempt >= configuration.maxAttempts {
        let reason = "\(why) on attempt \(lease.attempt) of \(configuration.maxAttempts); no attempt is left"
        change = .failTrial(id, lease: storeLease, reason: reason, output: r.output)
        e.trials[key.trial].state = .failed
        failure = reason
      } else {
        change = .requeueTrial(id, lease: storeLease, reason: "\(why) on attempt \(lease.attempt)")
        e.trials[key.trial].state = .pending
        e.trials[key.trial].intermediate = []
        e.queue.append(key.trial)
      }
    }
    record(change, at: now.wall)
    noteFailureStreak(e, state: e.trials[key.trial].state, reason: failure, now: now)
    stopReasons[key] = nil
    e.lastReportMetrics[key.trial] = nil
    e.leases[key.trial] = nil
    // An upload this attempt left unfinished can no longer complete.
    dropAbandonedUploads(now: now)
    if r.hasCheckpoint, e.trials[key.trial].state == .complete { e.awaitingCheckpoint.insert(key) }
    experiments[key.experiment] = e
    if e.spec.model.kind != .command, e.spec.model.checkpointCadence > 0, e.trials[key.trial].state == .complete {
      // What this trial sent while it ran is of an earlier epoch: only its final checkpoint, which follows, may be kept.
      try dropRunningCheckpoint(of: id, now: now)
    }
    if e.spec.model.kind == .command || e.spec.model.checkpointCadence > 0, e.spec.output.keepTop > 0, e.leases[key.trial] == nil {
      // A checkpoint came while the trial ran: it stays only if the trial completed among the best.
      try flush()
      var runtime = e
      try pruneCheckpoints(&runtime, now: now)
    }
    logger.info("trial ended", metadata: [
      "trial": "\(key)", "state": "\(e.trials[key.trial].state.rawValue)",
      "value": "\(e.trials[key.trial].value.map { "\($0)" } ?? "-")", "seconds": "\(r.seconds)",
    ])
    try finishIfDone(key.experiment, now: now)
    return []
  }

  /// Trials of a `command` experiment failing the same way this many times in
  /// a row (a command missing on the workers, a script that always crashes)
  /// end the experiment: the search would only repeat the failure.
  static let identicalFailureLimit = 5

  /// Counts identical failures in a row of a command experiment and fails it
  /// (cause `repeated_failure`) at ``identicalFailureLimit``; any trial that
  /// ends otherwise resets the count.
  private func noteFailureStreak(_ e: ExperimentRuntime, state: TrialState, reason: String?, now: CoordinatorTime) {
    guard e.spec.model.kind == .command, state.isFinished else { return }
    guard state == .failed, let reason else {
      e.failureStreak = nil
      return
    }
    let count = e.failureStreak?.reason == reason ? (e.failureStreak?.count ?? 0) + 1 : 1
    e.failureStreak = (reason, count)
    guard count >= Self.identicalFailureLimit, !e.state.isFinished else { return }
    fail(e, ExperimentFailure(
      cause: .repeatedFailure,
      message: "\(e.name) stopped: \(count) trials in a row failed the same way: \(reason)"), now: now)
  }
}
