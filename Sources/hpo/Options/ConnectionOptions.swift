import ArgumentParser

/// Where the coordinator listens, for commands that talk to it.
struct ConnectionOptions: ParsableArguments {
  @Option(name: .customLong("coordinator"), help: "The coordinator's endpoint (tcp://HOST:PORT or ipc://PATH).")
  var endpoint = "tcp://127.0.0.1:5555"

  @Option(help: "Give up when the coordinator does not answer within this many seconds.")
  var timeout: Double = 10

  func validate() throws {
    guard endpoint.hasPrefix("tcp://") || endpoint.hasPrefix("ipc://") || endpoint.hasPrefix("inproc://") else {
      throw ValidationError("--coordinator '\(endpoint)' is not an endpoint; accepted: tcp://HOST:PORT or ipc://PATH")
    }
    guard timeout > 0 else { throw ValidationError("--timeout \(timeout) must be above 0 seconds") }
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
