/// What a transport knows about a failing security handshake, for clients
/// whose transport has one (CURVE over ZeroMQ). Implemented by the
/// composition root over the concrete transport.
public protocol HandshakeProbe: AnyObject {
  /// The advice for the current handshake failure when it has kept failing
  /// for at least `grace`, else `nil`.
  func failure(persistingFor grace: Duration) -> String?
  /// The advice for the last handshake failure seen, if any.
  var lastFailure: String? { get }
}
