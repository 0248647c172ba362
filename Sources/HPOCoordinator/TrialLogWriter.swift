import Foundation
import HPOCore
import HPOWire
import Logging

/// Appends the output of command trials to `output.dir/logs/trial-<N>.log`
/// (standard output and standard error interleaved as they arrive), at most
/// ``capBytes`` per trial: past it one note says how much was dropped and the
/// rest is counted, not written. A later attempt of a trial appends below a
/// line naming it. Used on the coordinator's thread only.
final class TrialLogWriter {
  /// Bytes kept per trial (all attempts together): 4 MiB.
  static let capBytes = 4 << 20

  private struct State {
    var written = 0
    var attempt = 0
    var noted = false
  }

  private var states: [String: State] = [:]

  /// The log file of `trial` in `directory`; for the key number of a
  /// release stage's `evaluate` command, `evaluate-<role>.log`.
  static func file(trial: Int, in directory: URL) -> URL {
    if let role = EvaluationRole(keyNumber: trial) { return directory.appendingPathComponent("evaluate-\(role.rawValue).log") }
    return directory.appendingPathComponent("trial-\(trial).log")
  }

  func append(_ l: TrialLog, directory: URL, logger: Logger) {
    let id = "\(l.key.experiment)#\(l.key.trial)"
    let url = Self.file(trial: l.key.trial, in: directory)
    var state = states[id] ?? State(written: Self.existingSize(url), attempt: 0, noted: false)
    var text = ""
    if state.attempt != l.key.attempt {
      if state.written > 0 || l.key.attempt > 1 { text += "\n== hpo: attempt \(l.key.attempt) ==\n" }
      state.attempt = l.key.attempt
    }
    if l.dropped > 0 { text += "\n[hpo: the worker dropped \(l.dropped) bytes of \(l.stream.rawValue) here]\n" }
    text += l.text
    var bytes = Array(text.utf8)
    let room = Self.capBytes - state.written
    if bytes.count > room {
      bytes = Array(bytes.prefix(max(0, room)))
      if !state.noted {
        bytes += Array("\n[hpo: log cut at \(Self.capBytes >> 20) MiB; later output of this trial is not kept]\n".utf8)
        state.noted = true
      }
    }
    states[id] = state
    guard !bytes.isEmpty else { return }
    do {
      try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
      if !FileManager.default.fileExists(atPath: url.path) {
        guard FileManager.default.createFile(atPath: url.path, contents: nil) else {
          throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: url.path])
        }
      }
      let handle = try FileHandle(forWritingTo: url)
      defer { try? handle.close() }  // a close error after a completed write loses nothing
      try handle.seekToEnd()
      try handle.write(contentsOf: bytes)
      states[id]?.written += bytes.count
    } catch {
      // A log is for people: the trial goes on without it, and the warning says where it failed.
      logger.warning("cannot append to a trial's log", metadata: ["path": "\(url.path)", "error": "\(error)"])
    }
  }

  /// Forgets the trials of `experiment` (it ended and its runtime was dropped).
  func forget(experiment: String) {
    states = states.filter { !$0.key.hasPrefix("\(experiment)#") }
  }

  private static func existingSize(_ url: URL) -> Int {
    // No file yet (the common case) is size 0.
    ((try? FileManager.default.attributesOfItem(atPath: url.path))?[.size] as? Int) ?? 0
  }
}
