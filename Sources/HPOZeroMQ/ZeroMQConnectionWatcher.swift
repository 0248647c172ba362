// A socket monitor read on its own thread, naming the peer of each connection.
import Dispatch
import Foundation
import HPOCore
import Synchronization
private import CZeroMQ

#if canImport(Glibc)
import Glibc
#endif

/// A monitor event of a bound socket with the address of the peer concerned.
///
/// libzmq's monitor events of accepted connections carry the *bound*
/// endpoint, not the peer's; the peer is read from the connection's file
/// descriptor (`getpeername`) as soon as the event is read — best effort: a
/// client dropped within a millisecond (a wrong server key) may be gone by
/// then, and its address is then unknown. A protocol or
/// no-detail handshake failure is reported once its connection is closed,
/// with that address; an authentication failure at once, without one (see
/// ``ZeroMQAuthenticationDecision/address`` instead).
/// A plain value.
public struct ZeroMQConnectionEvent: Sendable, Hashable, CustomStringConvertible {
  /// The monitor event.
  public let event: ZeroMQMonitorEvent
  /// `host:port` of the peer (`[v6]:port` for IPv6), or `nil` when it is
  /// unknown: not a TCP connection, or the connection was closed before its
  /// address could be read.
  public let peerAddress: String?

  /// Memberwise initialiser.
  public init(event: ZeroMQMonitorEvent, peerAddress: String?) {
    self.event = event
    self.peerAddress = peerAddress
  }

  /// `"<event> from <peer>"`.
  public var description: String { "\(event) from \(peerAddress ?? "an unknown peer")" }
}

/// Reads a socket's monitor on a thread of its own, so accepted connections
/// are looked at while they are still open, and hands every event of the
/// requested kinds to `handler` on that thread.
///
/// Create and ``stop()`` it on the monitored socket's owner thread; the
/// monitor's reading socket lives on the watcher's thread only.
/// `@unchecked Sendable`: the only state shared with the thread is a
/// ``StopState`` (a `Mutex`); `target` is weak (not Sendable) and read only on
/// the owner thread, in ``stop()``.
final class ZeroMQConnectionWatcher: @unchecked Sendable {
  private let state = StopState()
  private let endpoint: String
  private weak var target: ZeroMQSocket?

  /// Starts monitoring `target` and the thread reading it; returns once the
  /// reader is connected, so no event of a later bind or accept is missed.
  /// - Throws: ``ZeroMQError`` from `zmq_socket_monitor` or the reader socket.
  init(
    target: ZeroMQSocket, events: Set<ZeroMQMonitorEvent.Kind>,
    handler: @escaping @Sendable (ZeroMQConnectionEvent) -> Void
  ) throws(ZeroMQError) {
    let context = target.context
    endpoint = context.makeMonitorEndpoint()
    self.target = target
    // Accepts and disconnects are needed to know which connection is which.
    let watched = events.union([.accepted, .disconnected])
    let mask = watched.reduce(Int32(0)) { $0 | $1.zmqEvent }
    let endpoint = self.endpoint
    try target.withHandle("zmq_socket_monitor") { (socket) throws(ZeroMQError) in
      _ = try zmqCall("zmq_socket_monitor") { zmq_socket_monitor(socket, endpoint, mask) }
    }
    target.monitorEndpoint = endpoint
    let state = self.state
    let started = DispatchSemaphore(value: 0)
    let startError = Locked<ZeroMQError?>(nil)
    let thread = Thread {
      defer { state.finished.signal() }
      let reader: ZeroMQSocket
      do throws(ZeroMQError) {
        reader = try ZeroMQSocket(.pair, context: context, linger: .zero, connect: [endpoint])
      } catch {
        startError.withLock { $0 = error }
        started.signal()
        return
      }
      started.signal()
      defer { reader.close() }
      var tracker = PeerTracker(requested: events, handler: handler)
      while !state.isStopping {
        do {
          guard try !ZeroMQPoller.readable([reader], timeout: .milliseconds(100)).isEmpty else { continue }
          var batch: [ZeroMQMonitorEvent] = []
          while let message = try reader.tryReceive() {
            if let event = try ZeroMQMonitor.decode(message) { batch.append(event) }
          }
          tracker.observe(batch)
        } catch {
          break
        }
      }
      tracker.flush()
    }
    thread.name = "hpo-zmq-monitor"
    thread.start()
    started.wait()
    if let error = startError.value {
      state.finished.wait()
      state.markClosed()
      target.stopMonitor(endpoint: endpoint)
      throw error
    }
  }

  /// Stops the monitoring, then the thread (waiting at most one poll period,
  /// about 100 ms). Idempotent; call it on the monitored socket's thread,
  /// before closing the context.
  ///
  /// In that order because libzmq's I/O thread sends each event to the
  /// monitor with a blocking send while holding the socket's monitor lock:
  /// once the reader is closed, an event (a peer disconnecting as the
  /// coordinator stops) blocks that send forever, and stopping the monitor,
  /// which takes the same lock, would then never return.
  func stop() {
    target?.stopMonitor(endpoint: endpoint)  // idempotent
    guard state.requestStop() else { return }
    state.finished.wait()
  }

  deinit {
    _ = state.requestStop()
  }
}

/// Which accepted connection (by file descriptor) belongs to which peer, and
/// the handshake failures waiting for their connection to close.
private struct PeerTracker {
  let requested: Set<ZeroMQMonitorEvent.Kind>
  let handler: @Sendable (ZeroMQConnectionEvent) -> Void
  var peers: [UInt32: String] = [:]
  var failures: [ZeroMQMonitorEvent] = []

  init(requested: Set<ZeroMQMonitorEvent.Kind>, handler: @escaping @Sendable (ZeroMQConnectionEvent) -> Void) {
    self.requested = requested
    self.handler = handler
  }

  /// Handles the events read in one go, in order. A descriptor accepted
  /// again later in the batch was closed and reused meanwhile, so reading
  /// its peer now would name the newer connection: it stays unknown.
  mutating func observe(_ batch: [ZeroMQMonitorEvent]) {
    var lastAccept: [UInt32: Int] = [:]
    for (index, event) in batch.enumerated() where event.kind == .accepted { lastAccept[event.value] = index }
    for (index, event) in batch.enumerated() {
      observe(event, stillOpen: event.kind != .accepted || lastAccept[event.value] == index)
    }
  }

  private mutating func observe(_ event: ZeroMQMonitorEvent, stillOpen: Bool) {
    switch event.kind {
    case .accepted:
      let peer = stillOpen ? peerAddress(ofDescriptor: Int32(bitPattern: event.value)) : nil
      peers[event.value] = peer
      emit(event, peer)
    case .disconnected:
      // The engine reports a failed handshake, then closes that connection:
      // with one I/O thread nothing comes in between.
      let peer = peers.removeValue(forKey: event.value)
      for failure in failures { emit(failure, peer) }
      failures = []
      emit(event, peer)
    case .handshakeFailedNoDetail, .handshakeFailedProtocol:
      failures.append(event)
    case .handshakeFailedAuth:
      // Reported when the ZAP reply arrives; the connection closes only
      // after the error is sent, so other events may come in between. The
      // ZAP request itself carries the peer's address.
      emit(event, nil)
    default:
      emit(event, nil)
    }
  }

  mutating func flush() {
    for failure in failures { emit(failure, nil) }
    failures = []
  }

  private func emit(_ event: ZeroMQMonitorEvent, _ peer: String?) {
    if requested.contains(event.kind) { handler(ZeroMQConnectionEvent(event: event, peerAddress: peer)) }
  }
}

/// `host:port` of the peer of a connected TCP socket, or `nil`.
func peerAddress(ofDescriptor fd: Int32) -> String? {
  var storage = sockaddr_storage()
  var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
  let rc = withUnsafeMutablePointer(to: &storage) {
    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getpeername(fd, $0, &length) }
  }
  guard rc == 0 else { return nil }
  var host = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN) + 1)
  switch Int32(storage.ss_family) {
  case AF_INET:
    return withUnsafePointer(to: &storage) {
      $0.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { sin -> String? in
        var addr = sin.pointee.sin_addr
        guard inet_ntop(AF_INET, &addr, &host, socklen_t(host.count)) != nil else { return nil }
        return "\(String(decoding: host.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)):\(UInt16(bigEndian: sin.pointee.sin_port))"
      }
    }
  case AF_INET6:
    return withUnsafePointer(to: &storage) {
      $0.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { sin6 -> String? in
        var addr = sin6.pointee.sin6_addr
        guard inet_ntop(AF_INET6, &addr, &host, socklen_t(host.count)) != nil else { return nil }
        return "[\(String(decoding: host.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))]:\(UInt16(bigEndian: sin6.pointee.sin6_port))"
      }
    }
  default:
    return nil
  }
}
