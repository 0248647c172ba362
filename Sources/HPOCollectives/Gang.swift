/// The members of one gang as one member sees them: who it is, who the
/// others are and where they listen, and how long a collective may take.
///
/// Every member of a gang holds the same `id`, `addresses`, `deadline`,
/// `chunkBytes` and `security` (public keys), and its own `rank` and
/// `sharedMemory` choice. The coordinator hands them out; the members then
/// talk directly to each other.
public struct Gang: Sendable, Hashable {
  /// Names the gang on the wire; a message carrying another id is refused.
  /// At most 255 UTF-8 bytes.
  public var id: String
  /// This member's rank, `0 ..< size`.
  public var rank: Int
  /// Where each rank listens (`tcp://host:port`), indexed by rank.
  public var addresses: [String]
  /// How long one collective may take, on the monotonic clock, from the
  /// moment it is called on this member: by then it has returned, or thrown
  /// ``CollectiveError/Kind/deadlineExceeded`` naming the peer it blames.
  /// Its last eighth (at most 1 s) is kept for abort notices
  /// (``GangCommunicator/abortGrace``).
  public var deadline: Duration
  /// The largest payload of one message: large buffers stream in chunks of
  /// this many bytes (rounded down to whole elements, at least one).
  public var chunkBytes: Int
  /// CURVE keys of the gang; `nil`: plain TCP.
  public var security: GangSecurity?
  /// Whether this member offers to all-reduce through shared memory when
  /// every member is on its host (see ``GangCommunicator/path``). Members
  /// may differ: one that says no makes the whole gang use the ring.
  public var sharedMemory: Bool

  /// The default chunk: 1 MiB.
  public static let defaultChunkBytes = 1 << 20

  public init(
    id: String, rank: Int, addresses: [String], deadline: Duration,
    chunkBytes: Int = Gang.defaultChunkBytes, security: GangSecurity? = nil, sharedMemory: Bool = true
  ) {
    self.id = id
    self.rank = rank
    self.addresses = addresses
    self.deadline = deadline
    self.chunkBytes = chunkBytes
    self.security = security
    self.sharedMemory = sharedMemory
  }

  /// The number of members.
  public var size: Int { addresses.count }
  /// The rank this member sends to in a ring.
  public var nextRank: Int { (rank + 1) % size }
  /// The rank this member receives from in a ring.
  public var previousRank: Int { (rank + size - 1) % size }

  /// Throws ``CollectiveError/Kind/invalidGang`` naming the field, its value
  /// and what is accepted.
  public func validate() throws(CollectiveError) {
    func bad(_ message: String) -> CollectiveError {
      CollectiveError(.invalidGang, operation: "gang", gang: self, message: message)
    }
    guard !addresses.isEmpty else { throw bad("addresses is empty; give one address per rank") }
    guard (0..<size).contains(rank) else { throw bad("rank \(rank) is not in 0..<\(size)") }
    guard !id.isEmpty, id.utf8.count <= 255 else { throw bad("id \"\(id)\" must have 1 to 255 UTF-8 bytes") }
    guard deadline > .zero else { throw bad("deadline \(deadline) must be positive") }
    guard chunkBytes >= 8 else { throw bad("chunkBytes \(chunkBytes) must be at least 8") }
    for (r, address) in addresses.enumerated() where !address.hasPrefix("tcp://") {
      throw bad("address \"\(address)\" of rank \(r) is not tcp://host:port")
    }
    if let security {
      guard security.publicKeys.count == size else {
        throw bad("security has \(security.publicKeys.count) public keys; give one per rank (\(size))")
      }
    }
  }
}

/// CURVE for a gang: every member listens as a CURVE server with its
/// transport's key pair and lets in only the gang's public keys; it connects
/// to its peers as a CURVE client with the same pair.
public struct GangSecurity: Sendable, Hashable {
  /// Each rank's public key (Z85), indexed by rank; only these are let in
  /// (the transport refuses one that is not Z85). The member's own, at its
  /// rank, must be its transport's.
  public var publicKeys: [String]

  public init(publicKeys: [String]) {
    self.publicKeys = publicKeys
  }
}
