// Typed socket options (zmq_setsockopt / zmq_getsockopt).
private import CZeroMQ

/// The three ZMTP heartbeat settings of a socket (`ZMQ_HEARTBEAT_IVL`,
/// `ZMQ_HEARTBEAT_TIMEOUT`, `ZMQ_HEARTBEAT_TTL`). A plain value.
public struct ZeroMQHeartbeat: Sendable, Hashable {
  /// How often a PING is sent; `nil` disables heartbeats.
  public var interval: Duration?
  /// How long to wait for any traffic after a PING before dropping the
  /// connection; `nil` means "same as `interval`" (libzmq's default). When
  /// setting, `nil` leaves the current value: libzmq cannot reset it.
  public var timeout: Duration?
  /// The time-to-live asked of the peer (it drops us after that long without
  /// traffic); whole deciseconds, at most 6553.5 s; `nil` means none.
  public var ttl: Duration?

  /// Memberwise initialiser.
  public init(interval: Duration?, timeout: Duration? = nil, ttl: Duration? = nil) {
    self.interval = interval
    self.timeout = timeout
    self.ttl = ttl
  }
}

/// Options. All setters and getters are non-blocking, act on this socket
/// only (same threading rule as the socket) and throw ``ZeroMQError``:
/// `EINVAL` for an out-of-range value or an option the socket kind lacks,
/// `ENOTSOCK` once closed, `ETERM` after the context shut down.
extension ZeroMQSocket {
  // MARK: Timing

  /// `ZMQ_LINGER`: how long unsent messages are kept after ``close()``.
  /// Bounded by design: there is no "infinite" here.
  public func setLinger(_ linger: Duration) throws(ZeroMQError) {
    try setInt32(ZMQ_LINGER, linger.zmqMilliseconds("zmq_setsockopt(ZMQ_LINGER)"), "zmq_setsockopt(ZMQ_LINGER)")
  }

  /// `ZMQ_LINGER`, as set (never infinite for sockets made by this module).
  public var linger: Duration {
    get throws(ZeroMQError) { .milliseconds(try getInt32(ZMQ_LINGER, "zmq_getsockopt(ZMQ_LINGER)")) }
  }

  /// `ZMQ_SNDTIMEO`: how long a blocking send waits before throwing
  /// `EAGAIN` (``ZeroMQError/isTimeout``). `nil` waits forever (default).
  public func setSendTimeout(_ timeout: Duration?) throws(ZeroMQError) {
    try setInt32(ZMQ_SNDTIMEO, optionalMilliseconds(timeout, "zmq_setsockopt(ZMQ_SNDTIMEO)"), "zmq_setsockopt(ZMQ_SNDTIMEO)")
  }

  /// `ZMQ_SNDTIMEO`; `nil` means wait forever.
  public var sendTimeout: Duration? {
    get throws(ZeroMQError) { optionalDuration(try getInt32(ZMQ_SNDTIMEO, "zmq_getsockopt(ZMQ_SNDTIMEO)")) }
  }

  /// `ZMQ_RCVTIMEO`: how long a blocking receive waits before throwing
  /// `EAGAIN` (``ZeroMQError/isTimeout``). `nil` waits forever (default).
  public func setReceiveTimeout(_ timeout: Duration?) throws(ZeroMQError) {
    try setInt32(ZMQ_RCVTIMEO, optionalMilliseconds(timeout, "zmq_setsockopt(ZMQ_RCVTIMEO)"), "zmq_setsockopt(ZMQ_RCVTIMEO)")
  }

  /// `ZMQ_RCVTIMEO`; `nil` means wait forever.
  public var receiveTimeout: Duration? {
    get throws(ZeroMQError) { optionalDuration(try getInt32(ZMQ_RCVTIMEO, "zmq_getsockopt(ZMQ_RCVTIMEO)")) }
  }

  /// `ZMQ_RECONNECT_IVL`: delay before reconnecting a dropped/refused
  /// connection; `nil` disables reconnection. Set before ``connect(_:)``.
  public func setReconnectInterval(_ interval: Duration?) throws(ZeroMQError) {
    try setInt32(ZMQ_RECONNECT_IVL, optionalMilliseconds(interval, "zmq_setsockopt(ZMQ_RECONNECT_IVL)"), "zmq_setsockopt(ZMQ_RECONNECT_IVL)")
  }

  /// `ZMQ_RECONNECT_IVL`; `nil` means reconnection is disabled.
  public var reconnectInterval: Duration? {
    get throws(ZeroMQError) { optionalDuration(try getInt32(ZMQ_RECONNECT_IVL, "zmq_getsockopt(ZMQ_RECONNECT_IVL)")) }
  }

  /// `ZMQ_RECONNECT_IVL_MAX`: cap of the exponential reconnect back-off;
  /// `.zero` (default) means no back-off, always ``reconnectInterval``.
  public func setReconnectIntervalMax(_ interval: Duration) throws(ZeroMQError) {
    try setInt32(ZMQ_RECONNECT_IVL_MAX, interval.zmqMilliseconds("zmq_setsockopt(ZMQ_RECONNECT_IVL_MAX)"), "zmq_setsockopt(ZMQ_RECONNECT_IVL_MAX)")
  }

  /// `ZMQ_RECONNECT_IVL_MAX`; `.zero` means no back-off.
  public var reconnectIntervalMax: Duration {
    get throws(ZeroMQError) { .milliseconds(try getInt32(ZMQ_RECONNECT_IVL_MAX, "zmq_getsockopt(ZMQ_RECONNECT_IVL_MAX)")) }
  }

  /// Sets `ZMQ_HEARTBEAT_IVL` (`nil`: off), `ZMQ_HEARTBEAT_TIMEOUT` (`nil`:
  /// left as it is) and `ZMQ_HEARTBEAT_TTL` (`nil`: none; truncated to
  /// deciseconds, at most 6553.5 s). Set before connect/bind; applies to
  /// connections made afterwards. Values are checked before any is set.
  public func setHeartbeat(interval: Duration?, timeout: Duration? = nil, ttl: Duration? = nil) throws(ZeroMQError) {
    let ivl = try interval.map { (d) throws(ZeroMQError) in try d.zmqMilliseconds("zmq_setsockopt(ZMQ_HEARTBEAT_IVL)") } ?? 0
    let tmo = try timeout.map { (d) throws(ZeroMQError) in try d.zmqMilliseconds("zmq_setsockopt(ZMQ_HEARTBEAT_TIMEOUT)") }
    let ttlMs = try ttl.map { (d) throws(ZeroMQError) in try d.zmqMilliseconds("zmq_setsockopt(ZMQ_HEARTBEAT_TTL)") } ?? 0
    guard ttlMs <= 6_553_599 else { throw ZeroMQError(code: EINVAL, operation: "zmq_setsockopt(ZMQ_HEARTBEAT_TTL)") }
    try setInt32(ZMQ_HEARTBEAT_IVL, ivl, "zmq_setsockopt(ZMQ_HEARTBEAT_IVL)")
    if let tmo { try setInt32(ZMQ_HEARTBEAT_TIMEOUT, tmo, "zmq_setsockopt(ZMQ_HEARTBEAT_TIMEOUT)") }
    try setInt32(ZMQ_HEARTBEAT_TTL, ttlMs, "zmq_setsockopt(ZMQ_HEARTBEAT_TTL)")
  }

  /// Sets all three heartbeat options from one value.
  public func setHeartbeat(_ heartbeat: ZeroMQHeartbeat) throws(ZeroMQError) {
    try setHeartbeat(interval: heartbeat.interval, timeout: heartbeat.timeout, ttl: heartbeat.ttl)
  }

  /// The heartbeat options as libzmq reports them.
  public var heartbeat: ZeroMQHeartbeat {
    get throws(ZeroMQError) {
      let ivl = try getInt32(ZMQ_HEARTBEAT_IVL, "zmq_getsockopt(ZMQ_HEARTBEAT_IVL)")
      let tmo = try getInt32(ZMQ_HEARTBEAT_TIMEOUT, "zmq_getsockopt(ZMQ_HEARTBEAT_TIMEOUT)")
      let ttl = try getInt32(ZMQ_HEARTBEAT_TTL, "zmq_getsockopt(ZMQ_HEARTBEAT_TTL)")
      return ZeroMQHeartbeat(
        interval: ivl > 0 ? .milliseconds(ivl) : nil,
        timeout: tmo >= 0 ? .milliseconds(tmo) : nil,
        ttl: ttl > 0 ? .milliseconds(ttl) : nil)
    }
  }

  // MARK: Limits and queueing

  /// `ZMQ_MAXMSGSIZE`: the largest single frame libzmq accepts from a peer on
  /// this socket; a peer sending a bigger frame is disconnected and the frame
  /// never reaches ``receive(limits:)``. `nil` (default) is unlimited.
  /// Set before bind/connect. For a cap on a whole multipart message use
  /// ``ZeroMQReceiveLimits``.
  public func setMaxMessageSize(_ bytes: Int?) throws(ZeroMQError) {
    let value: Int64
    if let bytes {
      guard bytes >= 0 else { throw ZeroMQError(code: EINVAL, operation: "zmq_setsockopt(ZMQ_MAXMSGSIZE)") }
      value = Int64(bytes)
    } else {
      value = -1
    }
    try setInt64(ZMQ_MAXMSGSIZE, value, "zmq_setsockopt(ZMQ_MAXMSGSIZE)")
  }

  /// `ZMQ_MAXMSGSIZE`; `nil` means unlimited.
  public var maxMessageSize: Int? {
    get throws(ZeroMQError) {
      let value = try getInt64(ZMQ_MAXMSGSIZE, "zmq_getsockopt(ZMQ_MAXMSGSIZE)")
      return value < 0 ? nil : Int(value)
    }
  }

  /// `ZMQ_SNDHWM`: outgoing queue limit per peer, in messages; `nil` is
  /// unlimited. Default 1000. Set before bind/connect.
  public func setSendHighWaterMark(_ messages: Int?) throws(ZeroMQError) {
    try setInt32(ZMQ_SNDHWM, hwm(messages, "zmq_setsockopt(ZMQ_SNDHWM)"), "zmq_setsockopt(ZMQ_SNDHWM)")
  }

  /// `ZMQ_SNDHWM`; `nil` means unlimited.
  public var sendHighWaterMark: Int? {
    get throws(ZeroMQError) { let v = try getInt32(ZMQ_SNDHWM, "zmq_getsockopt(ZMQ_SNDHWM)"); return v == 0 ? nil : Int(v) }
  }

  /// `ZMQ_RCVHWM`: incoming queue limit per peer, in messages; `nil` is
  /// unlimited. Default 1000. Set before bind/connect.
  public func setReceiveHighWaterMark(_ messages: Int?) throws(ZeroMQError) {
    try setInt32(ZMQ_RCVHWM, hwm(messages, "zmq_setsockopt(ZMQ_RCVHWM)"), "zmq_setsockopt(ZMQ_RCVHWM)")
  }

  /// `ZMQ_RCVHWM`; `nil` means unlimited.
  public var receiveHighWaterMark: Int? {
    get throws(ZeroMQError) { let v = try getInt32(ZMQ_RCVHWM, "zmq_getsockopt(ZMQ_RCVHWM)"); return v == 0 ? nil : Int(v) }
  }

  /// `ZMQ_IMMEDIATE`: queue messages only to completed connections (no
  /// queueing for peers that are still connecting). Set before connect.
  public func setImmediate(_ enabled: Bool) throws(ZeroMQError) {
    try setInt32(ZMQ_IMMEDIATE, enabled ? 1 : 0, "zmq_setsockopt(ZMQ_IMMEDIATE)")
  }

  /// `ZMQ_IMMEDIATE`.
  public var immediate: Bool {
    get throws(ZeroMQError) { try getInt32(ZMQ_IMMEDIATE, "zmq_getsockopt(ZMQ_IMMEDIATE)") != 0 }
  }

  // MARK: Identity and routing

  /// `ZMQ_ROUTING_ID` (formerly `ZMQ_IDENTITY`): the id a ROUTER peer sees
  /// for this socket; 1...255 bytes, not starting with a zero byte. Set
  /// before connect.
  public func setRoutingID(_ id: [UInt8]) throws(ZeroMQError) {
    try setBytes(ZMQ_ROUTING_ID, id, "zmq_setsockopt(ZMQ_ROUTING_ID)")
  }

  /// `ZMQ_ROUTING_ID`; empty if none was set.
  public var routingID: [UInt8] {
    get throws(ZeroMQError) { try getBytes(ZMQ_ROUTING_ID, capacity: 256, "zmq_getsockopt(ZMQ_ROUTING_ID)") }
  }

  /// `ZMQ_ROUTER_MANDATORY` (ROUTER only): sending to an unknown routing id
  /// throws `EHOSTUNREACH` instead of silently dropping the message, and a
  /// full peer queue gives `EAGAIN` instead of a drop. Write-only in libzmq.
  public func setRouterMandatory(_ enabled: Bool) throws(ZeroMQError) {
    try setInt32(ZMQ_ROUTER_MANDATORY, enabled ? 1 : 0, "zmq_setsockopt(ZMQ_ROUTER_MANDATORY)")
  }

  /// `ZMQ_SUBSCRIBE` (SUB only): receive messages whose first frame starts
  /// with `prefix` (empty: everything).
  public func subscribe(_ prefix: [UInt8] = []) throws(ZeroMQError) {
    try setBytes(ZMQ_SUBSCRIBE, prefix, "zmq_setsockopt(ZMQ_SUBSCRIBE)")
  }

  /// `ZMQ_UNSUBSCRIBE` (SUB only): removes one matching ``subscribe(_:)``.
  public func unsubscribe(_ prefix: [UInt8] = []) throws(ZeroMQError) {
    try setBytes(ZMQ_UNSUBSCRIBE, prefix, "zmq_setsockopt(ZMQ_UNSUBSCRIBE)")
  }

  /// `ZMQ_LAST_ENDPOINT`: the endpoint of the last bind/connect, with the
  /// concrete port for a `tcp://host:*` bind. Empty if none.
  public var lastEndpoint: String {
    get throws(ZeroMQError) {
      let bytes = try getBytes(ZMQ_LAST_ENDPOINT, capacity: 1024, "zmq_getsockopt(ZMQ_LAST_ENDPOINT)")
      return String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
    }
  }

  // MARK: Raw accessors (internal)

  func setInt32(_ option: Int32, _ value: Int32, _ operation: StaticString) throws(ZeroMQError) {
    try withHandle(operation) { (socket) throws(ZeroMQError) in
      var value = value
      _ = try zmqCall(operation) { zmq_setsockopt(socket, option, &value, MemoryLayout<Int32>.size) }
    }
  }

  func getInt32(_ option: Int32, _ operation: StaticString) throws(ZeroMQError) -> Int32 {
    try withHandle(operation) { (socket) throws(ZeroMQError) -> Int32 in
      var value: Int32 = 0
      var size = MemoryLayout<Int32>.size
      _ = try zmqCall(operation) { zmq_getsockopt(socket, option, &value, &size) }
      return value
    }
  }

  func setInt64(_ option: Int32, _ value: Int64, _ operation: StaticString) throws(ZeroMQError) {
    try withHandle(operation) { (socket) throws(ZeroMQError) in
      var value = value
      _ = try zmqCall(operation) { zmq_setsockopt(socket, option, &value, MemoryLayout<Int64>.size) }
    }
  }

  func getInt64(_ option: Int32, _ operation: StaticString) throws(ZeroMQError) -> Int64 {
    try withHandle(operation) { (socket) throws(ZeroMQError) -> Int64 in
      var value: Int64 = 0
      var size = MemoryLayout<Int64>.size
      _ = try zmqCall(operation) { zmq_getsockopt(socket, option, &value, &size) }
      return value
    }
  }

  func setBytes(_ option: Int32, _ bytes: [UInt8], _ operation: StaticString) throws(ZeroMQError) {
    try withHandle(operation) { (socket) throws(ZeroMQError) in
      _ = try zmqCall(operation) {
        bytes.withUnsafeBytes { zmq_setsockopt(socket, option, $0.baseAddress, $0.count) }
      }
    }
  }

  /// Reads a binary/string option into a buffer of `capacity` bytes and
  /// returns the bytes libzmq wrote (including a trailing NUL for strings).
  func getBytes(_ option: Int32, capacity: Int, _ operation: StaticString) throws(ZeroMQError) -> [UInt8] {
    try withHandle(operation) { (socket) throws(ZeroMQError) -> [UInt8] in
      var buffer = [UInt8](repeating: 0, count: capacity)
      var size = capacity
      _ = try zmqCall(operation) {
        buffer.withUnsafeMutableBytes { zmq_getsockopt(socket, option, $0.baseAddress, &size) }
      }
      return Array(buffer.prefix(size))
    }
  }
}

private func optionalMilliseconds(_ duration: Duration?, _ operation: StaticString) throws(ZeroMQError) -> Int32 {
  guard let duration else { return -1 }
  return try duration.zmqMilliseconds(operation)
}

private func optionalDuration(_ milliseconds: Int32) -> Duration? {
  milliseconds < 0 ? nil : .milliseconds(milliseconds)
}

private func hwm(_ messages: Int?, _ operation: StaticString) throws(ZeroMQError) -> Int32 {
  guard let messages else { return 0 }
  guard messages > 0, messages <= Int(Int32.max) else { throw ZeroMQError(code: EINVAL, operation: operation.description) }
  return Int32(messages)
}
