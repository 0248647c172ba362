/// The life cycle of an experiment (in the store, on the wire, in `hpo status`).
public enum ExperimentState: String, Sendable, Codable, CaseIterable {
  /// Accepted; its data is being read, validated and sharded off the
  /// coordinator's dispatch loop (also again on resume). No trial runs yet.
  case preparing
  /// Submitted (data ready), no trial dispatched yet.
  case queued
  case running
  /// The budget of trials is done.
  case finished
  /// Stopped by `hpo cancel`.
  case cancelled
  /// Stopped by an error that concerns the whole experiment (its
  /// ``ExperimentFailure`` says which and why).
  case failed

  /// Whether the experiment has ended (it may still be resumed).
  public var isFinished: Bool { self == .finished || self == .cancelled || self == .failed }
}

/// Why an experiment failed as a whole: the cause (which decides the exit
/// code of a client following it) and a message for people naming the file,
/// line and reason.
public struct ExperimentFailure: Sendable, Equatable, Codable {
  public enum Cause: String, Sendable, Codable, CaseIterable {
    /// Its data cannot be used (missing, unreadable, malformed): bad input, exit 2.
    case data
    /// Its data file changed since the experiment started (found on resume): bad input, exit 2.
    case dataChanged = "data_changed"
    /// Anything else (the coordinator could not carry on): exit 3.
    case `internal`
    /// Its training command failed the same way on several trials in a row (a
    /// command missing on the workers, a broken script): bad input, exit 2.
    case repeatedFailure = "repeated_failure"

    /// Whether the user's input is at fault (a client exits 2), not the infrastructure.
    public var isBadInput: Bool { self == .data || self == .dataChanged || self == .repeatedFailure }
  }

  public var cause: Cause
  public var message: String

  public init(cause: Cause, message: String) {
    self.cause = cause
    self.message = message
  }
}
