import ArgumentParser
import Foundation
import HPOClient
import HPOCore
import HPORelease
import HPOSupervisor
import HPOWire

#if canImport(Glibc)
import Glibc
#endif

extension HPOCommand {
  /// `hpo run EXPERIMENT.json --workers N`: a coordinator, N workers and the
  /// submission in one command — the train stage of a pipeline.
  struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Run an experiment end to end on this machine: coordinator, workers and submission in one command.",
      discussion: """
        The coordinator and the workers are child processes of this command (each worker with one BLAS \
        thread). The store is OUTPUT_DIR/store.sqlite, so an interrupted run continues with --resume. \
        After the last trial the winner is evaluated on the held-out test split, the release gates \
        decide, and it is packaged in OUTPUT_DIR/package (OUTPUT_DIR/rejected when a gate fails), with \
        report.md, junit.xml and result.json in OUTPUT_DIR. \
        Exit codes: 0 passed every gate and packaged, 1 a release gate failed, 2 bad input, \
        3 infrastructure failure.
        """)

    @Argument(help: "The experiment file (JSON).")
    var experiment: String

    @Option(help: "Worker processes to start.")
    var workers = 2

    @Flag(help: "Continue the experiment from its store instead of refusing an existing one.")
    var resume = false

    @Flag(help: "Promote a winner that passed every gate into the registry (validation.champion's entry, or --registry).")
    var promote = false

    @Option(help: "With --promote: the registry directory (the entry is REGISTRY/<experiment name>).")
    var registry: String?

    @Option(help: ArgumentHelp(
      "Have the coordinator serve the web dashboard at http://HOST:PORT/ and Prometheus metrics at http://HOST:PORT/metrics: an IPv4 address (0.0.0.0 for every interface) and a port (0: any free port; the addresses are printed). Beyond 127.0.0.0/8 the dashboard needs --http-token-file; without it only /metrics is served.",
      valueName: "host:port"))
    var http: String?

    @Option(help: ArgumentHelp(
      "With --http: a file holding a bearer token (at least 16 characters) the dashboard's API requests must send.",
      valueName: "file"))
    var httpTokenFile: String?

    @Flag(help: "Gang trials (resources.workers_per_trial) all-reduce over TCP on 127.0.0.1 between this run's workers, not through shared memory.")
    var noGangSharedMemory = false

    @Option(help: "Log level of the coordinator and workers: trace, debug, info, notice, warning, error or critical.")
    var logLevel: LogLevelArgument = .warning

    func validate() throws {
      guard workers >= 1 else { throw ValidationError("--workers \(workers) must be at least 1") }
      if let http { _ = try HTTPAddress.parse(http) }
      if let httpTokenFile, http == nil {
        throw ValidationError("--http-token-file \(httpTokenFile) is only used with --http; give --http HOST:PORT too")
      }
    }

    func run() throws {
      let loaded = try loadExperiment(experiment)
      let promotionEntry = try promotionEntry(loaded)
      let output = loaded.outputURL
      do { try FileManager.default.createDirectory(at: output, withIntermediateDirectories: true) } catch {
        FileHandleOutput.standardError("error: cannot create the output folder \(output.path): \(error)")
        throw HPOExitCode.infrastructure
      }
      // The socket lives in a folder only this user can open: no other user can
      // submit to this run's coordinator, so its workers may run commands.
      let socketFolder: URL
      do { socketFolder = try CommandSafety.privateFolder(prefix: "hpo-run") } catch {
        FileHandleOutput.standardError("error: \(error.localizedDescription)")
        throw HPOExitCode.infrastructure
      }
      defer {
        // The folder holds only the socket of a coordinator that has stopped: a leftover in the temporary folder is harmless.
        try? FileManager.default.removeItem(at: socketFolder)
      }
      let endpoint = "ipc://\(socketFolder.path)/coordinator.ipc"
      let stop = Bootstrap.stopSignal()
      let supervisor = try startProcesses(
        endpoint: endpoint, store: output.appendingPathComponent("store.sqlite").path,
        allowCommands: loaded.spec.model.kind == .command)
      defer { supervisor.stopAll(grace: .seconds(10)) }
      let client = try connect(ConnectionOptions.local(endpoint))
      let reply = try ask { try client.submit(loaded.spec, baseDirectory: loaded.baseDirectory.path, resume: resume) }
      guard reply.accepted else {
        FileHandleOutput.standardError("error: \(reply.message)")
        throw HPOExitCode.badInput
      }
      FileHandleOutput.standardError(reply.message)
      var follower = ProgressFollower(client: client, experiment: loaded.spec.name)
      follower.abortReason = {
        if stop.isRaised { return "interrupted by \(stop.why); run again with --resume to continue" }
        if let failure = supervisor.failure { return "\(failure); run again with --resume to continue" }
        return nil
      }
      let release = try follower.follow()
      let code = ProgressFollower.exitCode(for: release)
      guard code == .success else { throw code }
      if let entry = promotionEntry {
        guard let r = release, r.state == .passed, let package = r.package else {
          FileHandleOutput.standardError("error: --promote: nothing to promote (the release stage \(release?.state.rawValue ?? "did not run"))")
          throw HPOExitCode.infrastructure
        }
        let (registry, name) = Registry.entry(entry)
        do {
          let version = try registry.promote(package: package, as: name)
          print("promoted \(package) to \(entry) as version \(version)")
        } catch {
          FileHandleOutput.standardError("error: --promote: \(error)")
          throw HPOExitCode.infrastructure
        }
      }
    }

    /// The coordinator (once it listens) and the workers, as supervised children
    /// of this process: a worker that exits is restarted with backoff (its id
    /// stays, so the coordinator requeues its trial when it says hello again);
    /// the coordinator's exit, or a worker exceeding the restart budget, is the
    /// run's failure. Exit 3 when they cannot be started.
    private func startProcesses(endpoint: String, store: String, allowCommands: Bool) throws -> Supervisor {
      if case .failure(let error) = ChildSubreaper.enable() {
        FileHandleOutput.standardError("warning: \(error)")
      }
      var environment = ProcessInfo.processInfo.environment
      environment["OPENBLAS_NUM_THREADS"] = environment["OPENBLAS_NUM_THREADS"] ?? "1"
      let level = logLevel.rawValue
      let parent = ["--log-level", level, "--parent-pid", String(getpid())]
      do {
        let supervisor = try Supervisor(
          executable: URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath(), environment: environment
        ) { event in
          switch event {
          case .started(_, _, 0): return  // the first starts are not news
          default: FileHandleOutput.standardError("hpo run: \(event)")
          }
        }
        ChildSubreaper.reapPeriodically(for: supervisor)
        do {
          // The coordinator waits a while for the store's lock (a killed run's coordinator may
          // still be closing it) and says so; the workers start once it listens.
          let http = (http.map { ["--http", $0] } ?? []) + (httpTokenFile.map { ["--http-token-file", $0] } ?? [])
          let lines = try supervisor.startAndWaitForLines(
            .init(name: "coordinator", arguments: ["coordinator", "--bind", endpoint, "--store", store, "--lock-wait", "10"]
                    + parent + http, restartable: false, stopsLast: true),
            prefix: "listening on", timeout: .seconds(60))
          // Where the coordinator serves the dashboard and metrics (the port it picked for port 0).
          for line in lines where line.hasPrefix("dashboard on ") || line.hasPrefix("metrics on ") {
            FileHandle.standardOutput.write(Data((line + "\n").utf8))
          }
          for k in 0..<workers {
            try supervisor.start(.init(name: "worker \(k)", arguments: ["worker", "--coordinator", endpoint, "--id", "local-\(k)"]
                                         + (allowCommands ? ["--allow-commands"] : [])
                                         + (noGangSharedMemory ? ["--no-gang-shared-memory"] : []) + parent,
                                       restartable: true))
          }
        } catch {
          supervisor.stopAll(grace: .seconds(10))
          throw error
        }
        return supervisor
      } catch {
        FileHandleOutput.standardError("error: cannot start the local processes: \(error)")
        // A coordinator that refused its input (a store of a newer hpo) passes its exit 2 on.
        if case SupervisorError.exitedBeforeReady(_, _, .exited(status: 2)) = error { throw HPOExitCode.badInput }
        throw HPOExitCode.infrastructure
      }
    }

    /// The registry entry `--promote` writes to: `--registry DIR` + the experiment's
    /// name, else `validation.champion`; exit 2 when `--promote` has neither.
    private func promotionEntry(_ loaded: LoadedExperiment) throws -> String? {
      if let registry {
        guard promote else {
          FileHandleOutput.standardError("error: --registry \(registry) is only used with --promote")
          throw HPOExitCode.badInput
        }
        return URL(fileURLWithPath: registry).appendingPathComponent(loaded.spec.name).standardizedFileURL.path
      }
      guard promote else { return nil }
      guard let champion = loaded.spec.validation?.champion else {
        FileHandleOutput.standardError("error: --promote needs a registry: give --registry DIR, or set validation.champion in \(experiment)")
        throw HPOExitCode.badInput
      }
      return champion.hasPrefix("/") ? champion : loaded.baseDirectory.appendingPathComponent(champion).standardizedFileURL.path
    }
  }
}

extension ConnectionOptions {
  /// Options for a coordinator this process started itself.
  static func local(_ endpoint: String) -> ConnectionOptions {
    var o = ConnectionOptions()
    o.endpoint = endpoint
    o.timeout = 30
    o.keys = .none
    return o
  }
}
