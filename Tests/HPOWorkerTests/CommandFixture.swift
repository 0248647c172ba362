import Foundation
import HPOCore
import HPOTestSupport
import HPOWorker
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A temporary folder to run commands in, with scripts written into it, and
/// launches that run them through the built `hpo` as their guard.
struct CommandFixture {
  let dir: TempDir

  init() throws { dir = try TempDir() }

  /// The built `hpo`, the guard of every launch.
  static func guardExecutable() throws -> String {
    try #require(BuiltExecutable.url("hpo"), "build hpo first (swift build --build-tests); looked in \(BuiltExecutable.searched)").path
  }

  /// Writes an executable script `name` holding `text`; returns its path.
  @discardableResult
  func script(_ name: String, _ text: String) throws -> String {
    let path = dir.path(name)
    try text.write(toFile: path, atomically: true, encoding: .utf8)
    guard chmod(path, 0o755) == 0 else { throw PythonFailure(message: "chmod \(path) failed") }
    return path
  }

  /// A launch of `arguments` in the folder, with PATH (and `extra`) as its environment.
  func launch(
    _ arguments: [String], extra: [String: String] = [:], timeout: Duration? = nil,
    stopGrace: Duration = .seconds(10), killGrace: Duration = .seconds(2), guarded: Bool = true
  ) throws -> CommandLaunch {
    var environment = ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"]
    environment.merge(extra) { _, new in new }
    return CommandLaunch(
      arguments: arguments, environment: environment, workingDirectory: dir.url.path, timeout: timeout,
      stopGrace: stopGrace, killGrace: killGrace, guardExecutable: guarded ? try Self.guardExecutable() : nil)
  }

  /// The process ids a script wrote to `name`, one per line.
  func pids(_ name: String) throws -> [Int32] {
    try String(contentsOfFile: dir.path(name), encoding: .utf8).split(separator: "\n").compactMap { Int32($0) }
  }
}

/// What a run handed to its handlers.
final class CommandRecorder {
  var standardOutput: [UInt8] = []
  var standardOutputBytes = 0
  var standardErrorBytes = 0
  var malformed: [CommandMalformedLine] = []
  var decided: [(Int, [String: Double])] = []
  /// Keeps standard output only while it is small (the flood test counts bytes only).
  var keepOutputUpTo = 1 << 20

  /// Handlers that record, answering each report with `decide(epoch)`.
  func handlers(_ decide: @escaping (Int) throws -> Bool = { _ in true }) -> CommandHandlers {
    CommandHandlers(
      decide: { epoch, metrics in
        self.decided.append((epoch, metrics))
        return try decide(epoch)
      },
      output: { stream, bytes in
        switch stream {
        case .standardOutput:
          self.standardOutputBytes += bytes.count
          if self.standardOutput.count < self.keepOutputUpTo { self.standardOutput += bytes }
        case .standardError:
          self.standardErrorBytes += bytes.count
        }
      },
      malformed: { self.malformed.append($0) })
  }

  var standardOutputText: String { String(decoding: standardOutput, as: UTF8.self) }
}

/// Whether process `pid` still runs (a zombie or a missing process does not).
func isRunning(_ pid: Int32) -> Bool {
  guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else {
    return false  // no /proc entry: the process is gone
  }
  // "pid (comm) S ...": the state follows the last ')'.
  guard let close = stat.lastIndex(of: ")") else { return false }
  let state = stat[stat.index(after: close)...].drop { $0 == " " }.first
  return state != "Z" && state != "X"
}

/// Waits up to `limit` for every process in `pids` to be gone; returns those still running.
func waitUntilGone(_ pids: [Int32], limit: Duration = .seconds(1)) -> [Int32] {
  let deadline = ContinuousClock.now + limit
  while true {
    let running = pids.filter(isRunning)
    if running.isEmpty || ContinuousClock.now >= deadline { return running }
    Thread.sleep(forTimeInterval: 0.01)
  }
}
