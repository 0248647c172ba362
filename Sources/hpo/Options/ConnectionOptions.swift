import ArgumentParser
import HPOZeroMQ

/// Where the coordinator listens, for commands that talk to it.
struct ConnectionOptions: ParsableArguments {
  @Option(name: .customLong("coordinator"), help: ArgumentHelp("The coordinator's endpoint (tcp://HOST:PORT or ipc://PATH).", valueName: "endpoint"))
  var endpoint = "tcp://127.0.0.1:5555"

  @Option(help: "Give up when the coordinator does not answer within this many seconds.")
  var timeout: Double = 10

  @OptionGroup var keys: ClientKeyOptions

  func validate() throws {
    guard endpoint.hasPrefix("tcp://") || endpoint.hasPrefix("ipc://") || endpoint.hasPrefix("inproc://") else {
      throw ValidationError("--coordinator '\(endpoint)' is not an endpoint; accepted: tcp://HOST:PORT or ipc://PATH")
    }
    guard timeout > 0 else { throw ValidationError("--timeout \(timeout) must be above 0 seconds") }
  }
}

/// The CURVE keys of a worker or client talking to a coordinator started
/// with `--curve-secret`: both flags or neither.
struct ClientKeyOptions: ParsableArguments {
  @Option(help: ArgumentHelp("The coordinator's public key file (its .pub from `hpo keys generate`). Needs --curve-secret.", valueName: "file"))
  var curveServerKey: String?

  @Option(help: ArgumentHelp("This client's secret key file (.key, mode 0600); its .pub must be in the coordinator's --authorized-keys folder. Needs --curve-server-key.", valueName: "file"))
  var curveSecret: String?

  /// No keys: for connections this process set up itself on loopback.
  static var none: ClientKeyOptions {
    var keys = ClientKeyOptions()
    keys.curveServerKey = nil
    keys.curveSecret = nil
    return keys
  }

  func validate() throws {
    if curveServerKey != nil && curveSecret == nil {
      throw ValidationError("--curve-server-key needs --curve-secret FILE too: this client's own secret key (make one with `hpo keys generate DIR --name NAME`)")
    }
    if curveSecret != nil && curveServerKey == nil {
      throw ValidationError("--curve-secret needs --curve-server-key FILE too: the coordinator's public key (its .pub file)")
    }
  }

  /// The keys read from their files, or `nil` without keys; a missing,
  /// unsafe or damaged file is printed with its path and exits 2.
  func load() throws -> ZeroMQClientSecurity? {
    guard let curveServerKey, let curveSecret else { return nil }
    do {
      let serverKey = try ZeroMQCurveKeyFile.loadPublic(path: curveServerKey)
      let keyPair = try ZeroMQCurveKeyFile.loadSecret(path: curveSecret)
      return ZeroMQClientSecurity(keyPair: keyPair, serverPublicKey: serverKey)
    } catch {
      FileHandleOutput.standardError("error: \(error)")
      throw HPOExitCode.badInput
    }
  }

  /// What to tell the user about a failed handshake with `endpoint`.
  func advice(endpoint: String, security: ZeroMQClientSecurity?) -> HandshakeAdvice {
    HandshakeAdvice(endpoint: endpoint, serverKeyFile: curveServerKey, secretFile: curveSecret,
                    publicKey: security?.keyPair.publicKey)
  }
}

/// Turns a client-side handshake failure into one line saying what to check.
/// A plain value, shared by the slots of a worker.
struct HandshakeAdvice: Sendable {
  let endpoint: String
  let serverKeyFile: String?
  let secretFile: String?
  let publicKey: String?

  func message(for event: ZeroMQMonitorEvent) -> String {
    switch ZeroMQHandshakeProblem(event) {
    case .serverKeyRejected where serverKeyFile != nil:
      return "handshake failed: check the coordinator's public key (\(serverKeyFile!)); the coordinator at \(endpoint) could not decrypt this client's greeting"
    case .clientKeyRefused(let status):
      return "handshake failed: the coordinator at \(endpoint) refused this client's key (status \(status)): copy the .pub file of \(secretFile ?? "this client's key") (public key \(publicKey ?? "?")) into the coordinator's --authorized-keys folder and restart it"
    case .mechanismMismatch where serverKeyFile == nil:
      return "handshake failed: the coordinator at \(endpoint) requires CURVE keys: pass --curve-server-key (its .pub file) and --curve-secret (this client's .key file)"
    case .mechanismMismatch:
      return "handshake failed: the coordinator at \(endpoint) does not use CURVE keys: drop --curve-server-key and --curve-secret, or start it with --curve-secret"
    case .serverKeyRejected:
      // Without keys, this is how a CURVE coordinator's refusal often looks:
      // it notices the mismatch first and closes the connection.
      return "handshake failed: the coordinator at \(endpoint) closed the connection during the handshake; it probably requires CURVE keys: pass --curve-server-key (its .pub file) and --curve-secret (this client's .key file)"
    case .other:
      return "handshake failed with the coordinator at \(endpoint) (\(event.kind), value \(event.value))"
    }
  }
}

/// How much the command logs.
struct LoggingOptions: ParsableArguments {
  @Option(help: "Log level: trace, debug, info, notice, warning, error or critical.")
  var logLevel: LogLevelArgument = .info
}

enum LogLevelArgument: String, ExpressibleByArgument, CaseIterable {
  case trace, debug, info, notice, warning, error, critical
}
