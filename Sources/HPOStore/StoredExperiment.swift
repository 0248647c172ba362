import Foundation
import HPOCore

/// How many trials of an experiment are in each state.
public struct TrialCounts: Sendable, Equatable {
  public var pending = 0
  public var running = 0
  public var complete = 0
  public var pruned = 0
  public var failed = 0
  public var infeasible = 0

  public init() {}

  public subscript(state: TrialState) -> Int {
    get {
      switch state {
      case .pending: return pending
      case .running: return running
      case .complete: return complete
      case .pruned: return pruned
      case .failed: return failed
      case .infeasible: return infeasible
      }
    }
    set {
      switch state {
      case .pending: pending = newValue
      case .running: running = newValue
      case .complete: complete = newValue
      case .pruned: pruned = newValue
      case .failed: failed = newValue
      case .infeasible: infeasible = newValue
      }
    }
  }

  /// All trials; also the next trial number, since numbers are dense.
  public var total: Int { pending + running + complete + pruned + failed + infeasible }
  /// Trials that will not change any more.
  public var finished: Int { complete + pruned + failed + infeasible }
}

/// One experiment as stored, with its trial counts.
public struct StoredExperiment: Sendable, Equatable {
  public var name: String
  /// Decoded from ``specJSON``.
  public var spec: ExperimentSpec
  /// The canonical JSON the spec was stored as (``SpecDigest/canonicalJSON(of:)``).
  public var specJSON: String
  /// SHA-256 of ``specJSON``, 64 lowercase hex digits.
  public var specSHA256: String
  public var seed: UInt64
  public var state: ExperimentState
  public var createdAt: Date
  /// The last state change.
  public var updatedAt: Date
  /// When the experiment entered its finished state; `nil` unless finished.
  public var finishedAt: Date?
  public var trialCounts: TrialCounts
  /// Why it failed, when ``state`` is `failed` for a reason the coordinator recorded.
  public var failure: ExperimentFailure?
  /// SHA-256 of its data file when first prepared; `nil` before, or without data.
  public var dataFingerprint: String?
  /// Whether a release stage is owed (`pending`) or has ended (`done`); `nil` when none is owed.
  public var releaseStage: ReleaseStageRecord?

  public init(
    name: String, spec: ExperimentSpec, specJSON: String, specSHA256: String, seed: UInt64,
    state: ExperimentState, createdAt: Date, updatedAt: Date, finishedAt: Date?, trialCounts: TrialCounts,
    failure: ExperimentFailure? = nil, dataFingerprint: String? = nil, releaseStage: ReleaseStageRecord? = nil
  ) {
    self.name = name
    self.spec = spec
    self.specJSON = specJSON
    self.specSHA256 = specSHA256
    self.seed = seed
    self.state = state
    self.createdAt = createdAt
    self.updatedAt = updatedAt
    self.finishedAt = finishedAt
    self.trialCounts = trialCounts
    self.failure = failure
    self.dataFingerprint = dataFingerprint
    self.releaseStage = releaseStage
  }
}

/// Where an experiment's release stage stands in the store.
public enum ReleaseStageRecord: String, Sendable, Equatable, CaseIterable {
  /// The search finished under a coordinator with a release stage; the stage
  /// has not recorded its outcome (not started, running, or interrupted): a
  /// coordinator opening the store runs it.
  case pending
  /// The outcome is recorded (`releases`).
  case done
}
