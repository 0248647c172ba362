/// The life cycle of a trial.
public enum TrialState: String, Sendable, Codable, CaseIterable {
  /// Suggested and waiting for, or leased to, a worker; its outcome is unknown.
  case pending
  /// A worker is training it.
  case running
  /// Finished with a final objective value.
  case complete
  /// Stopped early by a scheduler; its value is the last intermediate one.
  case pruned
  /// Failed (error, lost worker beyond the retry budget, non-finite result).
  case failed
  /// The configuration cannot be trained (a command exited with code 78 and
  /// said why): recorded with its reason, not a failure; samplers treat it as
  /// the worst outcome.
  case infeasible

  /// Whether the trial will not change any more.
  public var isFinished: Bool { self == .complete || self == .pruned || self == .failed || self == .infeasible }
}

/// Trial states key JSON objects by name (`{"complete": 38, "failed": 2}`).
extension TrialState: CodingKeyRepresentable {}

/// One intermediate report of a trial: the objective after `step` epochs.
public struct IntermediateReport: Sendable, Equatable, Codable {
  public var step: Int
  public var value: Double

  public init(step: Int, value: Double) {
    self.step = step
    self.value = value
  }
}

/// An immutable snapshot of one trial, as samplers and schedulers see it.
public struct TrialRecord: Sendable, Equatable, Codable {
  /// 0-based, dense, in suggestion order within an experiment.
  public var number: Int
  public var configuration: Configuration
  public var state: TrialState
  /// The objective on the validation split: final for `complete`, last reported
  /// for `pruned`, `nil` otherwise. May be non-finite if training diverged.
  public var value: Double?
  /// Per-epoch objective values, in step order.
  public var intermediate: [IntermediateReport]

  public init(
    number: Int, configuration: Configuration, state: TrialState, value: Double? = nil,
    intermediate: [IntermediateReport] = []
  ) {
    self.number = number
    self.configuration = configuration
    self.state = state
    self.value = value
    self.intermediate = intermediate
  }
}
