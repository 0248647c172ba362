import ArgumentParser
import Foundation
import HPOCoordinator
import HPODashboard
import HPOStore
import HPOZeroMQ
import Logging

extension HPOCommand {
  /// `hpo coordinator`: serves workers and clients until SIGTERM, then drains.
  struct Coordinator: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Run the coordinator: hand out trials to workers and keep every result in the store.",
      discussion: "Resumes every unfinished experiment of the store. SIGTERM (or Ctrl-C) stops handing out trials and waits for running ones up to --drain-timeout.")

    @Option(help: "Endpoint to listen on for workers and clients. Without --curve-secret only loopback (127.0.0.1, localhost, ipc://) unless --insecure.")
    var bind = "tcp://127.0.0.1:5555"

    @OptionGroup var keys: ServerKeyOptions

    @Option(help: "The experiment store (SQLite); created if missing.")
    var store: String

    @Option(help: "Seconds without a heartbeat after which a worker's trial is re-leased.")
    var lease: Double = 5

    @Option(help: "Attempts per trial before it is marked failed.")
    var maxAttempts = 3

    @Option(help: "Seconds to wait for the store's lock while another process holds it (0: refuse at once, naming the holder).")
    var lockWait: Double = 0

    @Option(help: "Seconds to wait for running trials after SIGTERM.")
    var drainTimeout: Double = 30

    enum Durability: String, ExpressibleByArgument, CaseIterable { case full, normal }

    @Option(help: "full: every commit is fsynced (survives power loss); normal: survives a crash of hpo, not of the machine.")
    var durability: Durability = .full

    @Flag(help: "Exit once every experiment in the store has ended.")
    var exitWhenFinished = false

    @Option(help: ArgumentHelp(
      "Serve the web dashboard at http://HOST:PORT/ and Prometheus metrics at http://HOST:PORT/metrics: an IPv4 address (0.0.0.0 for every interface) and a port (0: any free port; the addresses are printed). Beyond 127.0.0.0/8 the dashboard needs --http-token-file; without it only /metrics is served.",
      valueName: "host:port"))
    var http: String?

    @Option(help: ArgumentHelp(
      "A file holding a bearer token (at least 16 characters): every dashboard API request must then send Authorization: Bearer TOKEN (/metrics needs none).",
      valueName: "file"))
    var httpTokenFile: String?

    // The previous release's spelling of --http PORT (with --metrics-host HOST,
    // default 127.0.0.1); kept one release because scripts call it.
    @Option(help: .hidden)
    var metricsPort: UInt16?

    @Option(help: .hidden)
    var metricsHost: String?

    /// Where the metrics are served: `--http`, else the hidden
    /// `--metrics-port` and `--metrics-host`; `nil` without any of them.
    /// Call after `validate()`, which has checked the values.
    private var httpAddress: HTTPAddress? {
      if let http { return HTTPAddress(http) }
      return metricsPort.map { HTTPAddress(host: metricsHost ?? "127.0.0.1", port: $0) }
    }

    @OptionGroup var logging: LoggingOptions

    @Option(help: ArgumentHelp("The PID of the hpo run that started this process, whose standard input is then its lifeline: when that process ends, stop at once (used by hpo run).", visibility: .hidden))
    var parentPid: Int32?

    /// The HTTP endpoint of `--http` (metrics now, the dashboard once the store is open), if
    /// given; exit 2 for a token file that cannot be used, 3 when the address cannot listen.
    private func startHTTP() throws -> CoordinatorHTTP? {
      guard let address = httpAddress else {
        if let httpTokenFile {
          FileHandleOutput.standardError("error: --http-token-file \(httpTokenFile) is only used with --http")
          throw HPOExitCode.badInput
        }
        return nil
      }
      var token: BearerToken?
      if let httpTokenFile {
        do { token = try BearerToken(file: httpTokenFile) } catch {
          FileHandleOutput.standardError("error: \(error)")
          throw HPOExitCode.badInput
        }
      }
      return try CoordinatorHTTP.start(address, token: token)
    }

    func validate() throws {
      guard lease > 0 else { throw ValidationError("--lease \(lease) must be above 0 seconds") }
      guard lockWait >= 0 else { throw ValidationError("--lock-wait \(lockWait) must be 0 seconds or more") }
      guard maxAttempts >= 1 else { throw ValidationError("--max-attempts \(maxAttempts) must be at least 1") }
      try keys.validate(bind: bind)
      if let http { _ = try HTTPAddress.parse(http) }
      try DeprecatedFlag.check(
        DeprecatedFlag.given([("--metrics-port", metricsPort != nil), ("--metrics-host", metricsHost != nil)]),
        new: http != nil, "--http", replacement: "--http \(metricsHost ?? "127.0.0.1"):\(metricsPort.map(String.init) ?? "PORT")")
      if let metricsHost, !HTTPAddress.isIPv4(metricsHost) {
        throw ValidationError("--metrics-host \(metricsHost): not an IPv4 address; give one such as 127.0.0.1, or 0.0.0.0 for every interface")
      }
    }

    func run() throws {
      Bootstrap.logging(logging.logLevel)
      let stop = Bootstrap.stopSignal()
      Bootstrap.watchParent(parentPid, .stopUrgently(stop))
      let logger = Logger(label: "hpo.coordinator")
      let security = try keys.load(logger: logger)
      // The HTTP endpoint first: a port in use stops the coordinator before it opens the store.
      let http = try startHTTP()
      defer {
        do { try http?.stop() } catch {
          // Read-only connections hold nothing to lose; the coordinator's own store closes apart.
          logger.warning("the dashboard's store connections did not close cleanly", metadata: ["error": "\(error)"])
        }
      }
      do {
        let url = URL(fileURLWithPath: store)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        let experimentStore = try ExperimentStore.open(
          path: store, durability: durability == .full ? .full : .normal, lockWait: .milliseconds(Int(lockWait * 1000))
        ) { holder in
          FileHandleOutput.standardError(
            "store \(store) is locked by \(holder ?? "another process"); waiting up to \(lockWait.formatted()) s for it")
        }
        defer {
          do { try experimentStore.close() } catch {
            // Nothing committed is lost: the WAL left behind is replayed by the next open.
            logger.warning("the store did not close cleanly", metadata: ["store": "\(store)", "error": "\(error)"])
          }
        }
        let control = CoordinatorControl()
        try http?.attach(store: store, control: control)
        let configuration = CoordinatorConfiguration(
          coordinatorID: "\(ProcessInfo.processInfo.hostName)-\(getpid())",
          leaseDuration: .milliseconds(Int(lease * 1000)), heartbeatInterval: .milliseconds(Int(min(1000, lease * 250))),
          maxAttempts: maxAttempts)
        let core = try CoordinatorCore(
          store: experimentStore, configuration: configuration, samplerFactory: Components.samplers,
          schedulerFactory: Components.schedulers, data: Components.dataSource, release: Components.release(logger), logger: logger)
        let context = try ZeroMQContext()
        defer { context.close() }
        let transport = try ZeroMQServerTransport(
          context: context, endpoint: bind, security: security, onEvent: keys.eventLogger(logger))
        defer { transport.close() }
        logger.info("listening", metadata: ["endpoint": "\(transport.endpoint)", "store": "\(store)"])
        keys.announce(endpoint: transport.endpoint, logger: logger)
        FileHandle.standardOutput.write(Data("listening on \(transport.endpoint)\n".utf8))
        let service = CoordinatorService(core: core, transport: transport, drainTimeout: .milliseconds(Int(drainTimeout * 1000)), logger: logger)
        service.control = control
        if let http {
          service.observer = http.exporter
          logger.info("http", metadata: ["dashboard": "http://\(http.server.address)/", "metrics": "http://\(http.server.address)/metrics"])
        }
        try service.run(stop: stop, exitWhenFinished: exitWhenFinished)
      } catch let error as StoreError {
        FileHandleOutput.standardError("error: \(error)")
        if case .newerSchema = error.kind { throw HPOExitCode.badInput }
        throw HPOExitCode.infrastructure
      } catch {
        FileHandleOutput.standardError("error: \(error)")
        throw HPOExitCode.infrastructure
      }
    }
  }
}
