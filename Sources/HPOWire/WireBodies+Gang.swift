import HPOCore

/// A member's place in a gang trial, carried by its ``TrialAssignment``:
/// the trial runs on `size` worker slots of distinct workers, which talk
/// directly to each other (see HPOCollectives). Only rank 0 reports the
/// trial's epochs and its result; the others only take part.
public struct GangRole: Sendable, Equatable, Codable {
  /// This member's rank, `0 ..< size`.
  public var rank: Int
  /// The number of members.
  public var size: Int

  public init(rank: Int, size: Int) {
    self.rank = rank
    self.size = size
  }

  enum CodingKeys: String, CodingKey, CaseIterable { case rank, size }
}

/// A gang member is ready: it listens at `address` for its ring predecessor
/// (worker → coordinator, once per attempt). The coordinator answers every
/// member with a ``GangStart`` once all have joined, or a ``GangCancel``.
public struct GangJoin: Sendable, Equatable, Codable {
  public var key: TrialKey
  /// The worker slot that joins.
  public var workerID: String
  public var rank: Int
  /// Where it listens, `tcp://host:port`, reachable by the other members.
  public var address: String
  /// Its CURVE public key (Z85) when its worker has a key pair.
  public var publicKey: String?

  public init(key: TrialKey, workerID: String, rank: Int, address: String, publicKey: String? = nil) {
    self.key = key
    self.workerID = workerID
    self.rank = rank
    self.address = address
    self.publicKey = publicKey
  }

  enum CodingKeys: String, CodingKey, CaseIterable {
    case key, rank, address
    case workerID = "worker_id"
    case publicKey = "public_key"
  }
}

/// Every member has joined: the gang starts (coordinator → each member).
public struct GangStart: Sendable, Equatable, Codable {
  public var key: TrialKey
  /// Where each rank listens, indexed by rank.
  public var addresses: [String]
  /// Each rank's public key, indexed by rank, when every member has one:
  /// the members then admit only each other, over CURVE.
  public var publicKeys: [String]?
  /// How long one collective may take (the gang's fault deadline).
  public var deadlineMilliseconds: Int

  public init(key: TrialKey, addresses: [String], publicKeys: [String]? = nil, deadlineMilliseconds: Int) {
    self.key = key
    self.addresses = addresses
    self.publicKeys = publicKeys
    self.deadlineMilliseconds = deadlineMilliseconds
  }

  enum CodingKeys: String, CodingKey, CaseIterable {
    case key, addresses
    case publicKeys = "public_keys"
    case deadlineMilliseconds = "deadline_ms"
  }
}

/// The gang will not start (a member did not join in time, left, or the
/// trial ended): the member drops the trial and asks for work again.
public struct GangCancel: Sendable, Equatable, Codable {
  public var key: TrialKey
  /// Why, for the member's log.
  public var reason: String

  public init(key: TrialKey, reason: String) {
    self.key = key
    self.reason = reason
  }

  enum CodingKeys: String, CodingKey, CaseIterable { case key, reason }
}

/// A member of a running gang trial, for people (`hpo status`, `hpo trials`).
public struct GangMember: Sendable, Equatable, Codable {
  /// Its worker slot.
  public var workerID: String
  /// Where it listens for its peers, `tcp://host:port`.
  public var address: String

  public init(workerID: String, address: String) {
    self.workerID = workerID
    self.address = address
  }

  enum CodingKeys: String, CodingKey, CaseIterable {
    case address
    case workerID = "worker_id"
  }
}
