/// How the release stage ended, as the store, the wire and exit codes carry it.
public struct ReleaseOutcome: Sendable, Equatable {
  public enum Status: String, Sendable, Codable, CaseIterable {
    /// Every gate passed; the package is in `output.dir/package`.
    case passed
    /// At least one gate failed; the candidate is in `output.dir/rejected`.
    case gateFailed = "gate_failed"
    /// The stage could not decide (missing data, a write failure, …).
    case error
    /// Nothing to release (a built-in function has no model).
    case skipped
  }

  public var status: Status
  /// Names of the failed gates (gate_failed only).
  public var failedGates: [String]
  /// One sentence for people.
  public var message: String
  /// `output.dir/report.md`, when written.
  public var report: String?
  /// The package (passed) or the rejected candidate (gate_failed).
  public var package: String?

  public init(status: Status, failedGates: [String] = [], message: String, report: String? = nil, package: String? = nil) {
    self.status = status
    self.failedGates = failedGates
    self.message = message
    self.report = report
    self.package = package
  }
}

/// Where an experiment's release stage is, as `hpo status` shows it: running,
/// or ended with one of ``ReleaseOutcome/Status``'s outcomes.
public enum ReleaseState: String, Sendable, Codable, CaseIterable {
  /// Held-out evaluation, gates and packaging are under way.
  case running
  case passed
  case gateFailed = "gate_failed"
  case error
  case skipped

  /// The state of a stage that ended with `status`.
  public init(_ status: ReleaseOutcome.Status) {
    switch status {
    case .passed: self = .passed
    case .gateFailed: self = .gateFailed
    case .error: self = .error
    case .skipped: self = .skipped
    }
  }

  /// Whether the stage has ended.
  public var isFinal: Bool { self != .running }
}
