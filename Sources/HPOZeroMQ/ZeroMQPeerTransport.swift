import HPOWire

/// ``PeerTransport`` over ZeroMQ: a PULL socket per inbox, a PUSH socket
/// (`ZMQ_IMMEDIATE`: nothing queues for a peer not yet connected) per outbox,
/// CURVE when asked, with this transport's key pair. An inbox that admits
/// only some keys gets a context of its own, since a context holds one ZAP
/// handler.
public struct ZeroMQPeerTransport: PeerTransport {
  private let context: ZeroMQContext
  private let keyPair: ZeroMQCurveKeyPair?

  /// - Parameters:
  ///   - context: where plain inboxes and every outbox live.
  ///   - keyPair: this member's CURVE key pair; `nil`: plain TCP only.
  public init(context: ZeroMQContext, keyPair: ZeroMQCurveKeyPair? = nil) {
    self.context = context
    self.keyPair = keyPair
  }

  public var publicKey: String? { keyPair?.publicKey }

  public func listen(at endpoint: String, admitting publicKeys: [String]?) throws(PeerTransportError) -> any PeerInbox {
    func failure(_ why: String) -> PeerTransportError { PeerTransportError(.failed, "cannot listen on \(endpoint): \(why)") }
    guard let publicKeys else {
      do throws(ZeroMQError) {
        return try ZeroMQPeerInbox(socket: ZeroMQSocket(.pull, context: context, bind: [endpoint]), authenticator: nil, context: nil)
      } catch {
        throw failure("\(error)")
      }
    }
    guard let keyPair else { throw failure("CURVE was asked for, and this member has no key pair") }
    if let bad = publicKeys.firstIndex(where: { !ZeroMQCurveKeyPair.isValidZ85Key($0) }) {
      throw failure("public key #\(bad) is not a 40-character Z85 key")
    }
    var handler: ZeroMQAuthenticator?
    do throws(ZeroMQError) {
      let gangContext = try ZeroMQContext()
      var keys: [String: String] = [:]
      for (index, key) in publicKeys.enumerated() { keys[key] = "peer #\(index)" }
      handler = try ZeroMQAuthenticator(context: gangContext, authorizedKeys: keys)
      let socket = try ZeroMQSocket(.pull, context: gangContext, bind: [endpoint]) { (s) throws(ZeroMQError) in
        try s.makeCurveServer(keyPair: keyPair)
      }
      return try ZeroMQPeerInbox(socket: socket, authenticator: handler, context: gangContext)
    } catch {
      handler?.close()
      throw failure("\(error)")
    }
  }

  public func connect(to address: String, serverPublicKey: String?, linger: Duration) throws(PeerTransportError) -> any PeerOutbox {
    if serverPublicKey != nil, keyPair == nil {
      throw PeerTransportError(.failed, "cannot connect to \(address): CURVE was asked for, and this member has no key pair")
    }
    do throws(ZeroMQError) {
      let socket = try ZeroMQSocket(.push, context: context, linger: linger) { (s) throws(ZeroMQError) in
        try s.setImmediate(true)
        if let serverPublicKey, let keyPair { try s.makeCurveClient(keyPair: keyPair, serverPublicKey: serverPublicKey) }
        try s.connect(address)
      }
      return ZeroMQPeerOutbox(socket: socket)
    } catch {
      throw PeerTransportError(.failed, "cannot connect to \(address): \(error)")
    }
  }
}

/// A PULL socket, and the ZAP handler and context it owns when it admits only some keys.
final class ZeroMQPeerInbox: PeerInbox {
  let address: String
  private let socket: ZeroMQSocket
  private let authenticator: ZeroMQAuthenticator?
  /// Kept alive as long as the socket (a CURVE inbox's own context).
  private let context: ZeroMQContext?

  init(socket: ZeroMQSocket, authenticator: ZeroMQAuthenticator?, context: ZeroMQContext?) throws(ZeroMQError) {
    self.socket = socket
    self.authenticator = authenticator
    self.context = context
    address = try socket.lastEndpoint
  }

  func receive(timeout: Duration, maxFrames: Int, maxBytes: Int) throws(PeerTransportError) -> [[UInt8]]? {
    do throws(ZeroMQError) {
      guard try !ZeroMQPoller.readable([socket], timeout: timeout).isEmpty else { return nil }
      return try socket.tryReceive(limits: ZeroMQReceiveLimits(maxFrames: maxFrames, maxBytes: maxBytes))?.frames
    } catch {
      if error.isReceiveLimitExceeded { throw PeerTransportError(.tooLarge, "a message over the limits on \(address): \(error)") }
      throw PeerTransportError(.failed, "receiving on \(address): \(error)")
    }
  }

  func admit(_ publicKeys: [String]) throws(PeerTransportError) {
    guard let authenticator else { throw PeerTransportError(.failed, "the inbox at \(address) is plain TCP: it admits no keys") }
    if let bad = publicKeys.firstIndex(where: { !ZeroMQCurveKeyPair.isValidZ85Key($0) }) {
      throw PeerTransportError(.failed, "public key #\(bad) is not a 40-character Z85 key")
    }
    var keys: [String: String] = [:]
    for (index, key) in publicKeys.enumerated() { keys[key] = "peer #\(index)" }
    authenticator.authorize(keys)
  }

  func close() {
    socket.close()
    authenticator?.close()
  }
}

/// A PUSH socket to one peer.
final class ZeroMQPeerOutbox: PeerOutbox {
  private let socket: ZeroMQSocket

  init(socket: ZeroMQSocket) { self.socket = socket }

  func send(_ frames: [[UInt8]], timeout: Duration) throws(PeerTransportError) {
    do throws(ZeroMQError) {
      try socket.setSendTimeout(timeout)
      try socket.send(frames)
    } catch {
      throw PeerTransportError(error.isTimeout ? .timeout : .failed, "\(error)")
    }
  }

  func trySend(_ frames: [[UInt8]]) throws(PeerTransportError) -> Bool {
    do throws(ZeroMQError) {
      return try socket.trySend(ZeroMQMessage(frames))
    } catch {
      throw PeerTransportError(.failed, "\(error)")
    }
  }

  func close(discardingQueued: Bool) {
    if discardingQueued {
      // Closing comes next either way: a linger that cannot be set only delays dropping what is queued.
      try? socket.setLinger(.zero)
    }
    socket.close()
  }
}
