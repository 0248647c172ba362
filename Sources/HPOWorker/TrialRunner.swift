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
/// data): reported to the coordinator as a failed trial with this message.
public struct TrialRunError: Error, Sendable, CustomStringConvertible {
  public var message: String

  public init(_ message: String) { self.message = message }

  public var description: String { message }
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
}
