// CURVE settings of the transports, and what a failed handshake means.
private import CZeroMQ

/// CURVE settings of a ``ZeroMQServerTransport``: its key pair and the
/// client keys it serves. A plain value.
public struct ZeroMQServerSecurity: Sendable {
  /// The server's key pair; clients must be given its public key.
  public var keyPair: ZeroMQCurveKeyPair
  /// The client public keys (Z85) let in, each with a name for the logs.
  public var authorizedKeys: [String: String]
  /// Called on the ZAP handler's thread for every client asking to connect.
  public var onDecision: @Sendable (ZeroMQAuthenticationDecision) -> Void

  /// Memberwise initialiser.
  public init(
    keyPair: ZeroMQCurveKeyPair, authorizedKeys: [String: String],
    onDecision: @escaping @Sendable (ZeroMQAuthenticationDecision) -> Void = { _ in }
  ) {
    self.keyPair = keyPair
    self.authorizedKeys = authorizedKeys
    self.onDecision = onDecision
  }
}

/// CURVE settings of a ``ZeroMQClientTransport``. A plain value.
public struct ZeroMQClientSecurity: Sendable, Hashable {
  /// The client's own key pair; its public key must be authorised by the server.
  public var keyPair: ZeroMQCurveKeyPair
  /// The server's public key (Z85).
  public var serverPublicKey: String

  /// Memberwise initialiser.
  public init(keyPair: ZeroMQCurveKeyPair, serverPublicKey: String) {
    self.keyPair = keyPair
    self.serverPublicKey = serverPublicKey
  }
}

/// What a client-side handshake failure most likely means (libzmq 4.3).
public enum ZeroMQHandshakeProblem: Sendable, Hashable {
  /// The server dropped the connection mid-handshake or could not decrypt
  /// it: with CURVE, the client was given a wrong server public key
  /// (`HANDSHAKE_FAILED_NO_DETAIL`, or a cryptographic protocol error).
  case serverKeyRejected
  /// The server's ZAP handler refused the client's key (`HANDSHAKE_FAILED_AUTH`,
  /// value: the ZAP status code, 400).
  case clientKeyRefused(status: UInt32)
  /// One side uses CURVE and the other does not (mechanism mismatch).
  case mechanismMismatch
  /// Any other handshake failure.
  case other(ZeroMQMonitorEvent)

  /// Classifies `event` (one of the three handshake-failure kinds).
  public init(_ event: ZeroMQMonitorEvent) {
    switch event.kind {
    case .handshakeFailedAuth:
      self = .clientKeyRefused(status: event.value)
    case .handshakeFailedProtocol where Int32(bitPattern: event.value) == ZMQ_PROTOCOL_ERROR_ZMTP_MECHANISM_MISMATCH:
      self = .mechanismMismatch
    case .handshakeFailedProtocol where Int32(bitPattern: event.value) == ZMQ_PROTOCOL_ERROR_ZMTP_CRYPTOGRAPHIC:
      self = .serverKeyRejected
    case .handshakeFailedNoDetail:
      self = .serverKeyRejected
    default:
      self = .other(event)
    }
  }
}

extension ZeroMQSocket {
  /// `ZMQ_ZAP_DOMAIN`: the domain sent in this socket's ZAP requests. Set
  /// before bind.
  public func setZAPDomain(_ domain: String) throws(ZeroMQError) {
    try setBytes(ZMQ_ZAP_DOMAIN, Array(domain.utf8), "zmq_setsockopt(ZMQ_ZAP_DOMAIN)")
  }

  /// `ZMQ_ZAP_DOMAIN`; empty if none was set.
  public var zapDomain: String {
    get throws(ZeroMQError) {
      let bytes = try getBytes(ZMQ_ZAP_DOMAIN, capacity: 256, "zmq_getsockopt(ZMQ_ZAP_DOMAIN)")
      return String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
    }
  }

  /// `ZMQ_HANDSHAKE_IVL`: how long a new connection may take to finish its
  /// handshake before it is dropped (libzmq's default is 30 s). Set before
  /// bind/connect.
  public func setHandshakeInterval(_ interval: Duration) throws(ZeroMQError) {
    try setInt32(ZMQ_HANDSHAKE_IVL, interval.zmqMilliseconds("zmq_setsockopt(ZMQ_HANDSHAKE_IVL)"), "zmq_setsockopt(ZMQ_HANDSHAKE_IVL)")
  }

  /// `ZMQ_HANDSHAKE_IVL`.
  public var handshakeInterval: Duration {
    get throws(ZeroMQError) { .milliseconds(try getInt32(ZMQ_HANDSHAKE_IVL, "zmq_getsockopt(ZMQ_HANDSHAKE_IVL)")) }
  }
}
