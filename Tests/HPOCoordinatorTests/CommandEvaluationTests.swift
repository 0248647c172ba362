import Foundation
import HPOCore
import HPOSearch
import HPOStore
import HPOWire
import Synchronization
import Testing
@testable import HPOCoordinator

/// The release stage of a command experiment in the coordinator: the
/// winner's `evaluate` command is a task leased to a worker that runs
/// commands, before any trial; what it reports reaches the stage; a lost
/// lease runs it again, within the attempt budget.
@Suite struct CommandEvaluationTests {
  let t = CoordinatorCoreTests()

  /// A release stage that asks for one `evaluate` (or fails to prepare it)
  /// and records what it was given.
  final class RecordingStage: ReleaseRunner {
    let failure: String?
    let given = Mutex<[[CommandEvaluation]]>([])

    init(failure: String? = nil) { self.failure = failure }

    func evaluationInputs(_ record: SearchRecord) throws -> [EvaluationInputs] {
      if let failure { throw TestFailure(failure) }
      let best = try #require(record.winner)
      return [EvaluationInputs(
        role: .winner, configuration: best.record.configuration, seed: best.seed,
        command: CommandSpec(train: ["python3", "train.py"], evaluate: ["python3", "evaluate.py"], workdir: "/code"),
        shards: [ShardReference(sha256: String(repeating: "a", count: 64), bytes: 10, role: .candidate)],
        files: [String(repeating: "a", count: 64): "/tmp/checkpoint.bundle"], subject: "the winner (trial \(best.number))")]
    }

    func run(_ record: SearchRecord, evaluations: [CommandEvaluation], now: Date) -> ReleaseOutcome {
      given.withLock { $0.append(evaluations) }
      guard let e = evaluations.first, e.error == nil else {
        return ReleaseOutcome(status: .error, message: evaluations.first?.error ?? "none")
      }
      return ReleaseOutcome(status: .passed, message: "accuracy \(e.metrics["accuracy"] ?? .nan)")
    }
  }

  struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
  }

  static func core(_ stage: RecordingStage, store: ExperimentStore = .inMemory()) throws -> CoordinatorCore {
    try CoordinatorCore(
      store: store, configuration: CoordinatorCoreTests.config,
      samplerFactory: { spec in makeSampler(for: spec.search, direction: spec.objective.direction) },
      release: stage, now: CoordinatorCoreTests.t0)
  }

  func ask(_ core: CoordinatorCore, _ worker: String, runsCommands: Bool = true, at now: CoordinatorTime = CoordinatorCoreTests.t0) -> WireMessage? {
    t.send(core, .askForWork(WorkRequest(workerID: worker, runsCommands: runsCommands)), at: now).first
  }

  /// Runs the search of a 2-trial command experiment to its end and lets the release start.
  func finishSearch(_ core: CoordinatorCore) throws {
    var spec = CommandTrialTests.spec(trials: 2, parallel: 1)
    spec.model.command?.evaluate = ["python3", "evaluate.py"]
    #expect(t.submit(core, spec)?.accepted == true)
    for value in [0.5, 0.2] {
      guard case .assignment(let a)? = ask(core, "w1") else { throw TestFailure("no trial") }
      _ = t.send(core, .result(TrialResult(key: a.key, status: .complete, metrics: ["value": value], epochs: 0, seconds: 0.1)))
    }
    try advance(core)
  }

  /// Ticks until the background jobs have answered (the stage's inputs, the stage).
  func advance(_ core: CoordinatorCore, at now: CoordinatorTime = CoordinatorCoreTests.t0) throws {
    let deadline = Date().addingTimeInterval(30)
    repeat {
      Thread.sleep(forTimeInterval: 0.005)
      try core.tick(now: now)
      try core.flush()
    } while (!core.releaseJobs.isEmpty || core.evaluations.values.contains {
      if case .preparing = $0 { return true }
      return false
    }) && Date() < deadline
  }

  func release(_ core: CoordinatorCore) -> ReleaseStatus? {
    guard case .status(let s)? = t.send(core, .statusRequest(StatusRequest(experiment: "cmd"))).first else { return nil }
    return s.experiments.first?.release
  }

  @Test func winnersEvaluate_isLeasedToACommandWorker_itsMetricsReachTheStage() throws {
    let stage = RecordingStage()
    let core = try Self.core(stage)
    try finishSearch(core)
    #expect(release(core)?.message == "the winner (trial 1): evaluate waiting for a worker started with --allow-commands")
    #expect(ask(core, "plain", runsCommands: false) == nil, "a worker that runs no commands is never given it")
    guard case .assignment(let a)? = ask(core, "w2") else {
      Issue.record("no evaluate task for a worker that runs commands")
      return
    }
    #expect(a.evaluation == .winner && a.key.trial == -1 && a.key.attempt == 1)
    #expect(a.model.command?.evaluate == ["python3", "evaluate.py"])
    #expect(a.shards.map(\.role) == [.candidate] && a.reportEveryEpoch == false)
    #expect(release(core)?.message == "the winner (trial 1): evaluate running on w2")
    // Asked again (its answer was lost), the worker gets the same task.
    guard case .assignment(let again)? = ask(core, "w2") else { return }
    #expect(again.key == a.key)
    // Its output goes to its own log (hpo logs cmd winner); its result to the stage.
    let line = "evaluating \(UUID().uuidString)\n"
    _ = t.send(core, .log(TrialLog(key: a.key, stream: .stdout, text: line)))
    guard case .logReply(let log)? = t.send(core, .logRequest(LogRequest(experiment: "cmd", trial: -1, offset: 0))).first else {
      Issue.record("no log reply")
      return
    }
    #expect(log.error == nil && log.text.hasSuffix(line) && !log.finished)
    _ = t.send(core, .result(TrialResult(key: a.key, status: .complete, metrics: ["accuracy": 0.93], epochs: 0, seconds: 1.5)))
    try advance(core)
    #expect(release(core)?.state == .passed)
    #expect(release(core)?.message == "accuracy 0.93")
    let given = stage.given.withLock { $0 }
    #expect(given.count == 1 && given.first?.first?.metrics == ["accuracy": 0.93] && given.first?.first?.worker == "w2")
    #expect(core.allFinished)
  }

  @Test func lostLease_runsItAgain_untilTheAttemptsAreSpent_thenTheStageSaysWhy() throws {
    let stage = RecordingStage()
    let core = try Self.core(stage)
    try finishSearch(core)
    var now = CoordinatorCoreTests.t0
    for attempt in 1...2 {
      guard case .assignment(let a)? = ask(core, "w\(attempt)", at: now) else {
        Issue.record("attempt \(attempt) was not leased")
        return
      }
      #expect(a.key.attempt == attempt)
      now = now.addingTimeInterval(11)  // past the 10 s lease, no heartbeat
      try advance(core, at: now)
    }
    #expect(release(core)?.state == .error)
    #expect(release(core)?.message.hasPrefix("lost worker w2 (no heartbeat for 10.0 seconds) on attempt 2 of 2") == true, "\(release(core)?.message ?? "-")")
  }

  @Test func heartbeat_keepsTheLease_andALateResultOfAnOldAttemptIsIgnored() throws {
    let stage = RecordingStage()
    let core = try Self.core(stage)
    try finishSearch(core)
    guard case .assignment(let a)? = ask(core, "w1") else { return }
    var now = CoordinatorCoreTests.t0
    for _ in 0..<3 {
      now = now.addingTimeInterval(6)
      _ = t.send(core, .heartbeat(Heartbeat(workerID: "w1", running: [a.key])), at: now)
      try advance(core, at: now)
    }
    #expect(release(core)?.message == "the winner (trial 1): evaluate running on w1")
    _ = t.send(core, .result(TrialResult(
      key: TrialKey(experiment: "cmd", trial: -1, attempt: 9), status: .complete, metrics: ["accuracy": 0.1], epochs: 0, seconds: 1)))
    #expect(release(core)?.state == .running)
    _ = t.send(core, .result(TrialResult(key: a.key, status: .failed, metrics: [:], epochs: 0, seconds: 1, error: "exit status 1: boom")))
    try advance(core, at: now)
    #expect(release(core)?.state == .error)
    #expect(release(core)?.message == "exit status 1: boom")
  }

  @Test func inputsThatCannotBePrepared_endTheStageWithTheReason() throws {
    let core = try Self.core(RecordingStage(failure: "the winning trial 1 sent no checkpoint"))
    try finishSearch(core)
    try advance(core)
    #expect(release(core)?.state == .error)
    #expect(release(core)?.message == "the release stage of cmd cannot start: the winning trial 1 sent no checkpoint")
    #expect(ask(core, "w1") == nil, "no evaluate task is handed out")
  }

  /// A coordinator stopped while the winner's evaluate ran owes the release:
  /// restarted on the same store, it leases the evaluate again (attempt 1 of its own).
  @Test func restartedCoordinator_leasesTheEvaluateAgain() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("hpo-evaluate-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let path = dir.appendingPathComponent("store.sqlite").path
    let store = try ExperimentStore.open(path: path)
    let first = try Self.core(RecordingStage(), store: store)
    try finishSearch(first)
    guard case .assignment(let lost)? = ask(first, "w1") else { return }
    #expect(lost.evaluation == .winner)
    try store.close()

    let reopened = try ExperimentStore.open(path: path)
    defer { try? reopened.close() }
    let stage = RecordingStage()
    let second = try Self.core(stage, store: reopened)
    try advance(second)
    guard case .assignment(let again)? = ask(second, "w2") else {
      Issue.record("the restarted coordinator did not lease the evaluate")
      return
    }
    #expect(again.evaluation == .winner && again.key == lost.key)
    // The result of the lease the first coordinator gave is that of the same key: one outcome, recorded once.
    _ = t.send(second, .result(TrialResult(key: again.key, status: .complete, metrics: ["accuracy": 0.9], epochs: 0, seconds: 1)))
    try advance(second)
    #expect(release(second)?.state == .passed)
    #expect(try reopened.release(of: "cmd")?.status == .passed)
  }
}
