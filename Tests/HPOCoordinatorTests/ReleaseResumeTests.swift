import Foundation
import HPOCore
import HPORelease
import HPOStore
import HPOWire
import Testing
@testable import HPOCoordinator

/// The release stage is owed in the store from the moment the search
/// finishes: a coordinator that stopped before recording its outcome leaves
/// it `pending`, and the next coordinator on the store runs it (real store
/// file, real release stage).
@Suite struct ReleaseResumeTests {
  let lifecycle = ReleaseLifecycleTests()

  @Test func aRestartAfterTheSearchFinished_runsTheReleaseItMissed() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("hpo-release-resume-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: dir) }
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    let storePath = dir.appendingPathComponent("store.sqlite").path
    let store = try ExperimentStore.open(path: storePath)
    let first = try ReleaseLifecycleTests.core(store)
    guard case .submitted(let reply)? = lifecycle.send(first, .submit(SubmitRequest(
      spec: ReleaseLifecycleTests.spec(output: dir.path), baseDirectory: "/", resume: false))).first
    else {
      Issue.record("no answer to the submission")
      return
    }
    #expect(reply.accepted, "\(reply.message)")
    try CoordinatorCoreTests().awaitPreparations(first, at: ReleaseLifecycleTests.t0)
    for worker in ["w1", "w2"] {
      guard case .assignment(let a)? = lifecycle.send(first, .askForWork(WorkRequest(workerID: worker))).first else {
        Issue.record("no assignment for \(worker)")
        return
      }
      _ = lifecycle.send(first, .result(TrialResult(key: a.key, status: .complete, metrics: ["log_loss": 0.3, "accuracy": 0.9], epochs: 5, seconds: 0.1)))
    }
    // The search finished; this coordinator stops before its next tick would start the stage.
    let stored = try #require(try store.experiment(named: "iris"))
    #expect(stored.state == .finished && stored.releaseStage == .pending)
    #expect(try store.release(of: "iris") == nil)
    try store.close()

    let reopened = try ExperimentStore.open(path: storePath)
    defer { try? reopened.close() }
    let second = try ReleaseLifecycleTests.core(reopened)
    #expect(!second.allFinished, "the owed release stage keeps the experiment unfinished")
    let deadline = Date().addingTimeInterval(120)
    while lifecycle.release(second)?.isFinal != true, Date() < deadline {
      try second.tick(now: ReleaseLifecycleTests.t0.addingTimeInterval(1))
      try second.flush()
      Thread.sleep(forTimeInterval: 0.02)
    }
    #expect(lifecycle.release(second)?.state == .passed, "\(lifecycle.release(second)?.message ?? "no outcome")")
    #expect(try reopened.release(of: "iris")?.status == .passed)
    #expect(try reopened.experiment(named: "iris")?.releaseStage == .done)
    #expect(PackageWriter.verify(dir.appendingPathComponent("package").path).isEmpty)
    #expect(second.allFinished)
  }
}
