/// What a prepared shard file is for in a trial.
public enum ShardRole: String, Sendable, Codable, CaseIterable {
  /// Part of the training split (an experiment has one or more).
  case train
  /// The validation split the search is scored on.
  case validation
  /// The fitted preprocessing (standardisation, one-hot encoding, imputation).
  case preprocessing
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
