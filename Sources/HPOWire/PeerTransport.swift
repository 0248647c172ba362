/// The sockets between the members of a gang (see HPOCollectives): each
/// member receives on one ``PeerInbox`` and sends to one peer through a
/// ``PeerOutbox``. Messages are lists of frames, delivered whole and in
/// order per sender. HPOZeroMQ implements it (`ZeroMQPeerTransport`); the
/// composition root hands it to whoever forms gangs.
public protocol PeerTransport: Sendable {
  /// This member's CURVE public key (Z85), when the transport has a key
  /// pair; `nil`: plain TCP only.
  var publicKey: String? { get }

  /// Binds a receiving socket at `endpoint` (`tcp://host:port`, port `*`
  /// for an ephemeral one). With `admitting` (Z85 public keys) it accepts
  /// only peers holding one of them, over CURVE with this transport's key
  /// pair; `nil`: plain TCP, anyone.
  /// - Throws: ``PeerTransportError`` naming the endpoint (port taken, no
  ///   key pair for CURVE, a key that is not Z85).
  func listen(at endpoint: String, admitting publicKeys: [String]?) throws(PeerTransportError) -> any PeerInbox

  /// A sending socket to the inbox at `address`. Returns at once: the
  /// connection completes in the background, and nothing queues for a peer
  /// not yet connected (a send waits for it). With `serverPublicKey` it
  /// connects over CURVE with this transport's key pair. Messages still
  /// queued when it closes are delivered for at most `linger`.
  /// - Throws: ``PeerTransportError`` naming the address.
  func connect(to address: String, serverPublicKey: String?, linger: Duration) throws(PeerTransportError) -> any PeerOutbox
}

/// Where a gang member receives. One owner thread; not Sendable.
public protocol PeerInbox: AnyObject {
  /// The endpoint actually bound (`tcp://127.0.0.1:41234` for `…:*`).
  var address: String { get }
  /// Waits up to `timeout` for one message; `nil` when none came. A message
  /// of more than `maxFrames` frames or `maxBytes` bytes is dropped and
  /// thrown as ``PeerTransportError/Kind/tooLarge``.
  func receive(timeout: Duration, maxFrames: Int, maxBytes: Int) throws(PeerTransportError) -> [[UInt8]]?
  /// Replaces the public keys a CURVE inbox admits (peers connecting from
  /// now on); a peer refused earlier is let in when it tries again.
  /// - Throws: ``PeerTransportError`` for a plain inbox or a key that is not Z85.
  func admit(_ publicKeys: [String]) throws(PeerTransportError)
  /// Closes it. Idempotent.
  func close()
}

/// Where a gang member sends to one peer. One owner thread; not Sendable.
public protocol PeerOutbox: AnyObject {
  /// Sends `frames`, waiting up to `timeout` for the peer to take them;
  /// ``PeerTransportError/Kind/timeout`` when it did not.
  func send(_ frames: [[UInt8]], timeout: Duration) throws(PeerTransportError)
  /// Sends `frames` only if that needs no wait; false when it would.
  func trySend(_ frames: [[UInt8]]) throws(PeerTransportError) -> Bool
  /// Closes it; with `discardingQueued` what is still queued is dropped
  /// instead of delivered within the linger. Idempotent.
  func close(discardingQueued: Bool)
}

/// Why a peer socket operation failed.
public struct PeerTransportError: Error, Sendable, Hashable, CustomStringConvertible {
  public enum Kind: Sendable, Hashable {
    /// The wait ran out (a send the peer did not take).
    case timeout
    /// A received message over the limits; it was dropped.
    case tooLarge
    /// Anything else: bind, connect, keys, a socket error.
    case failed
  }

  public var kind: Kind
  /// What failed and why, naming the endpoint where there is one.
  public var message: String

  public init(_ kind: Kind, _ message: String) {
    self.kind = kind
    self.message = message
  }

  public var description: String { message }
}
