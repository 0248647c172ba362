// Socket monitoring (zmq_socket_monitor): connection and handshake events.
private import CZeroMQ

/// One event from a socket monitor (libzmq's version-1 monitor protocol:
/// a 6-byte frame with a `uint16` event and a `uint32` value, then the
/// endpoint). A plain value.
public struct ZeroMQMonitorEvent: Sendable, Hashable, CustomStringConvertible {
  /// The monitor event kinds of libzmq 4.3 (`ZMQ_EVENT_*`).
  public enum Kind: Sendable, Hashable, CaseIterable {
    /// `ZMQ_EVENT_CONNECTED`; value: the connection's file descriptor.
    case connected
    /// `ZMQ_EVENT_CONNECT_DELAYED`: a connect is in progress; value unused.
    case connectDelayed
    /// `ZMQ_EVENT_CONNECT_RETRIED`; value: the reconnect interval in ms.
    case connectRetried
    /// `ZMQ_EVENT_LISTENING`: a bind succeeded; value: the listening fd.
    case listening
    /// `ZMQ_EVENT_BIND_FAILED`; value: the errno.
    case bindFailed
    /// `ZMQ_EVENT_ACCEPTED`; value: the accepted connection's fd.
    case accepted
    /// `ZMQ_EVENT_ACCEPT_FAILED`; value: the errno.
    case acceptFailed
    /// `ZMQ_EVENT_CLOSED`; value: the closed fd.
    case closed
    /// `ZMQ_EVENT_CLOSE_FAILED`; value: the errno.
    case closeFailed
    /// `ZMQ_EVENT_DISCONNECTED`: a session ended (peer gone, protocol error,
    /// oversize message, heartbeat timeout); value: the fd.
    case disconnected
    /// `ZMQ_EVENT_MONITOR_STOPPED`: the monitored socket closed or monitoring
    /// was stopped; no further events follow.
    case monitorStopped
    /// `ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL`; value: the errno.
    case handshakeFailedNoDetail
    /// `ZMQ_EVENT_HANDSHAKE_SUCCEEDED`: ZMTP (and security) handshake done.
    case handshakeSucceeded
    /// `ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL`; value: a `ZMQ_PROTOCOL_ERROR_*`
    /// code (e.g. a CURVE message that would not decrypt).
    case handshakeFailedProtocol
    /// `ZMQ_EVENT_HANDSHAKE_FAILED_AUTH`; value: the ZAP status code.
    case handshakeFailedAuth

    var zmqEvent: Int32 {
      switch self {
      case .connected: ZMQ_EVENT_CONNECTED
      case .connectDelayed: ZMQ_EVENT_CONNECT_DELAYED
      case .connectRetried: ZMQ_EVENT_CONNECT_RETRIED
      case .listening: ZMQ_EVENT_LISTENING
      case .bindFailed: ZMQ_EVENT_BIND_FAILED
      case .accepted: ZMQ_EVENT_ACCEPTED
      case .acceptFailed: ZMQ_EVENT_ACCEPT_FAILED
      case .closed: ZMQ_EVENT_CLOSED
      case .closeFailed: ZMQ_EVENT_CLOSE_FAILED
      case .disconnected: ZMQ_EVENT_DISCONNECTED
      case .monitorStopped: ZMQ_EVENT_MONITOR_STOPPED
      case .handshakeFailedNoDetail: ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL
      case .handshakeSucceeded: ZMQ_EVENT_HANDSHAKE_SUCCEEDED
      case .handshakeFailedProtocol: ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL
      case .handshakeFailedAuth: ZMQ_EVENT_HANDSHAKE_FAILED_AUTH
      }
    }

    init?(zmqEvent: Int32) {
      guard let kind = Kind.allCases.first(where: { $0.zmqEvent == zmqEvent }) else { return nil }
      self = kind
    }

    /// True for the three handshake-failure kinds.
    public var isHandshakeFailure: Bool {
      self == .handshakeFailedNoDetail || self == .handshakeFailedProtocol || self == .handshakeFailedAuth
    }
  }

  /// What happened.
  public let kind: Kind
  /// The event's value (fd, errno, interval or protocol code; see ``Kind``).
  public let value: UInt32
  /// The endpoint concerned, e.g. `tcp://127.0.0.1:5555`.
  public let endpoint: String

  /// Memberwise initialiser.
  public init(kind: Kind, value: UInt32, endpoint: String) {
    self.kind = kind
    self.value = value
    self.endpoint = endpoint
  }

  /// `"<kind>(<value>) <endpoint>"`.
  public var description: String { "\(kind)(\(value)) \(endpoint)" }
}

extension ZeroMQSocket {
  /// Starts monitoring this socket (`zmq_socket_monitor`) for `events` and
  /// returns the reading end: a PAIR socket connected to a fresh `inproc://`
  /// endpoint. Start it before bind/connect so no event is missed; events
  /// queue until read (beyond 1000 unread ones libzmq drops new events).
  /// One monitor per socket: a new one replaces the previous one.
  /// Non-blocking; same threading rule as this socket.
  /// - Throws: ``ZeroMQError`` (`ENOTSOCK` if closed, `ETERM`, ...). On
  ///   failure monitoring is stopped again.
  public func monitor(
    events: Set<ZeroMQMonitorEvent.Kind> = Set(ZeroMQMonitorEvent.Kind.allCases)
  ) throws(ZeroMQError) -> ZeroMQMonitor {
    let endpoint = context.makeMonitorEndpoint()
    let mask = events.reduce(Int32(0)) { $0 | $1.zmqEvent }
    try withHandle("zmq_socket_monitor") { (socket) throws(ZeroMQError) in
      _ = try zmqCall("zmq_socket_monitor") { zmq_socket_monitor(socket, endpoint, mask) }
    }
    monitorEndpoint = endpoint
    do throws(ZeroMQError) {
      let reader = try ZeroMQSocket(.pair, context: context, linger: .zero, connect: [endpoint])
      return ZeroMQMonitor(reader: reader, target: self, endpoint: endpoint)
    } catch {
      stopMonitor(endpoint: endpoint)
      throw error
    }
  }

  /// Stops monitoring if `endpoint` is still the active monitor.
  func stopMonitor(endpoint: String) {
    guard monitorEndpoint == endpoint else { return }
    monitorEndpoint = nil
    _ = try? withHandle("zmq_socket_monitor") { (socket) throws(ZeroMQError) in
      _ = try zmqCall("zmq_socket_monitor") { zmq_socket_monitor(socket, nil, 0) }
    }
  }
}

/// The reading end of a socket monitor, made by ``ZeroMQSocket/monitor(events:)``.
///
/// Not `Sendable`; use it on the thread that owns the monitored socket.
/// Events keep coming (e.g. `connectRetried` while a peer is missing), so
/// every reading method here is bounded by a timeout or deadline.
/// ``close()`` is idempotent and non-blocking; `deinit` closes too.
public final class ZeroMQMonitor {
  private let reader: ZeroMQSocket
  private weak var target: ZeroMQSocket?
  /// The `inproc://` endpoint the events are published on.
  public let endpoint: String

  init(reader: ZeroMQSocket, target: ZeroMQSocket, endpoint: String) {
    self.reader = reader
    self.target = target
    self.endpoint = endpoint
  }

  deinit {
    close()
  }

  /// The next event, waiting at most `timeout` (`nil`: forever); `nil` if
  /// none arrived in time. Events of kinds unknown to this wrapper are skipped.
  /// - Throws: ``ZeroMQError`` (`ENOTSOCK` after ``close()``, `ETERM`,
  ///   `EPROTO` for a malformed monitor message).
  public func next(timeout: Duration?) throws(ZeroMQError) -> ZeroMQMonitorEvent? {
    let clock = ContinuousClock()
    let deadline = timeout.map { clock.now.advanced(by: $0) }
    while true {
      if let message = try reader.tryReceive() {
        if let event = try Self.decode(message) { return event }
        continue
      }
      var remaining: Duration? = nil
      if let deadline {
        remaining = clock.now.duration(to: deadline)
        if remaining! <= .zero { return nil }
      }
      _ = try ZeroMQPoller.poll([ZeroMQPollItem(reader)], timeout: remaining)
    }
  }

  /// Reads events until one satisfies `predicate` (returned) or `timeout`
  /// elapses (`nil`). Events read meanwhile are consumed.
  public func waitFor(
    timeout: Duration, where predicate: (ZeroMQMonitorEvent) -> Bool
  ) throws(ZeroMQError) -> ZeroMQMonitorEvent? {
    let clock = ContinuousClock()
    let deadline = clock.now.advanced(by: timeout)
    while true {
      let remaining = clock.now.duration(to: deadline)
      guard remaining > .zero, let event = try next(timeout: remaining) else { return nil }
      if predicate(event) { return event }
    }
  }

  /// Reads events until `kind` arrives (returned) or `timeout` elapses (`nil`).
  public func waitFor(_ kind: ZeroMQMonitorEvent.Kind, timeout: Duration) throws(ZeroMQError) -> ZeroMQMonitorEvent? {
    try waitFor(timeout: timeout) { $0.kind == kind }
  }

  /// Collects every event arriving within `duration`; returns early after
  /// `monitorStopped`. Always takes at most `duration`.
  public func events(for duration: Duration) throws(ZeroMQError) -> [ZeroMQMonitorEvent] {
    let clock = ContinuousClock()
    let deadline = clock.now.advanced(by: duration)
    var events: [ZeroMQMonitorEvent] = []
    while true {
      let remaining = clock.now.duration(to: deadline)
      guard remaining > .zero, let event = try next(timeout: remaining) else { return events }
      events.append(event)
      if event.kind == .monitorStopped { return events }
    }
  }

  /// Stops monitoring (if the monitored socket is still open and this is
  /// still its monitor) and closes the reading socket. Idempotent,
  /// non-blocking.
  public func close() {
    target?.stopMonitor(endpoint: endpoint)
    target = nil
    reader.close()
  }

  /// Decodes a version-1 monitor message; `nil` for an unknown event kind.
  static func decode(_ message: ZeroMQMessage) throws(ZeroMQError) -> ZeroMQMonitorEvent? {
    guard message.frames.count == 2, message.frames[0].count == 6 else {
      throw ZeroMQError(code: EPROTO, operation: "monitor event decode")
    }
    let (event, value) = message.frames[0].withUnsafeBytes {
      ($0.loadUnaligned(fromByteOffset: 0, as: UInt16.self),
       $0.loadUnaligned(fromByteOffset: 2, as: UInt32.self))
    }
    guard let kind = ZeroMQMonitorEvent.Kind(zmqEvent: Int32(event)) else { return nil }
    return ZeroMQMonitorEvent(kind: kind, value: value, endpoint: String(decoding: message.frames[1], as: UTF8.self))
  }
}

@available(*, unavailable, message: "a monitor belongs to the monitored socket's thread")
extension ZeroMQMonitor: Sendable {}
