import Glibc

extension GangPeers {
  /// The IPv4 address of this machine's interface that reaches `endpoint`
  /// (`tcp://HOST:PORT`): the source address the kernel's routing table picks
  /// for it, found by connecting a UDP socket (no packet is sent). That is
  /// the address other workers on the coordinator's network reach this one
  /// at, also where several network namespaces share one host name. `nil`
  /// for an `ipc://` endpoint, a name that does not resolve to IPv4, or no
  /// route.
  public static func localAddress(reaching endpoint: String) -> String? {
    guard endpoint.hasPrefix("tcp://"), let colon = endpoint.lastIndex(of: ":") else { return nil }
    let host = String(endpoint[endpoint.index(endpoint.startIndex, offsetBy: 6)..<colon])
    let port = String(endpoint[endpoint.index(after: colon)...])
    guard !host.isEmpty, UInt16(port) != nil else { return nil }
    var hints = addrinfo()
    hints.ai_family = AF_INET
    hints.ai_socktype = Int32(SOCK_DGRAM.rawValue)
    var found: UnsafeMutablePointer<addrinfo>?
    guard getaddrinfo(host, port, &hints, &found) == 0, let info = found else { return nil }
    defer { freeaddrinfo(found) }
    let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    guard connect(fd, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0 else { return nil }
    var local = sockaddr_in()
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let named = withUnsafeMutablePointer(to: &local) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
    }
    guard named == 0 else { return nil }
    var text = [CChar](repeating: 0, count: Int(INET_ADDRSTRLEN))
    guard inet_ntop(AF_INET, &local.sin_addr, &text, socklen_t(text.count)) != nil else { return nil }
    let address = String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    return address == "0.0.0.0" ? nil : address
  }
}
