/// `command.json` in the package of a command experiment: how to run the
/// released model's code again — `hpo predict` runs its `predict`, a later
/// experiment that names the package as its champion runs its `evaluate`.
///
/// The package beside it holds `code.bundle` (the workdir's files as a
/// `FileBundle`) and `checkpoint.bundle` (the winner's checkpoint folder as a
/// `FileBundle`); both are listed in `SHA256SUMS` like every file.
///
/// Invariants of a decoded value: ``format`` is ``currentFormat``; `train` is
/// non-empty, and every command, when present, is a non-empty list of
/// non-empty strings (checked by ``validated()``).
public struct PackagedCommand: Sendable, Equatable, Codable {
  /// The format this build writes and reads.
  public static let currentFormat = 1
  /// The file's name inside a package.
  public static let fileName = "command.json"
  /// The workdir's files (a `FileBundle`).
  public static let codeFileName = "code.bundle"
  /// The winner's checkpoint folder (a `FileBundle`).
  public static let checkpointFileName = "checkpoint.bundle"

  public var format: Int
  public var experiment: String
  /// The winning trial's number.
  public var trial: Int
  /// The winning trial's seed (`HPO_SEED`).
  public var seed: UInt64
  /// The winner's parameters (`HPO_PARAMS`).
  public var configuration: Configuration
  public var train: [String]
  public var evaluate: [String]?
  public var predict: [String]?
  /// `model.env` of the experiment.
  public var env: [String: String]
  /// `model.timeout` of the experiment, in seconds.
  public var timeoutSeconds: Double?

  public init(
    experiment: String, trial: Int, seed: UInt64, configuration: Configuration, command: CommandSpec
  ) {
    format = Self.currentFormat
    self.experiment = experiment
    self.trial = trial
    self.seed = seed
    self.configuration = configuration
    train = command.train
    evaluate = command.evaluate
    predict = command.predict
    env = command.env
    timeoutSeconds = command.timeoutSeconds
  }

  enum CodingKeys: String, CodingKey {
    case format, experiment, trial, seed, configuration, train, evaluate, predict, env
    case timeoutSeconds = "timeout_seconds"
  }

  /// The value when it keeps the invariants; else a message naming the field,
  /// its value and what is accepted.
  public func validated() throws(PackagedCommandError) -> PackagedCommand {
    guard format == Self.currentFormat else {
      throw PackagedCommandError("format \(format) is not read by this hpo; accepted: \(Self.currentFormat)")
    }
    func check(_ name: String, _ argv: [String]?) throws(PackagedCommandError) {
      guard let argv else { return }
      guard !argv.isEmpty, argv.allSatisfy({ !$0.isEmpty }) else {
        throw PackagedCommandError("\(name) is \(argv); accepted: a non-empty list of non-empty strings")
      }
    }
    try check("train", train)
    try check("evaluate", evaluate)
    try check("predict", predict)
    return self
  }
}

/// A `command.json` that cannot be used: the message names the field.
public struct PackagedCommandError: Error, Sendable, Equatable, CustomStringConvertible {
  public var message: String

  public init(_ message: String) { self.message = message }

  public var description: String { message }
}
