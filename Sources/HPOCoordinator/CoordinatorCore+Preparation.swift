import Foundation
import HPOCore
import HPOStore

extension CoordinatorCore {
  /// Starts preparing the data of `e` (state `preparing`) on a
  /// ``BackgroundJob``: the dispatch loop keeps serving every other
  /// experiment's workers meanwhile; ``advancePreparations(now:)`` takes the
  /// result. The state change is recorded (committed by the next flush).
  func startPreparation(_ e: ExperimentRuntime, now: CoordinatorTime) {
    guard let data else { return }
    let spec = e.spec
    e.state = .preparing
    record(.setExperimentState(experiment: e.name, .preparing), at: now.wall)
    logger.info("preparing data", metadata: ["experiment": "\(e.name)", "data": "\(spec.data?.path ?? "-")"])
    preparations[e.name] = BackgroundJob(name: "prepare \(e.name)") { try data.prepare(spec) }
  }

  /// Takes the results of preparations that ended: the shards (and, the first
  /// time, the data's fingerprint) and the state `queued`; or the experiment
  /// fails with the reason: data that cannot be used (naming file and line),
  /// or a data file that is not the one it started with.
  func advancePreparations(now: CoordinatorTime) throws {
    for (name, job) in preparations.sorted(by: { $0.key < $1.key }) {
      guard let result = job.result else { continue }
      preparations[name] = nil
      guard let e = experiments[name], e.state == .preparing else { continue }  // cancelled meanwhile
      switch result {
      case .failure(let error):
        let what = e.spec.model.kind == .command ? (e.spec.data == nil ? "the code" : "the code or data") : "the data"
        fail(e, ExperimentFailure(cause: .data, message: "\(what) of \(name) cannot be used: \(error)"), now: now)
      case .success(let prepared):
        if let expected = e.dataFingerprint, expected != prepared.sourceSHA256 {
          let path = e.spec.data?.path ?? e.spec.model.command?.workdir ?? "?"
          let what = e.spec.data != nil ? "data file" : "workdir"
          fail(e, ExperimentFailure(cause: .dataChanged, message: "the \(what) \(path) of \(name) changed since the experiment started (SHA-256 \(expected) then, \(prepared.sourceSHA256) now); restore it to resume, or submit the experiment under another name"), now: now)
          continue
        }
        if e.dataFingerprint == nil {
          record(.recordDataFingerprint(experiment: name, sha256: prepared.sourceSHA256), at: now.wall)
          e.dataFingerprint = prepared.sourceSHA256
        }
        for note in prepared.notes { logger.info("\(note)", metadata: ["experiment": "\(name)"]) }
        e.shards = prepared.shards
        e.state = .queued
        record(.setExperimentState(experiment: name, .queued), at: now.wall)
        logger.info("data prepared", metadata: ["experiment": "\(name)", "shards": "\(prepared.shards.count)"])
        try finishIfDone(name, now: now)
      }
    }
  }

  /// Ends `e` as failed for `failure`: its queued trials will not run.
  func fail(_ e: ExperimentRuntime, _ failure: ExperimentFailure, now: CoordinatorTime) {
    record(.failExperiment(experiment: e.name, failure), at: now.wall)
    e.state = .failed
    e.failure = failure
    e.queue = []
    logger.error("experiment failed", metadata: ["experiment": "\(e.name)", "reason": "\(failure.message)"])
  }
}

extension ExperimentSpec {
  /// Whether trials need prepared inputs before the first can run: data to
  /// validate and shard, or a command experiment's workdir to bundle.
  var needsPreparation: Bool { data != nil || model.kind == .command }

  /// What preparing it means, for the submit reply ("its data (/d/iris.csv)").
  var preparedInputs: String {
    var parts: [String] = []
    if let command = model.command { parts.append("its code (\(command.workdir))") }
    if let data { parts.append("its data (\(data.path))") }
    return parts.joined(separator: " and ")
  }
}
