import HPOWire

/// The coordinator's transport: a ROUTER socket bound to an endpoint, with
/// ZeroMQ heartbeats (to notice frozen peers), a bounded linger and a
/// per-frame size limit enforced by libzmq before anything is read.
///
/// Owned by one thread, like the socket it wraps.
public final class ZeroMQServerTransport: ServerTransport {
  public let socket: ZeroMQSocket
  private let limits: WireLimits
  /// The endpoint actually bound (with the real port when bound to `:*`).
  public let endpoint: String

  /// Connection events of the socket (accepted, disconnected, failed
  /// handshakes), handed to `onEvent` from ``receive(timeout:)``.
  private var monitor: ZeroMQMonitor?
  private let onEvent: (ZeroMQMonitorEvent) -> Void

  /// Binds a ROUTER socket on `endpoint` (for example `tcp://0.0.0.0:5555`
  /// or `tcp://127.0.0.1:*`). `onEvent` sees the socket monitor's events
  /// (peers accepted and lost), on the thread that calls `receive`.
  public init(
    context: ZeroMQContext, endpoint: String, limits: WireLimits = .standard,
    onEvent: @escaping (ZeroMQMonitorEvent) -> Void = { _ in }
  ) throws(ZeroMQError) {
    self.limits = limits
    self.onEvent = onEvent
    let s = try ZeroMQSocket(.router, context: context, linger: .milliseconds(500))
    do {
      monitor = try s.monitor(events: [.accepted, .disconnected, .handshakeFailedNoDetail, .handshakeFailedProtocol, .handshakeFailedAuth, .bindFailed])
      try s.setHeartbeat(interval: .milliseconds(500), timeout: .seconds(3), ttl: .seconds(6))
      try s.setMaxMessageSize(limits.maxBinaryBytes + limits.maxBodyBytes)
      try s.setSendHighWaterMark(100_000)
      try s.bind(endpoint)
    } catch {
      s.close()
      throw error
    }
    socket = s
    self.endpoint = (try? s.lastEndpoint) ?? endpoint
  }

  public func receive(timeout: Duration) throws -> Incoming? {
    if let monitor {
      while let event = try monitor.next(timeout: .zero) { onEvent(event) }
    }
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
    _ = try socket.trySend(ZeroMQMessage([peer.bytes] + WireCodec.encode(message)))
  }

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

/// A worker's or client's transport: a DEALER socket connected to the
/// coordinator, reconnecting by itself, with heartbeats and bounded linger.
public final class ZeroMQClientTransport: ClientTransport {
  public let socket: ZeroMQSocket
  private let limits: WireLimits

  /// Connects a DEALER socket to `endpoint` (the connection completes in the
  /// background; messages queue meanwhile).
  public init(context: ZeroMQContext, endpoint: String, limits: WireLimits = .standard) throws(ZeroMQError) {
    self.limits = limits
    let s = try ZeroMQSocket(.dealer, context: context, linger: .milliseconds(500))
    do {
      try s.setHeartbeat(interval: .milliseconds(500), timeout: .seconds(3), ttl: .seconds(6))
      try s.setReconnectInterval(.milliseconds(100))
      try s.setReconnectIntervalMax(.seconds(2))
      try s.setMaxMessageSize(limits.maxBinaryBytes + limits.maxBodyBytes)
      try s.connect(endpoint)
    } catch {
      s.close()
      throw error
    }
    socket = s
  }

  public func receive(timeout: Duration) throws -> Result<WireMessage, WireDecodingError>? {
    guard !(try ZeroMQPoller.readable([socket], timeout: timeout)).isEmpty else { return nil }
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

  public func send(_ message: WireMessage) throws {
    try socket.send(ZeroMQMessage(WireCodec.encode(message)))
  }

  public func close() { socket.close() }

  private func decode(_ frames: [[UInt8]]) -> Result<WireMessage, WireDecodingError> {
    do {
      return .success(try WireCodec.decode(frames, limits: limits))
    } catch {
      return .failure(error)
    }
  }
}
