// Socket monitoring (zmq_socket_monitor): connection and handshake events.
private import CZeroMQ

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
    // Stopping a monitor of a socket being closed: a closed socket has no monitor left to stop.
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
