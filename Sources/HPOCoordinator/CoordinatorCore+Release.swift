import Foundation
import HPOCore
import HPOStore
import HPOWire

extension CoordinatorCore {
  /// Names of the experiments whose release stage is running now (a draining
  /// coordinator waits for them, up to its drain timeout).
  /// Also those about to start (waiting for the last checkpoints), unless
  /// they need a worker first: an evaluate command waiting for a lease is not
  /// running, and a draining coordinator leases none.
  public var runningReleases: [String] {
    let evaluating = evaluations.filter { _, phase in
      switch phase {
      case .preparing: return true
      case .running(_, let tasks): return tasks.contains { $0.lease != nil }
      }
    }
    let starting = experiments.values.filter { e in
      awaitsRelease(e) && evaluations[e.name] == nil && !(e.spec.model.kind == .command && e.spec.model.command?.evaluate != nil)
    }
    return Set(releaseJobs.keys).union(evaluating.keys).union(starting.map(\.name)).sorted()
  }

  /// How long a finished experiment waits for the checkpoints of its last
  /// trials before its release stage starts (without them it retrains the winner).
  static let checkpointGrace: Duration = .seconds(5)

  /// Whether `e` (submitted or resumed here) has finished its search but its
  /// release stage has not ended.
  func awaitsRelease(_ e: ExperimentRuntime) -> Bool {
    releaseStage != nil && e.state == .finished && releaseStatuses[e.name] == nil && releaseEligible.contains(e.name)
  }

  /// Whether something runs off the loop and will want the loop when it ends
  /// (a data preparation, a release stage or its inputs), or a release stage
  /// waits to start: the service then looks every few milliseconds
  /// (``advanceBackgroundWork(now:)``) instead of every tick, so that a run's
  /// end is not held up by ticks.
  public var hasBackgroundWork: Bool {
    if !preparations.isEmpty || !releaseJobs.isEmpty { return true }
    for name in order {
      guard let e = experiments[name], awaitsRelease(e) else { continue }
      // Evaluate commands run on workers, whose results come as messages.
      if case .running? = evaluations[name] { continue }
      return true
    }
    return false
  }

  /// Takes the outcomes of the background jobs that ended and starts what
  /// follows them (see ``hasBackgroundWork``); the tick does it too.
  public func advanceBackgroundWork(now: CoordinatorTime) throws {
    try advancePreparations(now: now)
    try advanceReleases(now: now)
    try flush()
  }

  /// Records the outcomes of release stages that ended, and starts the stage
  /// of each experiment whose search has finished (once its checkpoints are in,
  /// or after ``checkpointGrace``), also while draining: the drain waits for it.
  /// The stage is idempotent (it rewrites the report and the package
  /// atomically), so one interrupted by a stop runs again whole on restart.
  func advanceReleases(now: CoordinatorTime) throws {
    guard let stage = releaseStage else { return }
    for (name, job) in releaseJobs {
      guard let result = job.result else { continue }
      let outcome: ReleaseOutcome
      switch result {
      case .success(let o): outcome = o
      // ReleaseRunner.run does not throw; were the job to, its error is the outcome.
      case .failure(let error): outcome = ReleaseOutcome(status: .error, message: "the release stage failed: \(error)")
      }
      releaseJobs[name] = nil
      endRelease(name, outcome, now: now)
    }
    for name in order {
      guard let e = experiments[name], awaitsRelease(e), releaseJobs[name] == nil else { continue }
      if evaluations[name] != nil {
        try advanceEvaluation(name, record: nil, stage: stage, now: now)
        continue
      }
      let since = releaseWaitingSince[name] ?? now
      releaseWaitingSince[name] = since
      guard e.awaitingCheckpoint.isEmpty || now.duration(since: since) >= Self.checkpointGrace else { continue }
      releaseWaitingSince[name] = nil
      try flush()
      let record = try SearchRecord.read(from: store, experiment: name)
      try advanceEvaluation(name, record: record, stage: stage, now: now)
    }
  }

  /// Records how `name`'s release stage ended (durably, with the next flush) and logs it.
  func endRelease(_ name: String, _ outcome: ReleaseOutcome, now: CoordinatorTime) {
    evaluations[name] = nil
    let stored = StoredRelease(
      status: outcome.status, failedGates: outcome.failedGates, message: outcome.message,
      report: outcome.report, package: outcome.package)
    record(.recordRelease(experiment: name, stored), at: now.wall)
    releaseStatuses[name] = ReleaseStatus(stored)
    logger.info("release stage ended", metadata: [
      "experiment": "\(name)", "outcome": "\(outcome.status.rawValue)", "message": "\(outcome.message)",
    ])
  }

  /// The release part of an experiment's status: recorded, running, or `nil`
  /// (no stage configured, or the search is still going).
  func releaseStatus(of e: ExperimentRuntime) -> ReleaseStatus? {
    if let s = releaseStatuses[e.name] { return s }
    guard awaitsRelease(e) else { return nil }
    let message = releaseJobs[e.name] == nil ? evaluationStatus(of: e) : nil
    return ReleaseStatus(state: .running, message: message ?? "evaluating the winner on the test split, checking the gates, packaging")
  }

  /// Loads the recorded outcome of `name`'s release stage (after a restart).
  func loadRelease(_ name: String) throws {
    if let stored = try store.release(of: name) { releaseStatuses[name] = ReleaseStatus(stored) }
  }
}

extension ReleaseStatus {
  init(_ s: StoredRelease) {
    self.init(state: ReleaseState(s.status), failedGates: s.failedGates, message: s.message, report: s.report, package: s.package)
  }
}
