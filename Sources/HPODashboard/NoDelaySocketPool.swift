import FlyingFox
import FlyingSocks

#if canImport(Glibc)
import Glibc
#endif

/// FlyingFox's socket pool with Nagle's algorithm turned off (`TCP_NODELAY`) on every socket
/// it waits on: the listener (Linux hands the option on to accepted connections) and each
/// connection. FlyingFox writes a response's header and body in two writes; with Nagle on,
/// the body of every request after the first on a kept-alive connection (what browsers and
/// `curl` with several URLs do) waited for the client's delayed ACK: about 40 ms per request.
struct NoDelaySocketPool<Base: AsyncSocketPool>: AsyncSocketPool {
  let base: Base

  func prepare() async throws { try await base.prepare() }

  func run() async throws { try await base.run() }

  func suspendSocket(_ socket: Socket, untilReadyFor events: Socket.Events) async throws {
    // Ignoring a failure is right: without the option a response is only slower, never wrong.
    try? socket.setValue(true, for: BoolSocketOption(level: Int32(IPPROTO_TCP), name: TCP_NODELAY))
    try await base.suspendSocket(socket, untilReadyFor: events)
  }
}
