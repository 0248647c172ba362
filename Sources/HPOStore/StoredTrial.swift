import Foundation
import HPOCore

/// Everything the store knows about one trial: the ``TrialRecord`` samplers and schedulers see,
/// plus its lease, timings, final metrics and why it ended as it did.
///
/// Timestamps are kept to the millisecond, so a trial read before and after a restart is equal.
public struct StoredTrial: Sendable, Equatable {
  public var experiment: String
  /// Number, configuration, state, objective value and intermediate reports (in step order).
  public var record: TrialRecord
  /// The trial's own seed.
  public var seed: UInt64
  /// The worker of the current or last lease; `nil` while pending.
  public var worker: String?
  /// How many times the trial was leased (a requeue keeps the count).
  public var attempts: Int
  /// When the current lease runs out; only while running.
  public var leaseDeadline: Date?
  public var createdAt: Date
  /// When the current or last lease began.
  public var startedAt: Date?
  public var finishedAt: Date?
  /// Epochs trained (the highest step reported, or what the final result says).
  public var epochs: Int
  /// The scheduler rung a pruned trial stopped at.
  public var rung: Int?
  /// Why the trial was pruned or failed, or why it was last requeued.
  public var reason: String?
  /// The last 4 KB of a failed command's standard error (command trials only).
  public var outputTail: String?
  /// Final metrics of a complete trial; empty otherwise.
  public var metrics: [String: Double]
  /// Training time reported with the final result of a complete trial.
  public var seconds: Double?

  /// How long the trial ran: the reported training time of a complete trial;
  /// for a pruned or failed one, from its last lease to its end in the store
  /// (a trial leased ahead also counts its wait for the slot); nil while it
  /// runs or when it never ran.
  public var elapsedSeconds: Double? {
    if let seconds { return seconds }
    guard record.state.isFinished, let startedAt, let finishedAt, finishedAt >= startedAt else { return nil }
    return finishedAt.timeIntervalSince(startedAt)
  }
  /// Other metrics of each intermediate report, by step (steps without metrics are absent).
  public var intermediateMetrics: [Int: [String: Double]]

  public init(
    experiment: String, record: TrialRecord, seed: UInt64, worker: String? = nil, attempts: Int = 0,
    leaseDeadline: Date? = nil, createdAt: Date, startedAt: Date? = nil, finishedAt: Date? = nil,
    epochs: Int = 0, rung: Int? = nil, reason: String? = nil, metrics: [String: Double] = [:],
    seconds: Double? = nil, intermediateMetrics: [Int: [String: Double]] = [:], outputTail: String? = nil
  ) {
    self.experiment = experiment
    self.record = record
    self.seed = seed
    self.worker = worker
    self.attempts = attempts
    self.leaseDeadline = leaseDeadline
    self.createdAt = createdAt
    self.startedAt = startedAt
    self.finishedAt = finishedAt
    self.epochs = epochs
    self.rung = rung
    self.reason = reason
    self.metrics = metrics
    self.seconds = seconds
    self.intermediateMetrics = intermediateMetrics
    self.outputTail = outputTail
  }

  public var id: TrialID { TrialID(experiment: experiment, number: record.number) }
  public var number: Int { record.number }
  public var state: TrialState { record.state }

  /// The lease the trial runs under; `nil` unless running.
  public var lease: Lease? {
    guard record.state == .running, let worker else { return nil }
    return Lease(worker: worker, attempt: attempts)
  }
}

/// The record of one trial's checkpoint file.
public struct StoredCheckpoint: Sendable, Equatable {
  public var trial: TrialID
  /// As given to ``StoreChange/recordCheckpoint(_:path:sha256:bytes:)``.
  public var path: String
  /// 64 lowercase hex digits.
  public var sha256: String
  public var bytes: Int
  public var createdAt: Date

  public init(trial: TrialID, path: String, sha256: String, bytes: Int, createdAt: Date) {
    self.trial = trial
    self.path = path
    self.sha256 = sha256
    self.bytes = bytes
    self.createdAt = createdAt
  }
}

/// The recorded outcome of an experiment's release stage.
public struct StoredRelease: Sendable, Equatable {
  public var status: ReleaseOutcome.Status
  public var failedGates: [String]
  public var message: String
  /// The report (`output.dir/report.md`) and the package or rejected candidate, when written.
  public var report: String?
  public var package: String?
  public var recordedAt: Date

  public init(status: ReleaseOutcome.Status, failedGates: [String], message: String, report: String?, package: String?, recordedAt: Date = Date()) {
    self.status = status
    self.failedGates = failedGates
    self.message = message
    self.report = report
    self.package = package
    self.recordedAt = recordedAt
  }
}
