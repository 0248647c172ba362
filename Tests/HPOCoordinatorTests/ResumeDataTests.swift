import Foundation
import HPOCore
import HPOData
import HPOSearch
import HPOStore
import HPOWire
import Testing
@testable import HPOCoordinator

/// A resumed experiment whose data file is missing or changed fails at once,
/// naming the file and the reason, instead of running trials with no shards
/// (or on other data).
@Suite struct ResumeDataTests {
  let t = CoordinatorCoreTests()

  /// A folder with a copy of iris.csv, a store, and an iris experiment
  /// submitted and prepared by a coordinator that then stopped.
  func stoppedAfterPreparing() throws -> (dir: URL, csv: URL, storePath: String, spec: ExperimentSpec) {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("hpo-resume-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    let csv = dir.appendingPathComponent("iris.csv")
    try FileManager.default.copyItem(atPath: ReleaseLifecycleTests.iris, toPath: csv.path)
    var spec = ReleaseLifecycleTests.spec(output: dir.path)
    spec.data?.path = csv.path
    spec.validation = nil
    let storePath = dir.appendingPathComponent("store.sqlite").path
    let store = try ExperimentStore.open(path: storePath)
    let core = try core(store)
    #expect(t.submit(core, spec)?.accepted == true)
    #expect(try store.experiment(named: "iris")?.state == .preparing)
    try t.awaitPreparations(core)
    let stored = try #require(try store.experiment(named: "iris"))
    #expect(stored.state == .queued)
    #expect(stored.dataFingerprint == SHA256Hex.of(Array(try Data(contentsOf: csv))))
    _ = try #require(t.ask(core, "w1"), "prepared: a trial is handed out")
    try store.close()
    return (dir, csv, storePath, spec)
  }

  func core(_ store: ExperimentStore) throws -> CoordinatorCore {
    try CoordinatorCore(
      store: store, configuration: CoordinatorCoreTests.config,
      samplerFactory: { makeSampler(for: $0.search, direction: $0.objective.direction) }, data: ShardedDataSource(),
      now: CoordinatorCoreTests.t0)
  }

  func resumed(_ storePath: String) throws -> (ExperimentStore, CoordinatorCore, ExperimentStatus) {
    let store = try ExperimentStore.open(path: storePath)
    let core = try core(store)
    try t.awaitPreparations(core)
    guard case .status(let s)? = t.send(core, .statusRequest(StatusRequest(experiment: "iris"))).first, let e = s.experiments.first else {
      throw CocoaError(.featureUnsupported)
    }
    return (store, core, e)
  }

  @Test func aMissingDataFile_failsTheResumedExperimentNamingTheFile() throws {
    let (dir, csv, storePath, _) = try stoppedAfterPreparing()
    defer { try? FileManager.default.removeItem(at: dir) }
    try FileManager.default.removeItem(at: csv)
    let (store, core, status) = try resumed(storePath)
    defer { try? store.close() }
    #expect(status.state == .failed)
    #expect(status.failure?.cause == .data)
    #expect(status.failure?.message.contains(csv.path) == true, "\(status.failure?.message ?? "")")
    #expect(t.ask(core, "w2") == nil, "no trial runs without its data")
    #expect(try store.experiment(named: "iris")?.failure == status.failure)
  }

  @Test func aChangedDataFile_failsTheResumedExperimentSayingSo() throws {
    let (dir, csv, storePath, _) = try stoppedAfterPreparing()
    defer { try? FileManager.default.removeItem(at: dir) }
    // Still valid data, but not the data the trials so far were trained on.
    var lines = try String(contentsOf: csv, encoding: .utf8).split(separator: "\n").map(String.init)
    lines.removeLast()
    try (lines.joined(separator: "\n") + "\n").write(to: csv, atomically: true, encoding: .utf8)
    let (store, core, status) = try resumed(storePath)
    defer { try? store.close() }
    #expect(status.state == .failed)
    #expect(status.failure?.cause == .dataChanged)
    #expect(status.failure?.message.hasPrefix("the data file \(csv.path) of iris changed since the experiment started") == true)
    #expect(t.ask(core, "w2") == nil)
  }

  @Test func anUnchangedDataFile_resumes() throws {
    let (dir, _, storePath, _) = try stoppedAfterPreparing()
    defer { try? FileManager.default.removeItem(at: dir) }
    let (store, core, status) = try resumed(storePath)
    defer { try? store.close() }
    #expect(status.state == .queued || status.state == .running)
    #expect(status.failure == nil)
    #expect(t.ask(core, "w2") != nil)
  }

  /// A shard the coordinator prepared but can no longer read is an error
  /// naming it, not an "unknown shard" (it used to be swallowed as unknown).
  @Test func aPreparedShardThatCannotBeRead_isAnErrorNamingIt() throws {
    let (dir, _, storePath, _) = try stoppedAfterPreparing()
    defer { try? FileManager.default.removeItem(at: dir) }
    let (store, core, _) = try resumed(storePath)
    defer { try? store.close() }
    let a = try #require(t.ask(core, "w2"))
    let shard = try #require(a.shards.first)
    let files = try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("data").path)
    for file in files where file.hasSuffix(".shard") { try FileManager.default.removeItem(at: dir.appendingPathComponent("data/\(file)")) }
    guard case .error(let e)? = t.send(core, .shardRequest(ShardRequest(sha256: shard.sha256))).first else {
      Issue.record("no error reply")
      return
    }
    #expect(e.code == .internal)
    #expect(e.message.hasPrefix("the shard with SHA-256 \(shard.sha256) cannot be read on the coordinator: "))
    guard case .error(let unknown)? = t.send(core, .shardRequest(ShardRequest(sha256: String(repeating: "0", count: 64)))).first else {
      Issue.record("no error reply")
      return
    }
    #expect(unknown.code == .unknownShard)
  }
}
