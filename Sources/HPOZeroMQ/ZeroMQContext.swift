// The libzmq context: owner of the I/O threads and of every socket.
private import CZeroMQ
import Synchronization

/// A libzmq context (`zmq_ctx_new`): I/O threads plus the `inproc://` namespace.
///
/// **Thread-safety.** `Sendable`: share one context across threads and tasks.
/// libzmq contexts are thread-safe; the only mutable Swift state (the handle,
/// cleared by `close()`, and a counter) is behind a `Mutex`, which is also
/// held while a socket is created so that `zmq_socket` can never race
/// `zmq_ctx_term` on a freed context.
///
/// **Shutdown order.** (1) Close every socket (a socket keeps its context
/// alive, not the other way round). Threads blocked in a socket call can be
/// woken with ``shutdown()``: their calls fail with `ETERM` and they must then
/// close their sockets. (2) Call ``close()`` (`zmq_ctx_term`), which blocks
/// until every socket of the context is closed and their bounded linger has
/// run out. Calling `close()` while a socket of this context is still open on
/// the *same* thread therefore deadlocks. Every socket gets a bounded linger
/// (``defaultLinger`` unless overridden), so step (2) never waits forever for
/// unsent messages.
public final class ZeroMQContext: Sendable {
  // @unchecked: the handle points to a libzmq context, which is thread-safe;
  // the Mutex orders its termination against every other use.
  private struct State: @unchecked Sendable {
    /// `nil` once `close()` has begun.
    var handle: UnsafeMutableRawPointer?
    /// Source of unique `inproc://` monitor names.
    var monitorCounter: UInt64 = 0
  }

  private let state: Mutex<State>

  /// The linger every new socket of this context gets unless its initialiser
  /// says otherwise. Never infinite.
  public let defaultLinger: Duration

  /// Creates a context with `ioThreads` I/O threads (`ZMQ_IO_THREADS`) and
  /// the given default socket linger. Non-blocking.
  /// - Throws: ``ZeroMQError`` (`EINVAL` for a negative/oversized linger or
  ///   `ioThreads < 1`, or whatever `zmq_ctx_new`/`zmq_ctx_set` report).
  public init(ioThreads: Int = 1, defaultLinger: Duration = .zero) throws(ZeroMQError) {
    guard ioThreads >= 1, ioThreads <= Int(Int32.max) else {
      throw ZeroMQError(code: EINVAL, operation: "zmq_ctx_set(ZMQ_IO_THREADS)")
    }
    _ = try defaultLinger.zmqMilliseconds("ZeroMQContext(defaultLinger:)")
    let context = try zmqPointerCall("zmq_ctx_new") { zmq_ctx_new() }
    do throws(ZeroMQError) {
      _ = try zmqCall("zmq_ctx_set(ZMQ_IO_THREADS)") {
        zmq_ctx_set(context, ZMQ_IO_THREADS, Int32(ioThreads))
      }
      // Not "blocky": sockets default to linger 0 even before we set it.
      _ = try zmqCall("zmq_ctx_set(ZMQ_BLOCKY)") { zmq_ctx_set(context, ZMQ_BLOCKY, 0) }
    } catch {
      _ = zmq_ctx_term(context)
      throw error
    }
    self.state = Mutex(State(handle: context))
    self.defaultLinger = defaultLinger
  }

  /// True once ``close()`` has been called. Thread-safe, non-blocking.
  public var isClosed: Bool { state.locked { $0.handle == nil } }

  /// `zmq_ctx_shutdown`: makes every blocking call on this context's sockets
  /// (in any thread) fail with `ETERM`, and new sockets impossible. Does not
  /// free anything: sockets must still be closed, then ``close()`` called.
  /// Thread-safe, non-blocking, idempotent; a no-op after `close()`.
  public func shutdown() {
    state.locked { state in
      guard let handle = state.handle else { return }
      // zmq_ctx_shutdown fails only for a context already terminated, which the handle rules out.
      _ = try? zmqCall("zmq_ctx_shutdown") { zmq_ctx_shutdown(handle) }
    }
  }

  /// `zmq_ctx_term`: **blocks** until every socket of this context has been
  /// closed (see the shutdown order above), then frees the context.
  /// Idempotent and thread-safe: only the first call terminates; later or
  /// concurrent calls return at once.
  public func close() {
    let handle: UnsafeMutableRawPointer? = state.locked { state in
      defer { state.handle = nil }
      return state.handle
    }
    guard let handle else { return }
    // zmq_ctx_term retries EINTR itself (zmqCall); there is nothing left to do about another failure.
    _ = try? zmqCall("zmq_ctx_term") { zmq_ctx_term(handle) }
  }

  /// Terminates the context if ``close()`` was never called. Sockets retain
  /// their context, so by now every socket object is gone and was closed by
  /// its own `deinit`; `zmq_ctx_term` then waits at most for the bounded
  /// linger of those sockets.
  deinit {
    // As in close(): nothing is left to do about a failure here.
    if let handle = state.locked({ $0.handle }) { _ = try? zmqCall("zmq_ctx_term") { zmq_ctx_term(handle) } }
  }

  /// Runs `body` with the live context handle, under the lock, so the context
  /// cannot be terminated meanwhile. Keep `body` short and non-blocking.
  /// - Throws: `ETERM` if the context was closed.
  func withHandle<R>(
    _ operation: StaticString, _ body: (UnsafeMutableRawPointer) throws(ZeroMQError) -> R
  ) throws(ZeroMQError) -> R {
    try state.locked { (state) throws(ZeroMQError) -> R in
      guard let handle = state.handle else { throw ZeroMQError(code: ETERM, operation: operation.description) }
      return try body(handle)
    }
  }

  /// A fresh `inproc://` name for a socket monitor, unique in this context.
  func makeMonitorEndpoint() -> String {
    let id = state.locked { state in
      state.monitorCounter += 1
      return state.monitorCounter
    }
    return "inproc://hpo-zmq-monitor-\(id)"
  }
}
