import Foundation
import HPOCore
import HPOWire

/// What a finished trial run produced.
public struct TrialRun: Sendable {
  /// Final validation metrics by name.
  public var metrics: [String: Double]
  public var epochs: Int
  /// Stopped early because the coordinator said so.
  public var stopped: Bool
  /// The model checkpoint, when the runner produces one.
  public var checkpoint: [UInt8]?

  public init(metrics: [String: Double], epochs: Int, stopped: Bool, checkpoint: [UInt8]? = nil) {
    self.metrics = metrics
    self.epochs = epochs
    self.stopped = stopped
    self.checkpoint = checkpoint
  }
}

/// Why a trial could not run (bad configuration, diverged training, missing
/// data): reported to the coordinator as a failed trial with this message —
/// or, for a command that said so, as infeasible or to be retried.
public struct TrialRunError: Error, Sendable, CustomStringConvertible {
  /// How the coordinator records the trial.
  public enum Kind: Sendable, Equatable {
    /// Failed (the default).
    case failed
    /// The configuration cannot be trained (a command's exit 78).
    case infeasible
    /// Run it again as a new attempt, within the retry budget (a command's exit 75).
    case retry
    /// The worker stopped it while shutting down: the slot hands it back.
    case interrupted
  }

  public var message: String
  public var kind: Kind
  /// The last 4 KB of a command's standard error, stored with the trial.
  public var output: String?

  public init(_ message: String, kind: Kind = .failed, output: String? = nil) {
    self.message = message
    self.kind = kind
    self.output = output
  }

  public var description: String { message }

  /// The status a result of this error carries.
  var status: TrialResult.Status {
    switch kind {
    case .failed: return .failed
    case .infeasible: return .infeasible
    case .retry: return .retry
    case .interrupted: return .failed  // never sent: the slot hands an interrupted trial back instead
    }
  }
}

/// Runs one trial on a worker.
public protocol TrialRunner: Sendable {
  /// Trains (or evaluates) `assignment`. After each epoch it calls `report`
  /// with the epoch number (1-based) and its validation metrics; `report`
  /// answers whether to go on. `shardFiles` maps each shard's SHA-256 to a
  /// local file holding it.
  /// - Throws: ``TrialRunError`` (or any error) when the trial fails.
  func run(
    _ assignment: TrialAssignment, shardFiles: [String: URL], report: (Int, [String: Double]) throws -> Bool
  ) throws -> TrialRun

  /// As ``run(_:shardFiles:report:)``, with the slot's ``TrialContext``:
  /// where the trial's output and checkpoints go, and the worker's stop signal.
  func run(
    _ assignment: TrialAssignment, shardFiles: [String: URL], report: (Int, [String: Double]) throws -> Bool,
    context: TrialContext
  ) throws -> TrialRun
}

extension TrialRunner {
  /// Runners that print nothing, return their checkpoint at the end and stop
  /// only at a report ignore the context.
  public func run(
    _ assignment: TrialAssignment, shardFiles: [String: URL], report: (Int, [String: Double]) throws -> Bool,
    context: TrialContext
  ) throws -> TrialRun {
    try run(assignment, shardFiles: shardFiles, report: report)
  }
}

/// What a slot gives a running trial besides its data and its report channel.
public struct TrialContext: Sendable {
  /// What the trial prints (command trials): forwarded to the coordinator's
  /// log of the trial. May be called from any thread.
  public var output: @Sendable (TrialLog.Stream, [UInt8]) -> Void
  /// Sends a checkpoint of the running trial to the coordinator at once, in
  /// chunks (a command's checkpoint folder as a file bundle, each time it
  /// changed before a report); true when the coordinator answered (kept or
  /// refused it), false when it did not. Call it on the thread that runs the trial.
  public var uploadCheckpoint: @Sendable (CheckpointFile) throws -> Bool
  /// Sends a built-in model's checkpoint of the running trial (its encoded
  /// bytes) to the coordinator at once, in chunks, for a later attempt to
  /// resume from, ahead of the epoch's report; false when the coordinator
  /// stopped answering its chunks. Call it on the thread that runs the trial.
  public var sendModelCheckpoint: @Sendable ([UInt8]) throws -> Bool
  /// Raised when the worker shuts down: a runner that can end its trial at
  /// once does so and throws a ``TrialRunError`` of kind
  /// ``TrialRunError/Kind/interrupted`` (the slot hands the trial back).
  public var stop: StopSignal

  public init(
    output: @escaping @Sendable (TrialLog.Stream, [UInt8]) -> Void = { _, _ in },
    uploadCheckpoint: @escaping @Sendable (CheckpointFile) throws -> Bool = { _ in true },
    sendModelCheckpoint: @escaping @Sendable ([UInt8]) throws -> Bool = { _ in true }, stop: StopSignal = StopSignal()
  ) {
    self.output = output
    self.uploadCheckpoint = uploadCheckpoint
    self.sendModelCheckpoint = sendModelCheckpoint
    self.stop = stop
  }
}
