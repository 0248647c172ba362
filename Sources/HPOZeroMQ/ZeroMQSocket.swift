// A libzmq socket: creation, bind/connect, close.
private import CZeroMQ

/// One libzmq socket, owned by one thread at a time.
///
/// **Thread-safety.** Not `Sendable`: libzmq sockets are not thread-safe.
/// Use a socket from one thread/task; moving it to another (e.g. `sending`
/// it to a task that then owns it) is fine, sharing it is not. The socket
/// retains its ``context``.
///
/// **Lifetime.** ``close()`` is idempotent and never blocks (unsent messages
/// are handled by the context during the socket's bounded linger). `deinit`
/// closes a socket that was not closed — also non-blocking — so an error path
/// cannot leak a socket and make ``ZeroMQContext/close()`` hang. Every call on
/// a closed socket throws `ENOTSOCK` (``ZeroMQError/isClosed``).
public final class ZeroMQSocket {
  /// The libzmq socket types this wrapper supports.
  public enum Kind: Sendable, Hashable, CaseIterable {
    /// `ZMQ_ROUTER`: prefixes received messages with the peer's routing id;
    /// routes sent messages by their first frame.
    case router
    /// `ZMQ_DEALER`: round-robins sends, fair-queues receives, no envelope.
    case dealer
    /// `ZMQ_REQ`: strict send/receive alternation.
    case req
    /// `ZMQ_REP`: strict receive/send alternation.
    case rep
    /// `ZMQ_PAIR`: exclusive one-to-one connection.
    case pair
    /// `ZMQ_PUB`: publishes to all subscribers; cannot receive.
    case pub
    /// `ZMQ_SUB`: receives what it subscribed to; cannot send.
    case sub
    /// `ZMQ_PUSH`: pipeline sender.
    case push
    /// `ZMQ_PULL`: pipeline receiver.
    case pull

    var zmqType: Int32 {
      switch self {
      case .router: ZMQ_ROUTER
      case .dealer: ZMQ_DEALER
      case .req: ZMQ_REQ
      case .rep: ZMQ_REP
      case .pair: ZMQ_PAIR
      case .pub: ZMQ_PUB
      case .sub: ZMQ_SUB
      case .push: ZMQ_PUSH
      case .pull: ZMQ_PULL
      }
    }
  }

  /// The socket type, fixed at creation.
  public let kind: Kind
  /// The context this socket belongs to (kept alive by the socket).
  public let context: ZeroMQContext
  /// The libzmq handle; `nil` once closed.
  private var handle: UnsafeMutableRawPointer?
  /// The `inproc://` endpoint of the active ``ZeroMQMonitor``, if any.
  var monitorEndpoint: String?

  /// Creates a socket of `kind` in `context`, sets its linger (`linger`, or
  /// the context's ``ZeroMQContext/defaultLinger``), runs `configure` (the
  /// place for options that must precede bind/connect, e.g. CURVE), then binds
  /// every endpoint of `bind` and connects every endpoint of `connect`, in
  /// order. Non-blocking (tcp connects complete in the background).
  ///
  /// If any step fails the half-built socket is closed before the error is
  /// thrown, so nothing leaks and the context can still terminate.
  /// - Throws: ``ZeroMQError`` from the failing step (`ETERM` if the context
  ///   is closed or shut down, `EADDRINUSE` from a bind, ...).
  public init(
    _ kind: Kind,
    context: ZeroMQContext,
    linger: Duration? = nil,
    bind: [String] = [],
    connect: [String] = [],
    configure: (ZeroMQSocket) throws(ZeroMQError) -> Void = { _ in }
  ) throws(ZeroMQError) {
    self.kind = kind
    self.context = context
    self.handle = try context.withHandle("zmq_socket") { (ctx) throws(ZeroMQError) in
      try zmqPointerCall("zmq_socket") { zmq_socket(ctx, kind.zmqType) }
    }
    do throws(ZeroMQError) {
      try setLinger(linger ?? context.defaultLinger)
      try configure(self)
      for endpoint in bind { try self.bind(endpoint) }
      for endpoint in connect { try self.connect(endpoint) }
    } catch {
      close()
      throw error
    }
  }

  /// Closes the socket if the owner forgot; `zmq_close` never blocks.
  deinit {
    close()
  }

  /// True once ``close()`` has been called.
  public var isClosed: Bool { handle == nil }

  /// `zmq_close`. Idempotent, non-blocking; pending outgoing messages are
  /// sent by the context for at most the socket's linger. A monitor attached
  /// to this socket receives ``ZeroMQMonitorEvent/Kind/monitorStopped``.
  public func close() {
    guard let handle else { return }
    self.handle = nil
    _ = zmq_close(handle)
  }

  /// `zmq_bind`. Non-blocking. `tcp://127.0.0.1:*` binds an ephemeral port;
  /// read it back with ``lastEndpoint``. The socket stays usable after a
  /// failed bind.
  /// - Throws: ``ZeroMQError``, e.g. `EADDRINUSE`, `EINVAL` (bad endpoint),
  ///   `ENOTSOCK` (closed).
  public func bind(_ endpoint: String) throws(ZeroMQError) {
    try withHandle("zmq_bind") { (socket) throws(ZeroMQError) in
      _ = try zmqCall("zmq_bind") { zmq_bind(socket, endpoint) }
    }
  }

  /// `zmq_connect`. Non-blocking: the connection (and reconnection) happens in
  /// the background; watch it with ``monitor(events:)``.
  /// - Throws: ``ZeroMQError`` (`EINVAL` for a malformed endpoint,
  ///   `ENOTSOCK` when closed, ...).
  public func connect(_ endpoint: String) throws(ZeroMQError) {
    try withHandle("zmq_connect") { (socket) throws(ZeroMQError) in
      _ = try zmqCall("zmq_connect") { zmq_connect(socket, endpoint) }
    }
  }

  /// `zmq_unbind`. Non-blocking. Pass the concrete endpoint (from
  /// ``lastEndpoint``), not a wildcard.
  /// - Throws: ``ZeroMQError`` (`ENOENT` if not bound there).
  public func unbind(_ endpoint: String) throws(ZeroMQError) {
    try withHandle("zmq_unbind") { (socket) throws(ZeroMQError) in
      _ = try zmqCall("zmq_unbind") { zmq_unbind(socket, endpoint) }
    }
  }

  /// `zmq_disconnect`. Non-blocking.
  /// - Throws: ``ZeroMQError`` (`ENOENT` if not connected there).
  public func disconnect(_ endpoint: String) throws(ZeroMQError) {
    try withHandle("zmq_disconnect") { (socket) throws(ZeroMQError) in
      _ = try zmqCall("zmq_disconnect") { zmq_disconnect(socket, endpoint) }
    }
  }

  /// Runs `body` with the live handle. Throws `ENOTSOCK` if closed.
  func withHandle<R>(
    _ operation: StaticString, _ body: (UnsafeMutableRawPointer) throws(ZeroMQError) -> R
  ) throws(ZeroMQError) -> R {
    guard let handle else { throw ZeroMQError(code: ENOTSOCK, operation: operation.description) }
    return try body(handle)
  }
}

@available(*, unavailable, message: "libzmq sockets are not thread-safe; keep one owner")
extension ZeroMQSocket: Sendable {}
