import HPOWire

/// The coordinator's transport: a ROUTER socket bound to an endpoint, with
/// ZeroMQ heartbeats (to notice frozen peers), a bounded linger and a
/// per-frame size limit enforced by libzmq before anything is read; with
/// ``ZeroMQServerSecurity``, a CURVE server that lets in only authorised
/// client keys (a ``ZeroMQAuthenticator`` in the same context).
///
/// Owned by one thread, like the socket it wraps; `onEvent` and the
/// security's `onDecision` run on helper threads of their own.
public final class ZeroMQServerTransport: ServerTransport {
  public let socket: ZeroMQSocket
  private let limits: WireLimits
  /// The endpoint actually bound (with the real port when bound to `:*`).
  public let endpoint: String
  /// True when the socket is a CURVE server with a ZAP handler.
  public let isSecure: Bool

  /// Connection events of the socket (accepted, disconnected, failed
  /// handshakes), with the peer's address, read on a thread of their own.
  private let watcher: ZeroMQConnectionWatcher?
  private let authenticator: ZeroMQAuthenticator?

  /// Binds a ROUTER socket on `endpoint` (for example `tcp://0.0.0.0:5555`
  /// or `tcp://127.0.0.1:*`). With `security` it first starts the context's
  /// ZAP handler and makes the socket a CURVE server (ZAP domain `hpo`).
  /// `onEvent` sees the socket monitor's accepted, disconnected, bind-failed
  /// and handshake-failed events with the peer's address, on the monitor's
  /// thread. Everything started is stopped again if a step fails.
  /// - Throws: ``ZeroMQError`` (`EADDRINUSE` from the bind or from a second
  ///   ZAP handler in `context`, `EINVAL` for a bad endpoint, ...).
  public init(
    context: ZeroMQContext, endpoint: String, limits: WireLimits = .standard,
    security: ZeroMQServerSecurity? = nil,
    onEvent: @escaping @Sendable (ZeroMQConnectionEvent) -> Void = { _ in }
  ) throws(ZeroMQError) {
    self.limits = limits
    self.isSecure = security != nil
    let s = try ZeroMQSocket(.router, context: context, linger: .milliseconds(500))
    var authenticator: ZeroMQAuthenticator?
    var watcher: ZeroMQConnectionWatcher?
    do {
      if let security {
        authenticator = try ZeroMQAuthenticator(
          context: context, authorizedKeys: security.authorizedKeys, onDecision: security.onDecision)
        try s.makeCurveServer(keyPair: security.keyPair)
        try s.setZAPDomain("hpo")
      }
      watcher = try ZeroMQConnectionWatcher(
        target: s, events: [.accepted, .disconnected, .handshakeFailedNoDetail, .handshakeFailedProtocol, .handshakeFailedAuth, .bindFailed],
        handler: onEvent)
      try s.setHeartbeat(interval: .milliseconds(500), timeout: .seconds(3), ttl: .seconds(6))
      try s.setMaxMessageSize(limits.maxBinaryBytes + limits.maxBodyBytes)
      try s.setSendHighWaterMark(100_000)
      try s.bind(endpoint)
    } catch {
      watcher?.stop()
      s.close()
      authenticator?.close()
      throw error
    }
    self.authenticator = authenticator
    self.watcher = watcher
    socket = s
    // The bound address (the port chosen for `*`) when libzmq can tell, else the one asked for.
    self.endpoint = (try? s.lastEndpoint) ?? endpoint
  }

  public func receive(timeout: Duration) throws -> Incoming? {
    guard !(try ZeroMQPoller.readable([socket], timeout: timeout)).isEmpty else { return nil }
    let raw: ZeroMQMessage
    do {
      guard let m = try socket.tryReceive(limits: ZeroMQReceiveLimits(maxFrames: 4, maxBytes: limits.maxBinaryBytes + limits.maxBodyBytes + 64)) else {
        return nil
      }
      raw = m
    } catch {
      // Over the limits: drained and dropped by the socket wrapper; the sender is unknown here.
      if error.isReceiveLimitExceeded { return nil }
      throw error
    }
    var frames = raw.frames
    guard !frames.isEmpty else { return nil }
    let peer = PeerID(frames.removeFirst())
    return Incoming(peer: peer, message: decode(frames))
  }

  public func send(_ message: WireMessage, to peer: PeerID) throws {
    // A ROUTER drops messages to unknown peers silently (ROUTER_MANDATORY off).
    _ = try socket.trySend(ZeroMQMessage([peer.bytes] + (try WireCodec.encode(message))))
  }

  /// Stops the monitor thread, closes the socket, then stops the ZAP
  /// handler (so the context can terminate). Idempotent; waits at most
  /// about 100 ms for each helper thread.
  public func close() {
    watcher?.stop()
    socket.close()
    authenticator?.close()
  }

  private func decode(_ frames: [[UInt8]]) -> Result<WireMessage, WireDecodingError> {
    do {
      return .success(try WireCodec.decode(frames, limits: limits))
    } catch {
      return .failure(error)
    }
  }
}

/// A worker's or client's transport: a DEALER socket connected to the
/// coordinator, reconnecting by itself, with heartbeats and bounded linger;
/// with ``ZeroMQClientSecurity``, a CURVE client.
///
/// A failed handshake (a wrong server key, a client key the coordinator does
/// not authorise, one side without CURVE) delivers nothing and no call
/// fails, so the transport watches its socket monitor: ``receive(timeout:)``
/// hands handshake events to `onEvent` and keeps ``handshakeFailure`` up to
/// date. Owned by one thread, like the socket it wraps; `onEvent` runs on it.
///
/// libzmq 4.3 never retries a connection whose handshake ended in a protocol
/// or authentication error (a refused client key, one side without CURVE),
/// and a DEALER without a connection blocks in send. So after such a
/// failure the next ``send(_:)`` connects again: a refused worker keeps
/// asking at its own pace and gets in once its key is authorised.
public final class ZeroMQClientTransport: ClientTransport {
  public let socket: ZeroMQSocket
  /// The coordinator's endpoint.
  public let endpoint: String
  private let limits: WireLimits
  /// True after a failure that ended the connection for good (see above).
  private var connectionEnded = false
  private let monitor: ZeroMQMonitor?
  private let onEvent: (ZeroMQMonitorEvent) -> Void
  private let clock = ContinuousClock()

  /// The most telling handshake failure since the last successful handshake
  /// (`nil` when the last handshake succeeded or none failed yet): the latest
  /// one, except that a dropped connection (`handshakeFailedNoDetail`) does
  /// not replace a protocol or authentication error. Updated by
  /// ``receive(timeout:)``, ``send(_:)`` and ``pollEvents()``.
  public private(set) var handshakeFailure: ZeroMQMonitorEvent?
  /// When the first failure since the last success was seen.
  public private(set) var handshakeFailingSince: ContinuousClock.Instant?
  /// True once any handshake with the server has succeeded.
  public private(set) var hasConnected = false

  /// Connects a DEALER socket to `endpoint` (the connection completes in the
  /// background; messages queue meanwhile).
  /// - Throws: ``ZeroMQError`` (`EINVAL` for a bad endpoint or key, ...).
  public init(
    context: ZeroMQContext, endpoint: String, limits: WireLimits = .standard,
    security: ZeroMQClientSecurity? = nil,
    onEvent: @escaping (ZeroMQMonitorEvent) -> Void = { _ in }
  ) throws(ZeroMQError) {
    self.limits = limits
    self.endpoint = endpoint
    self.onEvent = onEvent
    let s = try ZeroMQSocket(.dealer, context: context, linger: .milliseconds(500))
    var monitor: ZeroMQMonitor?
    do {
      if let security { try s.makeCurveClient(keyPair: security.keyPair, serverPublicKey: security.serverPublicKey) }
      monitor = try s.monitor(events: [.handshakeSucceeded, .handshakeFailedNoDetail, .handshakeFailedProtocol, .handshakeFailedAuth])
      try s.setHeartbeat(interval: .milliseconds(500), timeout: .seconds(3), ttl: .seconds(6))
      try s.setReconnectInterval(.milliseconds(100))
      try s.setReconnectIntervalMax(.seconds(2))
      try s.setMaxMessageSize(limits.maxBinaryBytes + limits.maxBodyBytes)
      try s.connect(endpoint)
    } catch {
      monitor?.close()
      s.close()
      throw error
    }
    self.monitor = monitor
    socket = s
  }

  /// Reads the handshake events that arrived so far (without waiting),
  /// updating ``handshakeFailure`` and calling `onEvent` for each.
  public func pollEvents() throws(ZeroMQError) {
    guard let monitor else { return }
    while let event = try monitor.next(timeout: .zero) {
      if event.kind == .handshakeSucceeded {
        hasConnected = true
        handshakeFailure = nil
        handshakeFailingSince = nil
      } else if event.kind.isHandshakeFailure {
        // A dropped connection says less than a protocol or authentication
        // error (the server may close first on a mechanism mismatch): keep
        // the more telling one until a handshake succeeds.
        if event.kind != .handshakeFailedNoDetail || handshakeFailure == nil || handshakeFailure?.kind == .handshakeFailedNoDetail {
          handshakeFailure = event
        }
        handshakeFailingSince = handshakeFailingSince ?? clock.now
        // NO_DETAIL is a dropped connection, which libzmq retries by itself.
        if event.kind != .handshakeFailedNoDetail { connectionEnded = true }
      }
      onEvent(event)
    }
  }

  public func receive(timeout: Duration) throws -> Result<WireMessage, WireDecodingError>? {
    try pollEvents()
    guard !(try ZeroMQPoller.readable([socket], timeout: timeout)).isEmpty else {
      try pollEvents()
      return nil
    }
    let raw: ZeroMQMessage
    do {
      guard let m = try socket.tryReceive(limits: ZeroMQReceiveLimits(maxFrames: 3, maxBytes: limits.maxBinaryBytes + limits.maxBodyBytes + 64)) else {
        return nil
      }
      raw = m
    } catch {
      if error.isReceiveLimitExceeded { return .failure(.tooLarge(frame: 0, bytes: 0, limit: limits.maxBinaryBytes)) }
      throw error
    }
    return decode(raw.frames)
  }

  /// Queues `message` for the coordinator. Waits only while the outgoing
  /// queue is full (or while a connection ended by a failed handshake is
  /// being replaced).
  public func send(_ message: WireMessage) throws {
    let frames = ZeroMQMessage(try WireCodec.encode(message))
    while true {
      try pollEvents()
      if connectionEnded {
        connectionEnded = false
        // The ended connection may already be gone (ENOENT): the connect below is what matters.
        try? socket.disconnect(endpoint)
        try socket.connect(endpoint)
      }
      if try socket.trySend(frames) { return }
      _ = try ZeroMQPoller.poll([ZeroMQPollItem(socket, events: .writable)], timeout: .milliseconds(100))
    }
  }

  /// Closes the monitor and the socket. Idempotent, non-blocking.
  public func close() {
    monitor?.close()
    socket.close()
  }

  private func decode(_ frames: [[UInt8]]) -> Result<WireMessage, WireDecodingError> {
    do {
      return .success(try WireCodec.decode(frames, limits: limits))
    } catch {
      return .failure(error)
    }
  }
}
