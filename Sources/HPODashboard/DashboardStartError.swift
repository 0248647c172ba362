/// Why ``DashboardServer`` would not start. Each kind names the thing at fault and what
/// to do; the `hpo dashboard` command maps ``Kind/tokenRequired(host:)`` and
/// ``Kind/badToken(file:reason:)`` to exit 2 (bad input) and ``Kind/cannotListen(address:reason:)``
/// to exit 3 (infrastructure).
public struct DashboardStartError: Error, Equatable, CustomStringConvertible {
  public enum Kind: Equatable, Sendable {
    /// A non-loopback address without a bearer token.
    case tokenRequired(host: String)
    /// The token file cannot be read, or its token is too short.
    case badToken(file: String, reason: String)
    /// The address is not IPv4, is in use, or cannot be bound.
    case cannotListen(address: String, reason: String)
  }

  public var kind: Kind

  public init(_ kind: Kind) { self.kind = kind }

  public var description: String {
    switch kind {
    case .tokenRequired(let host):
      return "--http \(host): serving the dashboard beyond this machine needs a bearer token; "
        + "give --http-token-file FILE (a file holding a token of at least \(BearerToken.minimumLength) characters), "
        + "or bind to 127.0.0.1"
    case .badToken(let file, let reason):
      return "--http-token-file \(file): \(reason)"
    case .cannotListen(let address, let reason):
      return "cannot serve the dashboard on \(address): \(reason)"
    }
  }
}
