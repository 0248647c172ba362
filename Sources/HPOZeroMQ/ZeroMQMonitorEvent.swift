// The decoded socket-monitor event.
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
