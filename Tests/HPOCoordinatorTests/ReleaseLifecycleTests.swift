import Foundation
import HPOCore
import HPOData
import HPORelease
import HPOSearch
import HPOStore
import HPOWire
import Testing
@testable import HPOCoordinator

/// The release stage in the coordinator's lifecycle: it starts when the last
/// trial has ended, runs off the message loop, and its outcome is recorded in
/// the store and reported in the status; the experiment counts as finished only then.
@Suite struct ReleaseLifecycleTests {
  static let iris = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("Experiments/data/iris.csv").path

  static func spec(output: String) -> ExperimentSpec {
    ExperimentSpec(
      name: "iris", data: DataSpec(path: iris, task: .classification, split: SplitSpec(validation: 0.25, test: 0.25, seed: 1)),
      model: ModelSpec(kind: .softmax, epochs: 5, precision: .float64),
      space: SearchSpace([Parameter(name: "learning_rate", domain: .float(FloatRange(low: 0.05, high: 0.5, log: true)))]),
      objective: ObjectiveSpec(metric: .logLoss), search: SearchSpec(strategy: .random, trials: 2, parallel: 2, seed: 3),
      validation: ValidationSpec(gates: [Gate(metric: .accuracy, min: 0.5)]), output: OutputSpec(dir: output, keepTop: 0))
  }

  static let t0 = CoordinatorTime(wall: Date(timeIntervalSince1970: 1_000_000), monotonic: .seconds(1_000))

  static func core(_ store: ExperimentStore) throws -> CoordinatorCore {
    try CoordinatorCore(
      store: store, configuration: CoordinatorConfiguration(), samplerFactory: { spec in
        makeSampler(for: spec.search, direction: spec.objective.direction)
      }, data: ShardedDataSource(), release: ReleaseStage(), now: t0)
  }

  func send(_ core: CoordinatorCore, _ m: WireMessage) -> [WireMessage] {
    let replies = core.handle(Incoming(peer: PeerID([1]), message: .success(m)), now: Self.t0).map(\.message)
    do { try core.flush() } catch { Issue.record("commit failed: \(error)") }
    return replies
  }

  func release(_ core: CoordinatorCore) -> ReleaseStatus? {
    guard case .status(let s)? = send(core, .statusRequest(StatusRequest(experiment: "iris"))).first else { return nil }
    return s.experiments.first?.release
  }

  @Test func lastTrial_startsTheStage_itsOutcomeIsRecordedAndSurvivesARestart() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("hpo-release-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: dir) }
    let storePath = dir.appendingPathComponent("store.sqlite").path
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    let store = try ExperimentStore.open(path: storePath)
    let core = try Self.core(store)
    guard case .submitted(let reply)? = send(core, .submit(SubmitRequest(spec: Self.spec(output: dir.path), baseDirectory: "/", resume: false))).first else {
      Issue.record("no answer to the submission")
      return
    }
    #expect(reply.accepted, "\(reply.message)")
    try CoordinatorCoreTests().awaitPreparations(core, at: Self.t0)
    #expect(release(core) == nil, "no release stage before the search ends")
    var assignments: [TrialAssignment] = []
    for worker in ["w1", "w2"] {
      guard case .assignment(let a)? = send(core, .askForWork(WorkRequest(workerID: worker))).first else {
        Issue.record("no assignment for \(worker)")
        return
      }
      assignments.append(a)
    }
    // The workers' results (their models are not sent: the stage retrains the winner).
    for (a, loss) in zip(assignments, [0.4, 0.3]) {
      _ = send(core, .result(TrialResult(key: a.key, status: .complete, metrics: ["log_loss": loss, "accuracy": 0.9], epochs: 5, seconds: 0.1)))
    }
    #expect(release(core)?.state == .running)
    #expect(!core.allFinished, "finished only once the release stage has ended")
    let deadline = Date().addingTimeInterval(60)
    while release(core)?.isFinal != true, Date() < deadline {
      try core.tick(now: Self.t0.addingTimeInterval(1))
      try core.flush()
      Thread.sleep(forTimeInterval: 0.02)
    }
    let outcome = try #require(release(core))
    #expect(outcome.state == .passed, "\(outcome.message)")
    #expect(outcome.package == dir.appendingPathComponent("package").path)
    #expect(PackageWriter.verify(dir.appendingPathComponent("package").path).isEmpty)
    #expect(core.allFinished)
    #expect(try store.release(of: "iris")?.status == .passed)
    let manifest = try String(contentsOfFile: dir.appendingPathComponent("package/manifest.json").path, encoding: .utf8)
    #expect(manifest.contains(#""origin": "retrained""#) && manifest.contains(#""trial": 1"#))
    try store.close()

    // A restarted coordinator reports the recorded outcome and does not run the stage again.
    let reopened = try ExperimentStore.open(path: storePath)
    defer { try? reopened.close() }
    let again = try Self.core(reopened)
    #expect(release(again)?.state == .passed)
    try again.tick(now: Self.t0.addingTimeInterval(100))
    #expect(again.releaseJobs.isEmpty)
  }

  @Test func statusOfAFinishedExperimentWithoutAnOutcome_doesNotStartTheStage() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("hpo-release-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: dir) }
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    let storePath = dir.appendingPathComponent("store.sqlite").path
    // An experiment that finished under a coordinator without a release stage.
    let store = try ExperimentStore.open(path: storePath)
    let spec = Self.spec(output: dir.path)
    _ = try store.apply([.createExperiment(spec, seed: 3), .setExperimentState(experiment: "iris", .finished)])
    try store.close()
    let reopened = try ExperimentStore.open(path: storePath)
    defer { try? reopened.close() }
    let core = try Self.core(reopened)
    #expect(release(core) == nil)
    try core.tick(now: Self.t0.addingTimeInterval(100))
    #expect(core.releaseJobs.isEmpty)
    #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("report.md").path))
  }
}

// As in the composition root: the real data preparation and release stage behind the coordinator's protocols.
extension ShardedDataSource: ExperimentPreparer {}
extension ReleaseStage: ReleaseRunner {}
