import Foundation
import HPOCore
import HPOStore
import HPOWire

extension CoordinatorCore {
  /// An experiment that has ended for good, as the coordinator keeps it once
  /// its runtime (every trial record, sampler and scheduler) is dropped: what
  /// `hpo status` shows of it. `hpo trials` reads its trials from the store.
  struct EndedExperiment {
    /// Its place in submission order (``submissionOrder``).
    var sequence: Int
    var spec: ExperimentSpec
    var startedAt: Date
    /// Its status without trials; `elapsedSeconds` is recomputed when asked.
    var status: ExperimentStatus
  }

  /// Whether nothing about `e` will change any more: it has ended (finished,
  /// failed or cancelled), no trial runs or waits for its checkpoint, its data
  /// is not being prepared and its release stage (if it is owed one) has ended.
  func isSettled(_ e: ExperimentRuntime) -> Bool {
    e.state.isFinished && e.leases.isEmpty && e.awaitingCheckpoint.isEmpty && preparations[e.name] == nil
      && releaseJobs[e.name] == nil && !awaitsRelease(e)
  }

  /// Drops the runtime of every settled experiment, keeping its status: a
  /// coordinator that serves experiments for weeks holds the trials of the
  /// running ones only, and its memory stays flat however many have ended.
  /// Queued store changes are committed first (the store is what remains).
  func evictSettled(now: CoordinatorTime) throws {
    let settled = order.filter { name in experiments[name].map(isSettled) ?? false }
    guard !settled.isEmpty else { return }
    try flush()
    for name in settled {
      guard let e = experiments[name] else { continue }
      ended[name] = EndedExperiment(
        sequence: submissionOrder[name] ?? 0, spec: e.spec, startedAt: e.startedAt,
        status: status(of: e, trials: nil, now: now))
      experiments[name] = nil
      logs.forget(experiment: name)
      releaseStatuses[name] = nil
      releaseEligible.remove(name)
      releaseWaitingSince[name] = nil
      logger.debug("ended experiment evicted from memory", metadata: ["experiment": "\(name)"])
    }
    let kept = order.filter { experiments[$0] != nil }
    // The round-robin cursor keeps pointing at the same next experiment, or wraps.
    let next = order.isEmpty ? nil : order[cursor % order.count]
    order = kept
    cursor = next.flatMap { kept.firstIndex(of: $0) } ?? 0
  }

  /// An ended experiment's status; with `includeTrials`, its trials read from the store.
  func status(ofEnded x: EndedExperiment, includeTrials: Bool, now: CoordinatorTime) throws -> ExperimentStatus {
    var s = x.status
    s.elapsedSeconds = now.wall.timeIntervalSince(x.startedAt)
    if includeTrials { s.trials = try storedTrialSummaries(of: s.name, spec: x.spec) }
    return s
  }
}
