import HPOClient
import HPOZeroMQ

/// The ZeroMQ side of a client command's ``CoordinatorClient``: owns the
/// context and the socket (closed when the client goes away) and turns the
/// socket's handshake failures into advice.
final class ClientConnection: HandshakeProbe {
  let context: ZeroMQContext
  let transport: ZeroMQClientTransport
  let advice: HandshakeAdvice

  init(_ options: ConnectionOptions, security: ZeroMQClientSecurity?) throws {
    context = try ZeroMQContext()
    do {
      transport = try ZeroMQClientTransport(context: context, endpoint: options.endpoint, security: security)
    } catch {
      context.close()
      throw error
    }
    advice = options.keys.advice(endpoint: options.endpoint, security: security)
  }

  deinit {
    transport.close()
    context.close()
  }

  func failure(persistingFor grace: Duration) -> String? {
    guard let failure = transport.handshakeFailure, let since = transport.handshakeFailingSince,
      since.duration(to: ContinuousClock().now) >= grace
    else { return nil }
    return advice.message(for: failure)
  }

  var lastFailure: String? { transport.handshakeFailure.map { advice.message(for: $0) } }

  /// A client over this connection.
  static func client(_ options: ConnectionOptions, security: ZeroMQClientSecurity?) throws -> CoordinatorClient {
    let connection = try ClientConnection(options, security: security)
    return CoordinatorClient(
      transport: connection.transport, endpoint: options.endpoint, timeout: .milliseconds(Int(options.timeout * 1000)),
      handshake: connection)
  }
}
