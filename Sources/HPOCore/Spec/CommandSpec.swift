/// The user's own training code (model kind `command`): the commands a worker
/// runs, where their files are, and their limits.
///
/// Paths are as written in the experiment file (`workdir` relative to it).
/// Invariants once loaded: `train` is a non-empty list of non-empty strings;
/// `evaluate` and `predict`, when given, likewise; `timeoutSeconds`, when
/// given, is > 0 and at most ``maximumTimeoutSeconds``; `env` names are
/// non-empty, hold no `=` and do not start with `HPO_`; no string holds NUL.
public struct CommandSpec: Sendable, Equatable, Codable {
  /// The training command, run once per trial (argv; the first element is
  /// looked up in `PATH` when it holds no `/`).
  public var train: [String]
  /// The command that scores a checkpoint on the test split (the winner's release stage).
  public var evaluate: [String]?
  /// The command `hpo predict` runs on a package of this model.
  public var predict: [String]?
  /// The folder holding the commands' files, relative to the experiment file;
  /// its files travel to every worker and into the package.
  public var workdir: String
  /// Extra environment variables for every command.
  public var env: [String: String]
  /// A trial still running after this many seconds is stopped and fails; `nil`: no limit.
  public var timeoutSeconds: Double?

  public init(
    train: [String], evaluate: [String]? = nil, predict: [String]? = nil, workdir: String,
    env: [String: String] = [:], timeoutSeconds: Double? = nil
  ) {
    self.train = train
    self.evaluate = evaluate
    self.predict = predict
    self.workdir = workdir
    self.env = env
    self.timeoutSeconds = timeoutSeconds
  }

  enum CodingKeys: String, CodingKey {
    case train, evaluate, predict, workdir, env
    case timeoutSeconds = "timeout_seconds"
  }
}
