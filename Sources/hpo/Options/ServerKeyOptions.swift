import ArgumentParser
import HPOZeroMQ
import Logging

/// The coordinator's security flags: CURVE keys and the authorised client
/// keys, or an explicit `--insecure` to listen beyond loopback without them.
struct ServerKeyOptions: ParsableArguments {
  @Option(help: ArgumentHelp("This coordinator's secret key file (from `hpo keys generate`, mode 0600): encrypt every connection and serve only the clients of --authorized-keys.", valueName: "file"))
  var curveSecret: String?

  @Option(help: ArgumentHelp("Folder of the public keys (*.pub) of the workers and clients let in; read at start. Needs --curve-secret.", valueName: "dir"))
  var authorizedKeys: String?

  @Flag(help: "Listen beyond loopback without keys: traffic is unauthenticated and unencrypted, so anyone who can reach the port may take trials and submit experiments.")
  var insecure = false

  /// The flags' rules, checked before anything starts (exit 2).
  func validate(bind: String) throws {
    if curveSecret != nil && authorizedKeys == nil {
      throw ValidationError("--curve-secret needs --authorized-keys DIR: the folder of the .pub files of the workers and clients to let in")
    }
    if authorizedKeys != nil && curveSecret == nil {
      throw ValidationError("--authorized-keys needs --curve-secret FILE: this coordinator's own secret key (make one with `hpo keys generate DIR`)")
    }
    if insecure && curveSecret != nil {
      throw ValidationError("--insecure contradicts --curve-secret: with keys every connection is authenticated; drop one of them")
    }
    if curveSecret == nil && !insecure && !Self.isLoopback(bind) {
      throw ValidationError("--bind \(bind) is reachable from other machines, and without CURVE keys anyone who reaches it could take trials or submit experiments; pass --curve-secret FILE --authorized-keys DIR (make keys with `hpo keys generate`), bind to 127.0.0.1, or pass --insecure to accept unauthenticated traffic")
    }
  }

  /// True for endpoints only this machine can reach: `ipc://`, `inproc://`,
  /// and `tcp://` on 127.0.0.0/8, `localhost`, `::1` or the `lo` interface.
  static func isLoopback(_ endpoint: String) -> Bool {
    if endpoint.hasPrefix("ipc://") || endpoint.hasPrefix("inproc://") { return true }
    guard endpoint.hasPrefix("tcp://") else { return false }
    let address = endpoint.dropFirst("tcp://".count)
    guard let colon = address.lastIndex(of: ":") else { return false }
    var host = address[..<colon]
    if host.hasPrefix("[") && host.hasSuffix("]") { host = host.dropFirst().dropLast() }
    if host == "localhost" || host == "::1" || host == "lo" { return true }
    let parts = host.split(separator: ".", omittingEmptySubsequences: false)
    return parts.count == 4 && parts[0] == "127" && parts.allSatisfy { UInt8($0) != nil }
  }

  /// The coordinator's CURVE settings read from the key files, or `nil`
  /// without keys; a missing, unsafe or damaged file is printed with its
  /// path and exits 2 before anything is opened.
  func load(logger: Logger) throws -> ZeroMQServerSecurity? {
    guard let curveSecret, let authorizedKeys else { return nil }
    let keyPair: ZeroMQCurveKeyPair
    let keys: [String: String]
    do {
      keyPair = try ZeroMQCurveKeyFile.loadSecret(path: curveSecret)
      keys = try ZeroMQCurveKeyFile.loadAuthorizedKeys(directory: authorizedKeys)
    } catch {
      FileHandleOutput.standardError("error: \(error)")
      throw HPOExitCode.badInput
    }
    let throttle = LogThrottle()
    let folder = authorizedKeys
    return ZeroMQServerSecurity(keyPair: keyPair, authorizedKeys: keys) { decision in
      if decision.allowed {
        logger.info("client let in", metadata: ["client": "\(decision.clientName ?? "?")", "peer": "\(decision.address)"])
        return
      }
      let what = decision.publicKey.map { "key \($0)" } ?? "mechanism \(decision.mechanism)"
      guard let left = throttle.admit("\(decision.address) \(what)") else { return }
      logger.warning(
        "refused a client from \(decision.address): \(what) is not in \(folder)",
        metadata: left > 0 ? ["repeated": "\(left + 1)"] : [:])
    }
  }

  /// Says at start whether connections are authenticated.
  func announce(endpoint: String, logger: Logger) {
    if let curveSecret, let authorizedKeys {
      logger.info("CURVE on: only the keys in \(authorizedKeys) are served", metadata: ["key": "\(curveSecret)"])
    } else if insecure {
      logger.warning("--insecure: traffic on \(endpoint) is unauthenticated and unencrypted; anyone who can reach it may take trials and submit experiments")
    }
  }

  /// Logs the socket's failed handshakes with the peer's address (at once,
  /// then at most every 10 s per peer and reason) and the rest at debug level.
  func eventLogger(_ logger: Logger) -> @Sendable (ZeroMQConnectionEvent) -> Void {
    let secure = curveSecret != nil
    let throttle = LogThrottle()
    return { connection in
      let event = connection.event
      let peer = connection.peerAddress ?? "an unknown peer (it left before its address was read)"
      guard event.kind.isHandshakeFailure else {
        let level: Logger.Level = event.kind == .bindFailed ? .warning : .debug
        logger.log(level: level, "connection event", metadata: ["zmq.event": "\(event.kind)", "peer": "\(peer)"])
        return
      }
      if event.kind == .handshakeFailedAuth {
        // Logged with the address and the key by the ZAP handler (load(logger:)).
        logger.debug("connection event", metadata: ["zmq.event": "\(event.kind)", "zmq.value": "\(event.value)"])
        return
      }
      let reason = Self.reason(event, secure: secure)
      let host = connection.peerAddress.map { String($0[..<($0.lastIndex(of: ":") ?? $0.endIndex)]) } ?? "?"
      guard let left = throttle.admit("\(host) \(reason)") else { return }
      logger.warning("failed handshake from \(peer): \(reason)", metadata: left > 0 ? ["repeated": "\(left + 1)"] : [:])
    }
  }

  /// Why a handshake failed, as seen by the coordinator.
  static func reason(_ event: ZeroMQMonitorEvent, secure: Bool) -> String {
    switch ZeroMQHandshakeProblem(event) {
    case .serverKeyRejected where event.kind == .handshakeFailedProtocol:
      return "its CURVE greeting could not be decrypted: it was given a wrong coordinator public key"
    case .clientKeyRefused(let status):
      return "its key is not authorised (status \(status))"
    case .mechanismMismatch:
      return secure ? "it does not use CURVE keys (--curve-server-key, --curve-secret)" : "it uses CURVE keys, but this coordinator was started without --curve-secret"
    case .serverKeyRejected:
      return "it closed the connection during the handshake (errno \(event.value))"
    case .other:
      return "\(event.kind), value \(event.value)"
    }
  }
}
