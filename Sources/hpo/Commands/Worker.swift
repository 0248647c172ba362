import ArgumentParser
import Foundation
import HPOCore
import HPOWorker
import HPOZeroMQ
import Logging

extension HPOCommand {
  /// `hpo worker`: takes trials from a coordinator and runs them.
  struct Worker: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Run a worker: take trials from the coordinator, train, report.",
      discussion: "Reconnects by itself when the coordinator restarts. SIGTERM hands the running trial back at its next epoch and exits.")

    @Option(help: ArgumentHelp("The coordinator's endpoint (tcp://HOST:PORT or ipc://PATH; default: tcp://127.0.0.1:5555).", valueName: "endpoint"))
    var coordinator: String?

    // The previous release's spelling of --coordinator; kept one release because scripts call it.
    @Option(help: .hidden)
    var connect: String?

    @Option(help: "Trials to run at once (one thread each).")
    var slots = 1

    @Option(help: "This worker's name in logs and in the store (default: HOST-PID).")
    var id: String?

    @Option(help: "Folder for data shards fetched from the coordinator.")
    var cache: String?

    @Option(help: "Exit after this many seconds without work (default: never).")
    var idleExit: Double?

    @Flag(inversion: .prefixedNo, help: "Ask for the next trial when one starts, so it starts the moment the running one ends (within the experiment's parallel limit).")
    var leaseAhead = true

    @Flag(help: "Run trials of command experiments (users' own training programs, run as this user). Needs CURVE keys, or an ipc:// endpoint in a folder only you can open.")
    var allowCommands = false

    @Option(help: ArgumentHelp("The address other workers reach this one at, for trials a gang of workers trains together (resources.workers_per_trial) (default: 127.0.0.1 when the coordinator's endpoint is on this machine, else the address of the interface that reaches the coordinator).", valueName: "host"))
    var peerHost: String?

    @Flag(help: "Gang trials whose members all run on this host all-reduce over TCP, not through shared memory (/dev/shm): this worker does not offer it, and a gang is on shared memory only when every member offers it.")
    var noGangSharedMemory = false

    @OptionGroup var keys: ClientKeyOptions

    @Option(help: ArgumentHelp("The PID of the hpo run that started this process, whose standard input is then its lifeline: when that process ends, stop at once (used by hpo run).", visibility: .hidden))
    var parentPid: Int32?

    @OptionGroup var logging: LoggingOptions

    func validate() throws {
      guard slots >= 1 else { throw ValidationError("--slots \(slots) must be at least 1") }
      try DeprecatedFlag.check(connect == nil ? [] : ["--connect"], new: coordinator != nil, "--coordinator")
    }

    func run() throws {
      Bootstrap.logging(logging.logLevel)
      Bootstrap.singleThreadedBLAS()
      let security = try keys.load()
      let endpoint = coordinator ?? connect ?? "tcp://127.0.0.1:5555"
      if allowCommands, let problem = CommandSafety.problem(endpoint: endpoint, secured: security != nil) {
        FileHandleOutput.standardError("error: \(problem)")
        throw HPOExitCode.badInput
      }
      let stop = Bootstrap.stopSignal()
      Bootstrap.watchParent(parentPid, .exit)
      let context: ZeroMQContext
      do { context = try ZeroMQContext() } catch {
        FileHandleOutput.standardError("error: \(error)")
        throw HPOExitCode.infrastructure
      }
      defer { context.close() }
      let cacheURL = URL(fileURLWithPath: cache ?? FileManager.default.temporaryDirectory.appendingPathComponent("hpo-shards").path)
      let options = WorkerService.Options(
        endpoint: endpoint, workerID: id ?? "\(ProcessInfo.processInfo.hostName)-\(getpid())", slots: slots,
        cacheDirectory: cacheURL, idleExit: idleExit.map { .milliseconds(Int($0 * 1000)) }, leaseAhead: leaseAhead,
        runsCommands: allowCommands)
      let logger = Logger(label: "hpo.worker")
      let advice = keys.advice(endpoint: endpoint, security: security)
      let throttle = LogThrottle()
      let commands = allowCommands
        ? CommandRunner(root: cacheURL.appendingPathComponent("commands"), guardExecutable: CommandLaunch.runningExecutable, logger: logger)
        : nil
      let peers = GangPeers(
        transport: ZeroMQPeerTransport(context: context, keyPair: security?.keyPair),
        host: peerHost ?? Self.defaultPeerHost(endpoint: endpoint), sharedMemory: !noGangSharedMemory)
      let service = WorkerService(options: options, runner: Components.Runner(command: commands), peers: peers, logger: logger) {
        // Every connection (one per slot, one for heartbeats) watches its handshakes.
        // A refusal is logged at once; a dropped handshake only when it happens
        // three times in a row (a wrong server key), not once (a coordinator
        // restarting). Repeats are logged at most every 10 s.
        var dropped = 0
        return try ZeroMQClientTransport(context: context, endpoint: endpoint, security: security) { event in
          if event.kind == .handshakeSucceeded { dropped = 0 }
          guard event.kind.isHandshakeFailure else { return }
          if event.kind == .handshakeFailedNoDetail {
            dropped += 1
            guard dropped >= 3 else { return }
          }
          let message = advice.message(for: event)
          guard let left = throttle.admit(message) else { return }
          logger.error("\(message)", metadata: left > 0 ? ["repeated": "\(left + 1)"] : [:])
        }
      }
      do {
        try service.run(stop: stop)
      } catch {
        FileHandleOutput.standardError("error: \(error)")
        throw HPOExitCode.infrastructure
      }
    }

    /// Where gang peers reach this worker by default: loopback when the
    /// coordinator is reached on loopback or over ipc:// (all on this
    /// machine), else the address of the interface that reaches the
    /// coordinator, else the host's name.
    static func defaultPeerHost(endpoint: String) -> String {
      let local = endpoint.hasPrefix("ipc://") || endpoint.hasPrefix("tcp://127.") || endpoint.hasPrefix("tcp://localhost:")
        || endpoint.hasPrefix("tcp://[::1]")
      if local { return "127.0.0.1" }
      return GangPeers.localAddress(reaching: endpoint) ?? ProcessInfo.processInfo.hostName
    }
  }
}
