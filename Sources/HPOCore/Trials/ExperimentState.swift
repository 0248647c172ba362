/// The life cycle of an experiment (in the store, on the wire, in `hpo status`).
public enum ExperimentState: String, Sendable, Codable, CaseIterable {
  /// Submitted, no trial dispatched yet.
  case queued
  case running
  /// The budget of trials is done.
  case finished
  /// Stopped by `hpo cancel`.
  case cancelled
  /// Stopped by an error that concerns the whole experiment.
  case failed

  /// Whether the experiment has ended (it may still be resumed).
  public var isFinished: Bool { self == .finished || self == .cancelled || self == .failed }
}
