// The multipart message value type.

/// A multipart ZeroMQ message: one or more frames, each a byte array.
/// A plain value (`Sendable`): build it anywhere, send it from the socket's
/// owner. A ROUTER's received messages start with the peer's routing id frame;
/// a message sent on a ROUTER must start with the destination's routing id.
public struct ZeroMQMessage: Sendable, Hashable, ExpressibleByArrayLiteral {
  /// The frames, in order. Sending requires at least one frame.
  public var frames: [[UInt8]]

  /// A message with the given frames.
  public init(_ frames: [[UInt8]]) {
    self.frames = frames
  }

  /// A message whose frames are the UTF-8 bytes of `strings`.
  public init(strings: [String]) {
    self.frames = strings.map { Array($0.utf8) }
  }

  /// `[[1, 2], [3]]` as a message.
  public init(arrayLiteral frames: [UInt8]...) {
    self.frames = frames
  }

  /// The total payload size of all frames, in bytes.
  public var byteCount: Int { frames.reduce(0) { $0 + $1.count } }

  /// Frame `index` decoded as UTF-8 (invalid sequences repaired), or `nil`
  /// if there is no such frame.
  public func string(at index: Int) -> String? {
    frames.indices.contains(index) ? String(decoding: frames[index], as: UTF8.self) : nil
  }
}

/// Caps checked while a message is received. When a message breaks one, the
/// rest of it is still read from the socket (and dropped), so the socket
/// stays usable, and the receive throws a ``ZeroMQError`` with
/// ``ZeroMQError/receiveLimit`` set (code `EMSGSIZE`). Frames past a cap are
/// not copied into Swift memory. For a wire-level per-frame cap see
/// ``ZeroMQSocket/setMaxMessageSize(_:)``.
public struct ZeroMQReceiveLimits: Sendable, Hashable {
  /// Maximum number of frames per message (ROUTER's routing-id frame
  /// included); `nil` is unlimited.
  public var maxFrames: Int?
  /// Maximum total bytes over all frames of a message; `nil` is unlimited.
  public var maxBytes: Int?

  /// Memberwise initialiser.
  public init(maxFrames: Int? = nil, maxBytes: Int? = nil) {
    self.maxFrames = maxFrames
    self.maxBytes = maxBytes
  }

  /// No caps.
  public static let unlimited = ZeroMQReceiveLimits()
}
