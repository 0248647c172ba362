/// Who sent a message to a server: an opaque routing id (a ZeroMQ ROUTER
/// identity). Reply to it with ``ServerTransport/send(_:to:)``.
public struct PeerID: Sendable, Hashable, CustomStringConvertible {
  public var bytes: [UInt8]

  public init(_ bytes: [UInt8]) { self.bytes = bytes }

  public var description: String { bytes.map { String($0, radix: 16) }.joined() }
}

/// A message received by a server, or why it could not be decoded (the
/// server logs it, answers with an `error` message and keeps serving).
public struct Incoming: Sendable {
  public var peer: PeerID
  public var message: Result<WireMessage, WireDecodingError>

  public init(peer: PeerID, message: Result<WireMessage, WireDecodingError>) {
    self.peer = peer
    self.message = message
  }
}

/// The coordinator's side of the network: many peers, one socket.
///
/// Owned and used by one thread (ZeroMQ sockets are not thread-safe); not Sendable.
public protocol ServerTransport: AnyObject {
  /// Waits up to `timeout` for one message; `nil` when none came.
  func receive(timeout: Duration) throws -> Incoming?
  /// Sends `message` to `peer`; a peer that is gone is not an error (the message is dropped).
  func send(_ message: WireMessage, to peer: PeerID) throws
}

/// A worker's or a client's side: one server.
///
/// Owned and used by one thread; not Sendable.
public protocol ClientTransport: AnyObject {
  /// Waits up to `timeout` for one message; `nil` when none came.
  func receive(timeout: Duration) throws -> Result<WireMessage, WireDecodingError>?
  /// Queues `message` for the server (delivered once connected).
  func send(_ message: WireMessage) throws
}
