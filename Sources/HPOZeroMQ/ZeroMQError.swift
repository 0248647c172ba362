// The one error type of HPOZeroMQ and the one checked wrapper for C calls.
private import CZeroMQ

/// A failed libzmq call, or a receive that broke a ``ZeroMQReceiveLimits`` cap.
///
/// The error keeps the raw `errno` value read right after the failing call
/// (`code`), the name of the operation, and the `zmq_strerror` text, so a log
/// line says exactly what failed. Compare `code` with the platform's errno
/// constants (`EADDRINUSE`, ...) or use the `is...` helpers.
/// A plain value: `Sendable`, safe to pass between threads.
public struct ZeroMQError: Error, Equatable, Hashable, Sendable, CustomStringConvertible {
  /// The `errno` value libzmq reported (libzmq's own codes such as `ETERM`
  /// included). `EMSGSIZE` for a broken receive cap.
  public let code: Int32
  /// The operation that failed, e.g. `"zmq_bind"` or `"receive"`.
  public let operation: String
  /// The `zmq_strerror` text for `code`.
  public let message: String
  /// Set only when a receive broke a cap; the message was drained and dropped.
  public let receiveLimit: ZeroMQReceiveLimitViolation?

  /// Builds an error for `code`, filling `message` from `zmq_strerror`.
  /// Never fails, never blocks.
  public init(code: Int32, operation: String) {
    self.init(code: code, operation: operation, receiveLimit: nil)
  }

  init(code: Int32, operation: String, receiveLimit: ZeroMQReceiveLimitViolation?) {
    self.code = code
    self.operation = operation
    self.message = String(cString: zmq_strerror(code))
    self.receiveLimit = receiveLimit
  }

  /// `EAGAIN`: a send/receive timeout elapsed, or a non-blocking call found
  /// nothing to do (or a ROUTER in mandatory mode hit the high-water mark).
  public var isTimeout: Bool { code == EAGAIN }
  /// `ETERM`: the context was shut down or terminated; close the socket.
  public var isTerminated: Bool { code == ETERM }
  /// `EADDRINUSE`: bind found the address taken.
  public var isAddressInUse: Bool { code == EADDRINUSE }
  /// `EHOSTUNREACH`: a mandatory ROUTER got a routing id it has no peer for.
  public var isHostUnreachable: Bool { code == EHOSTUNREACH }
  /// `EFSM`: the operation is not allowed in the socket's current state
  /// (e.g. REQ sending twice).
  public var isWrongState: Bool { code == EFSM }
  /// `ENOTSOCK`: the socket (or monitor) was already closed.
  public var isClosed: Bool { code == ENOTSOCK }
  /// `EINVAL`: an invalid argument, endpoint or option value.
  public var isInvalidArgument: Bool { code == EINVAL }
  /// True when a receive broke a ``ZeroMQReceiveLimits`` cap (see `receiveLimit`).
  public var isReceiveLimitExceeded: Bool { receiveLimit != nil }

  /// `"<operation>: <strerror> (errno <code>)"`, plus the broken cap if any.
  public var description: String {
    var text = "\(operation): \(message) (errno \(code))"
    if let receiveLimit { text += "; \(receiveLimit)" }
    return text
  }
}

/// Which receive cap a message broke, and by how much. The whole message was
/// drained from the socket and dropped, so the socket is ready for the next one.
public enum ZeroMQReceiveLimitViolation: Equatable, Hashable, Sendable, CustomStringConvertible {
  /// The message had `received` frames, more than `limit`.
  case tooManyFrames(limit: Int, received: Int)
  /// The message had `received` bytes in all frames together, more than `limit`.
  case tooManyBytes(limit: Int, received: Int)

  /// A short human-readable account of the violation.
  public var description: String {
    switch self {
    case .tooManyFrames(let limit, let received):
      return "message has \(received) frames, limit \(limit)"
    case .tooManyBytes(let limit, let received):
      return "message has \(received) bytes, limit \(limit)"
    }
  }
}

/// Runs one libzmq call that returns an `int`, in the style of SwiftNIO's
/// `syscall()`: reads `zmq_errno()` immediately after a `-1`, retries `EINTR`,
/// and throws everything else as ``ZeroMQError``. Returns the (non-negative)
/// result.
@inline(__always)
func zmqCall(_ operation: StaticString, _ body: () -> CInt) throws(ZeroMQError) -> CInt {
  while true {
    let result = body()
    if result != -1 { return result }
    let code = zmq_errno()
    if code == EINTR { continue }
    throw ZeroMQError(code: code, operation: operation.description)
  }
}

/// The pointer-returning sibling of ``zmqCall(_:_:)`` (`zmq_ctx_new`,
/// `zmq_socket`): `NULL` is the failure value; `EINTR` is retried.
@inline(__always)
func zmqPointerCall(
  _ operation: StaticString, _ body: () -> UnsafeMutableRawPointer?
) throws(ZeroMQError) -> UnsafeMutableRawPointer {
  while true {
    if let pointer = body() { return pointer }
    let code = zmq_errno()
    if code == EINTR { continue }
    throw ZeroMQError(code: code, operation: operation.description)
  }
}
