// Waiting on several sockets at once (zmq_poll).
private import CZeroMQ

/// What to wait for on a socket, and what a poll found.
public struct ZeroMQPollEvents: OptionSet, Sendable, Hashable {
  /// The raw bit set (`ZMQ_POLLIN` = 1, `ZMQ_POLLOUT` = 2).
  public let rawValue: Int16
  /// Wraps a raw bit set.
  public init(rawValue: Int16) { self.rawValue = rawValue }
  /// `ZMQ_POLLIN`: a whole message can be received without blocking.
  public static let readable = ZeroMQPollEvents(rawValue: 1)
  /// `ZMQ_POLLOUT`: at least one message can be sent without blocking.
  public static let writable = ZeroMQPollEvents(rawValue: 2)
}

/// One socket to poll and the events of interest. Holds the socket, so it
/// follows the socket's threading rule (not `Sendable`).
public struct ZeroMQPollItem {
  /// The socket to watch.
  public let socket: ZeroMQSocket
  /// The events of interest.
  public var events: ZeroMQPollEvents

  /// Watch `socket` for `events` (default: readable).
  public init(_ socket: ZeroMQSocket, events: ZeroMQPollEvents = .readable) {
    self.socket = socket
    self.events = events
  }
}

/// `zmq_poll` over ZeroMQ sockets, e.g. a coordinator's ROUTER plus its
/// control socket. Call it from the thread that owns all the sockets.
public enum ZeroMQPoller {
  /// Waits until at least one item has one of its events, or `timeout`
  /// elapses (`nil`: wait forever; `.zero`: just look). Returns, per item and
  /// in the same order, the subset of its requested events that are ready
  /// (empty on timeout). `EINTR` restarts the wait with the full timeout.
  /// - Throws: ``ZeroMQError``: `ENOTSOCK` if an item's socket is closed,
  ///   `ETERM` once the context is shut down, `EINVAL` for a bad timeout.
  public static func poll(_ items: [ZeroMQPollItem], timeout: Duration?) throws(ZeroMQError) -> [ZeroMQPollEvents] {
    let milliseconds: Int = try timeout.map { (t) throws(ZeroMQError) in Int(try t.zmqMilliseconds("zmq_poll")) } ?? -1
    var pollItems: [zmq_pollitem_t] = []
    pollItems.reserveCapacity(items.count)
    for item in items {
      let handle = try item.socket.withHandle("zmq_poll") { (socket) throws(ZeroMQError) in socket }
      pollItems.append(zmq_pollitem_t(socket: handle, fd: 0, events: item.events.rawValue, revents: 0))
    }
    let count = Int32(pollItems.count)
    _ = try zmqCall("zmq_poll") {
      pollItems.withUnsafeMutableBufferPointer { zmq_poll($0.baseAddress, count, milliseconds) }
    }
    return pollItems.map { ZeroMQPollEvents(rawValue: $0.revents) }
  }

  /// Polls `sockets` for readability; returns the indices of those that have
  /// a message waiting (empty on timeout). See ``poll(_:timeout:)``.
  public static func readable(_ sockets: [ZeroMQSocket], timeout: Duration?) throws(ZeroMQError) -> [Int] {
    let ready = try poll(sockets.map { ZeroMQPollItem($0) }, timeout: timeout)
    return ready.indices.filter { ready[$0].contains(.readable) }
  }
}
