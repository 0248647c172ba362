import HPOZeroMQ

/// The socket a gang member receives on, bound before the gang is complete
/// so that its address (an ephemeral port) can be handed to the others.
///
/// Bind one per member, publish ``address`` (with a host the peers can
/// reach, when bound on a wildcard), then pass it to ``GangCommunicator``,
/// which owns it from then on. Not thread-safe (one owner, like its socket).
public final class GangListener {
  /// The endpoint actually bound (`tcp://127.0.0.1:41234` for `…:*`).
  public let address: String
  public let gangID: String
  public let rank: Int
  let socket: ZeroMQSocket
  private let authenticator: ZeroMQAuthenticator?

  /// Binds a receiving socket at `endpoint` in `context`.
  ///
  /// With `security` the socket is a CURVE server with the member's key
  /// pair, and a ZAP handler in `context` lets in only `security.publicKeys`:
  /// give a gang its own context, since a context holds one handler.
  /// - Throws: ``CollectiveError`` (`.transport`) naming the endpoint, e.g.
  ///   when the port is taken or the context already has a ZAP handler.
  public init(
    context: ZeroMQContext, gangID: String, rank: Int, endpoint: String = "tcp://127.0.0.1:*",
    security: GangSecurity? = nil
  ) throws(CollectiveError) {
    self.gangID = gangID
    self.rank = rank
    func failure(_ error: ZeroMQError) -> CollectiveError {
      CollectiveError(
        .transport, operation: "listen", gangID: gangID, rank: rank, message: "cannot listen on \(endpoint): \(error)")
    }
    var handler: ZeroMQAuthenticator?
    do throws(ZeroMQError) {
      if let security {
        var keys: [String: String] = [:]
        for (r, key) in security.publicKeys.enumerated() { keys[key] = "gang \(gangID) rank \(r)" }
        handler = try ZeroMQAuthenticator(context: context, authorizedKeys: keys)
      }
      let bound = try ZeroMQSocket(.pull, context: context, bind: [endpoint]) { (s) throws(ZeroMQError) in
        if let security { try s.makeCurveServer(keyPair: security.keyPair) }
      }
      socket = bound
      address = try bound.lastEndpoint
    } catch {
      handler?.close()
      throw failure(error)
    }
    authenticator = handler
  }

  /// Closes the socket and stops the ZAP handler. Idempotent.
  public func close() {
    socket.close()
    authenticator?.close()
  }
}
