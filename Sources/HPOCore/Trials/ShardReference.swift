/// What a prepared shard file is for in a trial.
public enum ShardRole: String, Sendable, Codable, CaseIterable {
  /// Part of the training split (an experiment has one or more).
  case train
  /// The validation split the search is scored on.
  case validation
  /// The fitted preprocessing (standardisation, one-hot encoding, imputation).
  case preprocessing
  /// The files of a command experiment's `workdir`, as a file bundle.
  case code
  /// The training split as CSV with the user's original columns and values (command experiments).
  case trainCSV = "train_csv"
  /// The validation split as CSV with the user's original columns and values (command experiments).
  case validationCSV = "validation_csv"
  /// The last checkpoint a previous attempt of this trial sent (a command
  /// trial's checkpoint folder as a file bundle): given as `HPO_RESUME_DIR`.
  case resume
  /// The held-out test split as CSV (the winner's `evaluate` command only): `HPO_TEST`.
  case testCSV = "test_csv"
  /// The checkpoint folder an `evaluate` command scores (the winner's, or the
  /// champion's from its package), as a file bundle: `HPO_CHECKPOINT_DIR`.
  case candidate
}

/// One prepared data file a trial needs, named by its content: workers fetch
/// it from the coordinator by this hash and cache it.
public struct ShardReference: Sendable, Equatable, Codable {
  /// Hex SHA-256 of the shard file.
  public var sha256: String
  public var bytes: Int
  public var role: ShardRole

  public init(sha256: String, bytes: Int, role: ShardRole) {
    self.sha256 = sha256
    self.bytes = bytes
    self.role = role
  }
}

/// An experiment's data once prepared: the shards a trial needs and the
/// fingerprint of the source file they came from (its SHA-256), which the
/// store keeps so a resume can tell that the file changed.
public struct PreparedShards: Sendable, Equatable {
  public var shards: [ShardReference]
  /// Hex SHA-256 of the whole source data file.
  public var sourceSHA256: String
  /// What the preparation wants people to know (what it left out of a
  /// command experiment's workdir bundle); the coordinator logs them.
  public var notes: [String]

  public init(shards: [ShardReference], sourceSHA256: String, notes: [String] = []) {
    self.shards = shards
    self.sourceSHA256 = sourceSHA256
    self.notes = notes
  }
}
