import HPOWire

/// How a worker's slots meet the other members of a gang trial: the socket
/// layer, and the host the others reach this worker at.
public struct GangPeers: Sendable {
  /// Binds and connects the members' sockets (ZeroMQ in `hpo worker`).
  public var transport: any PeerTransport
  /// The host (an IP address or a name) the other members connect to.
  public var host: String
  /// Whether this worker offers to all-reduce through shared memory with
  /// members on its host (``Gang/sharedMemory``); `hpo worker
  /// --no-gang-shared-memory` turns it off.
  public var sharedMemory: Bool

  public init(transport: any PeerTransport, host: String, sharedMemory: Bool = true) {
    self.transport = transport
    self.host = host
    self.sharedMemory = sharedMemory
  }

  /// Where a member's socket is bound: on `host` when it is an IPv4 address,
  /// on every interface otherwise (a name is not bound to), on a free port.
  var bindEndpoint: String {
    let isIPv4 = host.split(separator: ".").count == 4 && host.split(separator: ".").allSatisfy { UInt8($0) != nil }
    return isIPv4 ? "tcp://\(host):*" : "tcp://*:*"
  }

  /// `bound` (`tcp://0.0.0.0:41234`) as the others reach it: `tcp://host:41234`.
  func advertised(_ bound: String) -> String {
    guard let colon = bound.lastIndex(of: ":") else { return bound }
    return "tcp://\(host)\(bound[colon...])"
  }
}
