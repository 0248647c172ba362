/// Which model an `evaluate` command scores in a command experiment's release stage.
public enum EvaluationRole: String, Sendable, Codable, CaseIterable {
  /// The search's winner, from the checkpoint its trial sent.
  case winner
  /// The model in production (`validation.champion`), from its package.
  case champion

  /// The trial number in the keys of its leases: -1 for the winner, -2 for
  /// the champion, never a trial's number.
  public var keyNumber: Int { self == .winner ? -1 : -2 }

  /// The role whose leases carry `number` in their keys, if any.
  public init?(keyNumber number: Int) {
    switch number {
    case -1: self = .winner
    case -2: self = .champion
    default: return nil
    }
  }
}

/// How one `evaluate` command of a command experiment's release stage ended
/// on a worker: the test metrics it reported, or why there are none.
///
/// The coordinator leases the task, runs no user code, and hands these to
/// the release stage, which gates and packages on them.
public struct CommandEvaluation: Sendable, Equatable {
  public var role: EvaluationRole
  /// The metrics the command reported (its `final`, else its last report), by name.
  public var metrics: [String: Double]
  /// Wall-clock seconds the command ran.
  public var seconds: Double
  /// The worker that ran it.
  public var worker: String
  /// Why there are no metrics, when the command failed (the trial-failure wording).
  public var error: String?
  /// The last 4 KB of the command's standard error, when it failed.
  public var output: String?

  public init(
    role: EvaluationRole, metrics: [String: Double], seconds: Double, worker: String, error: String? = nil, output: String? = nil
  ) {
    self.role = role
    self.metrics = metrics
    self.seconds = seconds
    self.worker = worker
    self.error = error
    self.output = output
  }
}

/// What a worker needs to run one `evaluate` command of a command
/// experiment's release stage: prepared off the coordinator's loop by the
/// release stage (which reads packages and data), served by the coordinator.
public struct EvaluationInputs: Sendable, Equatable {
  public var role: EvaluationRole
  /// The scored model's parameters (`HPO_PARAMS`) and seed (`HPO_SEED`).
  public var configuration: Configuration
  public var seed: UInt64
  /// The commands to run (`evaluate`), their environment and timeout: the
  /// experiment's for the winner, the package's for the champion.
  public var command: CommandSpec
  /// `.code`, `.testCSV` and `.candidate`.
  public var shards: [ShardReference]
  /// Where each shard's bytes are, by SHA-256, for the coordinator to serve.
  public var files: [String: String]
  /// For people: what is scored ("trial 7's checkpoint", "models/iris version 3").
  public var subject: String

  public init(
    role: EvaluationRole, configuration: Configuration, seed: UInt64, command: CommandSpec, shards: [ShardReference],
    files: [String: String], subject: String
  ) {
    self.role = role
    self.configuration = configuration
    self.seed = seed
    self.command = command
    self.shards = shards
    self.files = files
    self.subject = subject
  }
}
