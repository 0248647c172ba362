import Foundation
import HPOCore
import HPOData

#if canImport(Glibc)
import Glibc
#endif

/// Runs a command of a released command experiment's package (`command.json`'s
/// `predict`, or `evaluate` for a champion) on this machine, the way its
/// trials ran: the same engine (``CommandProcess``: a process group of its
/// own under `hpo command-guard`, the timeout, the report socket on fd 3) and
/// the same kind of environment.
///
/// ``prepare(command:code:checkpoint:temporaryDirectory:guardExecutable:)``
/// makes a fresh private folder (mode 0700, ``folder``) holding
/// - `code/`: `code.bundle` unpacked (files read-only);
/// - `checkpoint/`: `checkpoint.bundle` unpacked (read-only), `HPO_CHECKPOINT_DIR`;
/// - `run/`: the working directory, with links to the code's top-level files
///   and folders (as a trial's directory has);
/// - `params.json` (`HPO_PARAMS_FILE`) and the Python client (`hpo_client`).
///
/// Each ``run(_:adding:stop:output:)`` gives the command this process's
/// environment without hpo's protocol variables (``protocolVariables``), then `HPO_PARAMS` (the winner's
/// configuration, JSON with sorted keys), `HPO_PARAMS_FILE`, `HPO_SEED`,
/// `HPO_EXPERIMENT`, `HPO_TRIAL` (the winner's), `HPO_CHECKPOINT_DIR`,
/// `HPO_REPORT_FD`, `PYTHONPATH` (the client's folder first),
/// `PYTHONUNBUFFERED=1` unless set, `command.json`'s `env`, and last what the
/// caller adds (`HPO_DATA`/`HPO_OUTPUT` for predict, `HPO_TEST` for evaluate).
/// Reports are answered "continue"; the result carries the `final` metrics,
/// else the last report's (``CommandResult/metrics``). ``remove()`` deletes
/// the folder.
public struct PackageCommandRun: Sendable {
  /// The package's `command.json`.
  public let command: PackagedCommand
  /// The run's private folder (see the type's documentation).
  public let folder: String
  /// The `hpo` executable run as the command's guard; nil: no guard (tests only).
  public let guardExecutable: String?
  /// The Python client's folder, first on `PYTHONPATH`.
  let client: String

  /// The unpacked `code.bundle`.
  public var codeDirectory: String { folder + "/code" }
  /// The unpacked `checkpoint.bundle`: the command's `HPO_CHECKPOINT_DIR`.
  public var checkpointDirectory: String { folder + "/checkpoint" }
  /// The command's working directory.
  public var runDirectory: String { folder + "/run" }
  /// The configuration as JSON: the command's `HPO_PARAMS_FILE`.
  public var paramsFile: String { folder + "/params.json" }

  /// Makes the run's folder in `temporaryDirectory` (see the type's documentation).
  /// - Throws: ``PackageCommandError`` naming what could not be written; nothing is left behind.
  public static func prepare(
    command: PackagedCommand, code: FileBundle, checkpoint: FileBundle,
    temporaryDirectory: String = FileManager.default.temporaryDirectory.path, guardExecutable: String?
  ) throws(PackageCommandError) -> PackageCommandRun {
    var template = Array((temporaryDirectory + "/hpo-package-XXXXXX").utf8CString)
    guard let made = mkdtemp(&template) else {
      throw PackageCommandError("cannot create a private folder in \(temporaryDirectory): \(String(cString: strerror(errno)))")
    }
    let folder = String(cString: made)
    do {
      let client = try populate(folder, command: command, code: code, checkpoint: checkpoint)
      return PackageCommandRun(command: command, folder: folder, guardExecutable: guardExecutable, client: client)
    } catch {
      // The folder is ours and half made; failing to remove it must not hide why it failed.
      try? FileManager.default.removeItem(atPath: folder)
      throw error
    }
  }

  /// Fills the fresh `folder`; returns the Python client's folder.
  private static func populate(
    _ folder: String, command: PackagedCommand, code: FileBundle, checkpoint: FileBundle
  ) throws(PackageCommandError) -> String {
    do {
      try code.unpack(into: folder + "/code")
      try checkpoint.unpack(into: folder + "/checkpoint")
    } catch {
      throw PackageCommandError("cannot unpack the package's files into \(folder): \(error.message)")
    }
    let run = folder + "/run"
    let topLevel = Set(code.entries.map { String($0.path.split(separator: "/", maxSplits: 1)[0]) })
    do {
      try FileManager.default.createDirectory(atPath: run, withIntermediateDirectories: false)
      for name in topLevel.sorted() {
        try FileManager.default.createSymbolicLink(atPath: run + "/" + name, withDestinationPath: folder + "/code/" + name)
      }
    } catch {
      throw PackageCommandError("cannot make the working directory \(run): \(error.localizedDescription)")
    }
    do {
      try AtomicFile.write(Array(paramsJSON(command.configuration).utf8), to: folder + "/params.json", mode: 0o444)
      return try HPOClientPython.install(in: folder + "/client")
    } catch {
      throw PackageCommandError("cannot write the command's inputs into \(folder): \(error.reason)")
    }
  }

  /// `configuration` as one JSON object with sorted keys, as trials get it.
  static func paramsJSON(_ configuration: Configuration) -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    // A configuration holds only finite numbers, strings and booleans: it always encodes.
    guard let data = try? encoder.encode(configuration) else { return "{}" }
    return String(decoding: data, as: UTF8.self)
  }

  /// The environment of a command run with `extra` added (see the type's documentation).
  public func environment(adding extra: [String: String]) -> [String: String] {
    // hpo's own protocol variables from an outer hpo (a predict run inside a trial) must not leak in;
    // others the user set (HPO_SKLEARN_VENV in an example) pass through, as on a worker.
    var environment = ProcessInfo.processInfo.environment.filter { !Self.protocolVariables.contains($0.key) }
    environment["HPO_PARAMS"] = Self.paramsJSON(command.configuration)
    environment["HPO_PARAMS_FILE"] = paramsFile
    environment["HPO_SEED"] = String(command.seed)
    environment["HPO_EXPERIMENT"] = command.experiment
    environment["HPO_TRIAL"] = String(command.trial)
    environment["HPO_CHECKPOINT_DIR"] = checkpointDirectory
    environment["HPO_REPORT_FD"] = String(CommandLaunch.reportDescriptor)
    environment["PYTHONPATH"] = [client, environment["PYTHONPATH"]].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: ":")
    environment["PYTHONUNBUFFERED"] = environment["PYTHONUNBUFFERED"] ?? "1"
    for (name, value) in command.env { environment[name] = value }
    for (name, value) in extra { environment[name] = value }
    return environment
  }

  /// Runs `arguments` (one of ``command``'s commands) in ``runDirectory`` to
  /// its end, with `command.json`'s timeout.
  /// - Parameters:
  ///   - extra: Variables added last (`HPO_DATA`, `HPO_OUTPUT`, `HPO_TEST`).
  ///   - stop: When raised, the command is ended (outcome `.cancelled`).
  ///   - output: The command's standard output (without protocol lines) and
  ///     standard error as they arrive; by default both go to this process's
  ///     standard error, so its standard output stays free for results.
  /// - Throws: ``PackageCommandError`` when the command cannot be started
  ///   ("not found: …") or cannot be killed. A command that runs and fails is
  ///   a result: see ``failure(of:)``.
  public func run(
    _ arguments: [String], adding extra: [String: String], stop: StopSignal? = nil,
    output: @escaping (CommandStream, ArraySlice<UInt8>) -> Void = Self.toStandardError
  ) throws(PackageCommandError) -> CommandResult {
    let launch = CommandLaunch(
      arguments: arguments, environment: environment(adding: extra), workingDirectory: runDirectory,
      timeout: command.timeoutSeconds.map { .milliseconds(Int64(($0 * 1000).rounded(.up))) },
      guardExecutable: guardExecutable)
    do {
      return try CommandProcess(launch).run(stop: stop, decide: { _, _ in true }, output: output)
    } catch let error as CommandError {
      throw PackageCommandError("\(error)")
    } catch {
      // `decide` above never throws, and `run` throws only CommandError besides.
      throw PackageCommandError("\(error)")
    }
  }

  /// Why a run failed, in words, or nil when it exited 0: "exit status 1:
  /// <the last line of standard error>", "signal 9 (SIGKILL)", "timed out
  /// after 5.0 s (timeout_seconds in command.json)", "stopped: SIGINT".
  public static func failure(of result: CommandResult) -> String? {
    let last = CommandRunner.lastLine(result.standardErrorTail).map { ": \($0)" } ?? ""
    switch result.outcome {
    case .finished: return nil
    case .timedOut(let after): return "timed out after \(after.seconds) s (timeout_seconds in \(PackagedCommand.fileName))\(last)"
    case .cancelled(let reason): return "stopped: \(reason)"
    case .infeasible(let reason): return "\(result.termination): \(reason)"
    case .retry, .failed, .pruned: return "\(result.termination)\(last)"
    }
  }

  /// Deletes ``folder`` and everything in it.
  /// - Throws: ``PackageCommandError`` naming the folder when it cannot be removed.
  public func remove() throws(PackageCommandError) {
    do { try FileManager.default.removeItem(atPath: folder) } catch {
      throw PackageCommandError("cannot remove the temporary folder \(folder): \(error.localizedDescription)")
    }
  }

  /// Writes both of a command's streams to this process's standard error.
  public static func toStandardError(_ stream: CommandStream, _ bytes: ArraySlice<UInt8>) {
    bytes.withUnsafeBytes { buffer in
      guard let base = buffer.baseAddress else { return }
      var offset = 0
      while offset < buffer.count {
        let n = write(STDERR_FILENO, base + offset, buffer.count - offset)
        if n < 0 && errno == EINTR { continue }
        // A closed or broken standard error loses the command's log, not its result.
        if n <= 0 { return }
        offset += n
      }
    }
  }

  /// The variables hpo gives commands (the README's tables): never inherited from hpo's own environment.
  /// Every other variable of the caller's environment (an `HPO_BIN` of the user's, say) passes through.
  public static let protocolVariables: Set<String> = [
    "HPO_PARAMS", "HPO_PARAMS_FILE", "HPO_TRIAL", "HPO_ATTEMPT", "HPO_EXPERIMENT", "HPO_SEED", "HPO_EPOCHS",
    "HPO_TRAIN", "HPO_VALIDATION", "HPO_TEST", "HPO_CHECKPOINT_DIR", "HPO_RESUME_DIR", "HPO_TRIAL_DIR",
    "HPO_REPORT_FD", "HPO_SLOTS", "HPO_EVALUATING", "HPO_DATA", "HPO_OUTPUT",
  ]
}

/// Why a package's command could not be prepared, started or cleaned up after.
public struct PackageCommandError: Error, Sendable, Equatable, CustomStringConvertible {
  public var message: String

  public init(_ message: String) { self.message = message }

  public var description: String { message }
}
