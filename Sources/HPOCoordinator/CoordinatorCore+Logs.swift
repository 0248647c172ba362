import Foundation
import HPOCore
import HPOWire

extension CoordinatorCore {
  /// The most a ``LogReply`` carries: 256 KiB.
  static let logReplyBytes = 256 << 10

  /// Output of a running command trial: appended to its log under
  /// `output.dir/logs/` (see ``TrialLogWriter``). Output of an attempt that
  /// no longer holds the lease is dropped.
  func log(_ l: TrialLog) -> [Outgoing] {
    let current = EvaluationRole(keyNumber: l.key.trial) == nil ? currentLease(l.key) != nil : updateEvaluation(l.key) { _ in }
    guard current, let e = experiments[l.key.experiment] else { return [] }
    logs.append(l, directory: Self.logDirectory(e.spec), logger: logger)
    return []
  }

  /// `hpo logs`: up to ``logReplyBytes`` of a trial's log from `offset`.
  func logReply(_ r: LogRequest) throws -> LogReply {
    func refuse(_ why: String) -> LogReply {
      LogReply(experiment: r.experiment, trial: r.trial, text: "", next: r.offset, finished: true, error: why)
    }
    let running = experiments[r.experiment]
    guard let spec = try running?.spec ?? ended[r.experiment]?.spec ?? store.experiment(named: r.experiment)?.spec else {
      return refuse("no experiment named \(r.experiment)")
    }
    let finished: Bool
    if let role = EvaluationRole(keyNumber: r.trial) {
      // The release's evaluate command: more output may come while the release stage has not ended.
      finished = running.map { releaseStatus(of: $0)?.isFinal ?? true } ?? true
      if !FileManager.default.fileExists(atPath: TrialLogWriter.file(trial: r.trial, in: Self.logDirectory(spec)).path), finished {
        return refuse("\(r.experiment) has no output of the \(role.rawValue)'s evaluate command (it ran none, or it printed nothing)")
      }
    } else if let e = running {
      guard r.trial >= 0, r.trial < e.trials.count else {
        return refuse("\(r.experiment) has no trial \(r.trial) (it has \(e.trials.count))")
      }
      finished = e.trials[r.trial].state.isFinished
    } else {
      finished = true  // not running here: no more output will come
    }
    let url = TrialLogWriter.file(trial: r.trial, in: Self.logDirectory(spec))
    guard FileManager.default.fileExists(atPath: url.path) else {
      if spec.model.kind != .command { return refuse("\(r.experiment) is a \(spec.model.kind.rawValue) experiment; only command trials have logs") }
      return LogReply(experiment: r.experiment, trial: r.trial, text: "", next: 0, finished: finished)
    }
    let handle = try FileHandle(forReadingFrom: url)
    defer { try? handle.close() }  // read-only: closing cannot lose data
    try handle.seek(toOffset: UInt64(max(0, r.offset)))
    let bytes = try handle.read(upToCount: Self.logReplyBytes) ?? Data()
    let size = try handle.seekToEnd()
    let next = max(0, r.offset) + bytes.count
    return LogReply(
      experiment: r.experiment, trial: r.trial, text: String(decoding: bytes, as: UTF8.self), next: next,
      finished: finished && UInt64(next) >= size)
  }

  /// Where the logs of `spec`'s trials are: `output.dir/logs/`.
  static func logDirectory(_ spec: ExperimentSpec) -> URL {
    URL(fileURLWithPath: spec.output.dir).appendingPathComponent("logs")
  }
}
