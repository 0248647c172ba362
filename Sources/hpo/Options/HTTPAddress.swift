import ArgumentParser

#if canImport(Glibc)
import Glibc
#endif

/// `--http HOST:PORT`: where a command serves HTTP (the Prometheus `/metrics`).
struct HTTPAddress: Equatable, CustomStringConvertible {
  var host: String
  var port: UInt16

  /// What `--http` accepts, for error messages.
  static let accepted = "HOST:PORT with an IPv4 address and a port from 0 to 65535, e.g. 127.0.0.1:9464, or 0.0.0.0:9464 for every interface (port 0: any free port)"

  init(host: String, port: UInt16) {
    self.host = host
    self.port = port
  }

  /// `text` as HOST:PORT, or `nil` when it is not an IPv4 address and a port.
  init?(_ text: String) {
    guard let colon = text.lastIndex(of: ":"), let port = UInt16(text[text.index(after: colon)...]) else { return nil }
    let host = String(text[..<colon])
    guard Self.isIPv4(host) else { return nil }
    self.init(host: host, port: port)
  }

  /// `--http VALUE` read, or a ValidationError (exit 2) naming the flag, the
  /// value and the accepted form.
  static func parse(_ text: String, flag: String = "--http") throws -> HTTPAddress {
    guard let address = HTTPAddress(text) else {
      throw ValidationError("\(flag) \(text): not an address to serve HTTP on; accepted: \(accepted)")
    }
    return address
  }

  static func isIPv4(_ host: String) -> Bool {
    var address = in_addr()
    return inet_pton(AF_INET, host, &address) == 1
  }

  var description: String { "\(host):\(port)" }
}
