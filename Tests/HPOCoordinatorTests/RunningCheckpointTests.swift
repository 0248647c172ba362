import Foundation
import HPOCore
import HPOData
import HPOSearch
import HPORelease
import HPOStore
import HPOWire
import Testing
@testable import HPOCoordinator

/// A softmax or mlp trial's checkpoint sent while it runs: kept as the place
/// its next attempt resumes from (with its reports up to there), offered only
/// when its file is the one recorded, and dropped at the complete result.
@Suite struct RunningCheckpointTests {
  let t = CoordinatorCoreTests()

  static func spec(output: String) -> ExperimentSpec {
    var spec = ReleaseLifecycleTests.spec(output: output)
    spec.search.trials = 1
    spec.search.parallel = 1
    spec.output = OutputSpec(dir: output, keepTop: 1)
    return spec
  }

  /// A core whose one trial is leased to w1 (attempt 1), and the output folder.
  func started() throws -> (CoordinatorCore, ExperimentStore, TrialAssignment, URL) {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("hpo-running-ckpt-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    let store = ExperimentStore.inMemory()
    let core = try CoordinatorCore(
      store: store, configuration: CoordinatorCoreTests.config,
      samplerFactory: { spec in makeSampler(for: spec.search, direction: spec.objective.direction) },
      data: ShardedDataSource(), release: ReleaseStage(), now: CoordinatorCoreTests.t0)
    guard case .submitted(let reply)? = t.send(core, .submit(SubmitRequest(spec: Self.spec(output: dir.path), baseDirectory: "/", resume: false))).first,
      reply.accepted
    else { throw CommandTrialTestFailure("not accepted") }
    try t.awaitPreparations(core, at: CoordinatorCoreTests.t0)
    guard case .assignment(let a)? = t.send(core, .askForWork(WorkRequest(workerID: "w1"))).first else {
      throw CommandTrialTestFailure("no assignment")
    }
    return (core, store, a, dir)
  }

  func progress(_ core: CoordinatorCore, _ key: TrialKey, epoch: Int) {
    _ = t.send(core, .progress(TrialProgress(key: key, epoch: epoch, metrics: ["log_loss": 1.0 / Double(epoch), "accuracy": 0.5])))
  }

  func checkpoint(_ core: CoordinatorCore, _ key: TrialKey, _ bytes: [UInt8]) -> CheckpointReceipt? {
    let c = CheckpointTransfer(key: key, sha256: SHA256Hex.of(bytes), offset: 0, total: bytes.count, bytes: bytes)
    guard case .checkpointReceipt(let r)? = t.send(core, .checkpoint(c)).first else { return nil }
    return r
  }

  /// The lease of attempt 1 expires; attempt 2 goes to w2.
  func requeueAndLease(_ core: CoordinatorCore) throws -> TrialAssignment {
    let later = CoordinatorTime(wall: CoordinatorCoreTests.t0.wall.addingTimeInterval(60), monotonic: CoordinatorCoreTests.t0.monotonic + .seconds(60))
    try core.tick(now: later)
    guard case .assignment(let second)? = t.send(core, .askForWork(WorkRequest(workerID: "w2")), at: later).first else {
      throw CommandTrialTestFailure("no second attempt")
    }
    return second
  }

  @Test func theNextAttempt_resumesFromIt_withItsReportsUpToThere() throws {
    let (core, store, first, dir) = try started()
    defer { try? FileManager.default.removeItem(at: dir) }  // a leftover temporary folder harms nothing
    let state: [UInt8] = Array("epoch 2 of the run".utf8)
    progress(core, first.key, epoch: 1)
    #expect(checkpoint(core, first.key, state)?.refusal == nil)
    progress(core, first.key, epoch: 2)
    progress(core, first.key, epoch: 3)
    let second = try requeueAndLease(core)
    #expect(second.key.attempt == 2)
    let resume = try #require(second.shards.first { $0.role == .resume })
    #expect(resume.sha256 == SHA256Hex.of(state))
    // Epochs 1 and 2 stay (the checkpoint resumes after 2); epoch 3 goes.
    #expect(try store.storedTrials(of: "iris").first?.intermediateMetrics.keys.sorted() == [1, 2])

    // Its complete result drops the running checkpoint: only the final one may stand for the trial.
    progress(core, second.key, epoch: 3)
    _ = t.send(core, .result(TrialResult(
      key: second.key, status: .complete, metrics: ["log_loss": 0.2, "accuracy": 0.9], epochs: 5, seconds: 1, hasCheckpoint: true)))
    #expect(try store.checkpoints(of: "iris").isEmpty)
    let final: [UInt8] = Array("the final model".utf8)
    #expect(checkpoint(core, second.key, final)?.refusal == nil)
    #expect(try store.checkpoints(of: "iris").map(\.sha256) == [SHA256Hex.of(final)])
  }

  @Test func aCheckpointFileCutShort_isNotOffered_andTheAttemptStartsAfresh() throws {
    let (core, _, first, dir) = try started()
    defer { try? FileManager.default.removeItem(at: dir) }  // a leftover temporary folder harms nothing
    progress(core, first.key, epoch: 1)
    #expect(checkpoint(core, first.key, Array("epoch 2 of the run".utf8))?.refusal == nil)
    // As a power loss may leave a file written without flushing.
    let file = dir.appendingPathComponent("checkpoints/trial-0.ckpt")
    try Data("epoch".utf8).write(to: file)
    let second = try requeueAndLease(core)
    #expect(second.key.attempt == 2)
    #expect(!second.shards.contains { $0.role == .resume })
  }

  /// A running checkpoint and the complete result handled in one batch (one
  /// commit for both): the checkpoint is still dropped, never left to stand
  /// for the trial if its final checkpoint does not come.
  @Test func aRunningCheckpointInTheResultsBatch_isDroppedToo() throws {
    let (core, store, first, dir) = try started()
    defer { try? FileManager.default.removeItem(at: dir) }  // a leftover temporary folder harms nothing
    progress(core, first.key, epoch: 1)
    let state: [UInt8] = Array("epoch 2 of the run".utf8)
    let chunk = CheckpointTransfer(key: first.key, sha256: SHA256Hex.of(state), offset: 0, total: state.count, bytes: state)
    let result = TrialResult(
      key: first.key, status: .complete, metrics: ["log_loss": 0.2, "accuracy": 0.9], epochs: 5, seconds: 1, hasCheckpoint: true)
    for m in [WireMessage.checkpoint(chunk), .result(result)] {
      _ = core.handle(Incoming(peer: CoordinatorCoreTests.peer, message: .success(m)), now: CoordinatorCoreTests.t0)
    }
    try core.flush()
    #expect(try store.checkpoints(of: "iris").isEmpty)
    #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("checkpoints/trial-0.ckpt").path))
  }
}
