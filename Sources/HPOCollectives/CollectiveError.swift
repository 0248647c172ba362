/// Why a collective failed. After any of these the communicator is broken:
/// every later call throws the same error, and it should be closed.
public struct CollectiveError: Error, Sendable, Hashable, CustomStringConvertible {
  public enum Kind: UInt8, Sendable, Hashable {
    /// The gang's fields break a rule (the message names field and value).
    case invalidGang = 1
    /// The deadline passed while waiting for `peerRank` (dead, stalled or
    /// never joined). A member whose own wait ended because its predecessor
    /// gave up names the peer the predecessor named (see
    /// ``GangCommunicator``, "Faults").
    case deadlineExceeded
    /// A member of this gang and collective sent something this member did
    /// not expect (another element count, kind or element type): the members
    /// called different collectives or passed different sizes.
    case mismatch
    /// The socket layer failed (bind, connect, send, receive).
    case transport
    /// The communicator was closed, or an earlier collective failed.
    case closed
  }

  public let kind: Kind
  /// What was running: `all-reduce #3`, `broadcast #4`, `barrier #5`, `gang`.
  public let operation: String
  public let gangID: String
  /// This member's rank.
  public let rank: Int
  /// The peer the failure concerns, if any, and its address.
  public let peerRank: Int?
  public let peerAddress: String?
  public let message: String

  init(_ kind: Kind, operation: String, gang: Gang, peer: Int? = nil, message: String) {
    self.init(
      kind, operation: operation, gangID: gang.id, rank: gang.rank, message: message, peer: peer,
      peerAddress: peer.flatMap { gang.addresses.indices.contains($0) ? gang.addresses[$0] : nil })
  }

  init(
    _ kind: Kind, operation: String, gangID: String, rank: Int, message: String, peer: Int? = nil,
    peerAddress: String? = nil
  ) {
    self.kind = kind
    self.operation = operation
    self.gangID = gangID
    self.rank = rank
    self.peerRank = peer
    self.peerAddress = peerAddress
    self.message = message
  }

  public var description: String {
    let peer = peerRank.map { " with rank \($0) (\(peerAddress ?? "no address"))" } ?? ""
    return "\(operation) of gang \(gangID), rank \(rank)\(peer): \(message)"
  }
}
