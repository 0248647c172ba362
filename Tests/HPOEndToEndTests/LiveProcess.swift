import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A running `hpo` process whose output is collected while it runs, so a
/// test can wait for a line, signal it, and read what it printed.
final class LiveProcess: @unchecked Sendable {
  // @unchecked: `out` and `err` are only touched under `lock`.
  let process = Process()
  private let lock = NSLock()
  private var out = Data()
  private var err = Data()

  init(_ arguments: [String], in directory: URL = HPOProcess.repository) throws {
    process.executableURL = HPOProcess.executable
    process.arguments = arguments
    process.currentDirectoryURL = directory
    process.standardInput = FileHandle.nullDevice
    let o = Pipe(), e = Pipe()
    process.standardOutput = o
    process.standardError = e
    o.fileHandleForReading.readabilityHandler = { [weak self] h in
      let d = h.availableData
      guard let self, !d.isEmpty else { return }
      self.lock.lock(); self.out.append(d); self.lock.unlock()
    }
    e.fileHandleForReading.readabilityHandler = { [weak self] h in
      let d = h.availableData
      guard let self, !d.isEmpty else { return }
      self.lock.lock(); self.err.append(d); self.lock.unlock()
    }
    try process.run()
  }

  var standardOutput: String { lock.lock(); defer { lock.unlock() }; return String(decoding: out, as: UTF8.self) }
  var standardError: String { lock.lock(); defer { lock.unlock() }; return String(decoding: err, as: UTF8.self) }

  /// Waits until `condition` holds on the output so far; false after `timeout`.
  func waitFor(timeout: TimeInterval = 30, _ condition: (String, String) -> Bool) -> Bool {
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
      if condition(standardOutput, standardError) { return true }
      Thread.sleep(forTimeInterval: 0.05)
    }
    return false
  }

  /// Waits for exit; nil after `timeout`.
  func waitForExit(timeout: TimeInterval = 60) -> Int32? {
    let deadline = Date().addingTimeInterval(timeout)
    while process.isRunning, Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
    return process.isRunning ? nil : process.terminationStatus
  }

  func signal(_ sig: Int32) { kill(process.processIdentifier, sig) }

  /// The process's peak resident memory so far (`VmHWM` in /proc), in kB; nil once it has exited.
  var peakResidentKilobytes: Int? {
    guard let status = try? String(contentsOfFile: "/proc/\(process.processIdentifier)/status", encoding: .utf8) else { return nil }
    return status.split(separator: "\n").first { $0.hasPrefix("VmHWM:") }
      .flatMap { Int($0.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") }
  }

  /// Kills the process if a test left it running.
  func stop() {
    if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    _ = waitForExit(timeout: 5)
  }

  deinit { stop() }
}

/// A coordinator on a free loopback port with its own store, for one test.
final class TestCoordinator {
  let directory: URL
  let store: String
  private(set) var process: LiveProcess
  private(set) var endpoint: String

  init(lease: Double = 2, extra: [String] = []) throws {
    directory = try HPOProcess.temporaryDirectory()
    store = directory.appendingPathComponent("store.sqlite").path
    (process, endpoint) = try Self.start(bind: "tcp://127.0.0.1:*", store: store, lease: lease, extra: extra)
  }

  private static func start(bind: String, store: String, lease: Double, extra: [String]) throws -> (LiveProcess, String) {
    let p = try LiveProcess(["coordinator", "--bind", bind, "--store", store, "--lease", String(lease), "--log-level", "info"] + extra)
    guard p.waitFor(timeout: 30, { out, _ in out.contains("listening on ") }) else {
      throw NSError(domain: "hpo", code: 1, userInfo: [NSLocalizedDescriptionKey: "coordinator did not start: \(p.standardError)"])
    }
    let line = p.standardOutput.split(separator: "\n").first { $0.hasPrefix("listening on ") }!
    return (p, String(line.dropFirst("listening on ".count)))
  }

  /// Starts a new coordinator on the same endpoint and store (after a crash).
  func restart(lease: Double = 2) throws {
    process.stop()
    (process, endpoint) = try Self.start(bind: endpoint, store: store, lease: lease, extra: [])
  }

  func worker(_ id: String, extra: [String] = []) throws -> LiveProcess {
    try LiveProcess(["worker", "--coordinator", endpoint, "--id", id, "--log-level", "info",
                     "--cache", directory.appendingPathComponent("cache-\(id)").path] + extra)
  }

  /// `hpo ARGS --coordinator ENDPOINT`, run to completion.
  func run(_ arguments: [String]) throws -> HPOProcess.Result {
    try HPOProcess.run(arguments + ["--coordinator", endpoint], in: directory)
  }

  /// The trials as `hpo trials --format json` prints them.
  func trials(_ experiment: String) throws -> [[String: Any]] {
    let r = try run(["trials", experiment, "--format", "json"])
    return r.standardOutput.split(separator: "\n").compactMap {
      try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
    }
  }

  /// Writes an experiment file into the test folder and returns its path.
  func experiment(_ name: String, _ json: String) throws -> String {
    let path = directory.appendingPathComponent("\(name).json").path
    try json.write(toFile: path, atomically: true, encoding: .utf8)
    return path
  }

  /// Polls until `experiment`'s trials satisfy `condition`.
  func waitForTrials(_ experiment: String, timeout: TimeInterval = 60, _ condition: ([[String: Any]]) -> Bool) throws -> Bool {
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
      if condition(try trials(experiment)) { return true }
      Thread.sleep(forTimeInterval: 0.2)
    }
    return false
  }

  deinit { process.stop() }
}

/// A `sleep`-function experiment: each trial takes `seconds` and is worth its trial number.
func sleepExperiment(_ name: String, trials: Int, parallel: Int, seconds: Double, epochs: Int? = nil) -> String {
  """
  {"name": "\(name)", "model": {"kind": "function", "function": "sleep"\(epochs.map { ", \"epochs\": \($0)" } ?? "")},
   "space": {"seconds": \(seconds), "x": {"type": "float", "low": 0, "high": 1}},
   "objective": {"metric": "value"}, "search": {"strategy": "random", "trials": \(trials), "parallel": \(parallel), "seed": 5},
   "output": {"dir": "out/\(name)", "keep_top": 0}}
  """
}
