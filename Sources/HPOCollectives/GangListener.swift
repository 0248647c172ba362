import HPOWire

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
  /// What it was bound with; the communicator connects to the successor with it too.
  let transport: any PeerTransport
  let inbox: any PeerInbox
  /// Bound with CURVE admitting nobody yet (``init(transport:gangID:rank:endpoint:security:)``
  /// with `security` of no keys): the communicator admits the gang's keys.
  let admitsLater: Bool

  /// Binds a receiving socket at `endpoint` through `transport`.
  ///
  /// With `security` it admits only the gang's public keys, over CURVE with
  /// the transport's key pair; with `security` of no keys (the members are not
  /// known yet) it admits nobody until ``admit(_:)``, which
  /// ``GangCommunicator`` calls with the gang's keys.
  /// - Throws: ``CollectiveError`` (`.transport`) naming the endpoint, e.g.
  ///   when the port is taken or the transport has no key pair for CURVE.
  public init(
    transport: any PeerTransport, gangID: String, rank: Int, endpoint: String = "tcp://127.0.0.1:*",
    security: GangSecurity? = nil
  ) throws(CollectiveError) {
    self.gangID = gangID
    self.rank = rank
    self.transport = transport
    admitsLater = security?.publicKeys.isEmpty ?? false
    do throws(PeerTransportError) {
      inbox = try transport.listen(at: endpoint, admitting: security?.publicKeys)
    } catch {
      throw CollectiveError(.transport, operation: "listen", gangID: gangID, rank: rank, message: error.message)
    }
    address = inbox.address
  }

  /// Admits the gang's public keys (a listener bound with CURVE before the
  /// gang's members were known, admitting none).
  /// - Throws: ``CollectiveError`` (`.transport`) for a plain listener or a bad key.
  public func admit(_ security: GangSecurity) throws(CollectiveError) {
    do throws(PeerTransportError) {
      try inbox.admit(security.publicKeys)
    } catch {
      throw CollectiveError(.transport, operation: "listen", gangID: gangID, rank: rank, message: error.message)
    }
  }

  /// Closes the socket. Idempotent.
  public func close() {
    inbox.close()
  }
}
