import Foundation
import HPOCore
@testable import HPOStore
import Testing

/// The committed schema-1 store, Fixtures/store-v1.sqlite, written by hpo 0.1.0 from
/// ``FixtureHistory``. Every future hpo must open it (migrating it) and read these rows.
@Suite struct GoldenFixtureTests {
  static let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("Fixtures/store-v1.sqlite")

  /// The committed schema-2 store, Fixtures/store-v2.sqlite: ``FixtureHistory`` and a release outcome.
  static let fixture2 = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("Fixtures/store-v2.sqlite")
  static let release = StoredRelease(
    status: .passed, failedGates: [], message: "every gate passed (4); package in /out/package",
    report: "/out/report.md", package: "/out/package", recordedAt: Clock.at(13))

  /// The fixture generator writes a self-contained store of the current schema
  /// (everything in the main file, the WAL empty after close). It writes into a
  /// temporary folder; with `HPO_WRITE_STORE_FIXTURE=1` it writes the committed
  /// fixture of the current schema (store-v1.sqlite, from hpo 0.1.0, is frozen):
  /// `HPO_WRITE_STORE_FIXTURE=1 swift test --filter GoldenFixtureTests`.
  @Test func fixtureGenerator_writesASelfContainedStore() throws {
    let dir = try TempDir()
    defer { dir.cleanup() }
    let regenerate = ProcessInfo.processInfo.environment["HPO_WRITE_STORE_FIXTURE"] == "1"
    let path = regenerate ? Self.fixture2.path : dir.path("store-v2.sqlite")
    for suffix in ["", "-wal", "-shm", ".lock"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    let store = try ExperimentStore.open(path: path)
    try FixtureHistory.write(to: store)
    _ = try store.apply(.recordRelease(experiment: FixtureHistory.done, Self.release), at: Clock.at(13))
    try store.close()
    // Everything is in the main file after close: the WAL is empty.
    #expect(try FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? Int == 0)
    for suffix in ["-wal", "-shm", ".lock"] { try FileManager.default.removeItem(atPath: path + suffix) }
  }

  @Test func theVersion2FixtureOpensAndReadsBack() throws {
    let dir = try TempDir()
    defer { dir.cleanup() }
    let path = dir.path("store-v2.sqlite")
    try FileManager.default.copyItem(atPath: Self.fixture2.path, toPath: path)
    let store = try ExperimentStore.open(path: path)
    defer { try? store.close() }
    #expect(try store.pragma("user_version") == String(StoreSchema.current))
    #expect(try store.experiments().map(\.name) == [FixtureHistory.iris, FixtureHistory.done])
    #expect(try store.release(of: FixtureHistory.done) == Self.release)
    #expect(try store.release(of: FixtureHistory.iris) == nil)
  }

  /// Schema 2 adds the release stage's outcome: a migrated version-1 store records and reads it.
  @Test func theVersion1FixtureMigratesAndRecordsAReleaseOutcome() throws {
    let dir = try TempDir()
    defer { dir.cleanup() }
    let path = dir.path("store-v1.sqlite")
    try FileManager.default.copyItem(atPath: Self.fixture.path, toPath: path)
    let store = try ExperimentStore.open(path: path)
    defer { try? store.close() }
    #expect(try store.release(of: FixtureHistory.done) == nil)
    let outcome = StoredRelease(
      status: .gateFailed, failedGates: ["gap", "accuracy ≥ 0.9"], message: "2 of 5 gates failed",
      report: "/out/report.md", package: "/out/rejected", recordedAt: Clock.at(20))
    _ = try store.apply(.recordRelease(experiment: FixtureHistory.done, outcome), at: Clock.at(20))
    #expect(try store.release(of: FixtureHistory.done) == outcome)
  }

  @Test func theVersion1FixtureOpensAndReadsBack() throws {
    let dir = try TempDir()
    defer { dir.cleanup() }
    let path = dir.path("store-v1.sqlite")
    try FileManager.default.copyItem(atPath: Self.fixture.path, toPath: path)
    let store = try ExperimentStore.open(path: path)
    defer { try? store.close() }
    #expect(try store.pragma("user_version") == String(StoreSchema.current))

    let iris = FixtureHistory.iris
    let experiments = try store.experiments()
    #expect(experiments.map(\.name) == [iris, FixtureHistory.done])
    let e = experiments[0]
    #expect(e.spec == sampleSpec(iris, seed: 7) && e.seed == 7 && e.state == .running)
    #expect(e.specSHA256 == "3a9dbdc02a770f88773c50581a9f7ed7ffa86ce9847266072e8185112d3e2767")
    #expect(e.specSHA256 == SHA256Hex.of(Array(e.specJSON.utf8)))
    #expect(e.createdAt == Clock.at(0) && e.updatedAt == Clock.at(0) && e.finishedAt == nil)
    var counts = TrialCounts()
    (counts.complete, counts.pruned, counts.failed, counts.running, counts.pending) = (1, 1, 1, 1, 1)
    #expect(e.trialCounts == counts)
    #expect(experiments[1].state == .finished && experiments[1].finishedAt == Clock.at(12))

    let t = try store.storedTrials(of: iris)
    #expect(t.map(\.state) == [.complete, .pruned, .failed, .running, .pending])
    #expect(t[0].record == TrialRecord(
      number: 0, configuration: config(0.01, 32, "adam"), state: .complete, value: 0.93,
      intermediate: [.init(step: 1, value: 0.8), .init(step: 2, value: 0.9)]))
    #expect(t[0].metrics == ["accuracy": 0.93, "log_loss": 0.21] && t[0].seconds == 1.5 && t[0].epochs == 2)
    #expect(t[0].intermediateMetrics == [1: ["loss": 0.6], 2: ["loss": 0.3]])
    #expect(t[0].worker == "w1" && t[0].attempts == 1 && t[0].leaseDeadline == nil)
    #expect(t[0].createdAt == Clock.at(0) && t[0].startedAt == Clock.at(0) && t[0].finishedAt == Clock.at(2))

    #expect(t[1].record.value == 0.5 && t[1].rung == 0 && t[1].reason == "below the rung's top 1/3")
    #expect(t[1].worker == "w1" && t[1].attempts == 2 && t[1].startedAt == Clock.at(11) && t[1].epochs == 1)

    #expect(t[2].record.configuration == config(3.0, 8, "adam") && t[2].seed == .max)
    #expect(t[2].record.value == nil && t[2].reason == "training diverged (loss inf)")
    #expect(t[2].record.intermediate.count == 1 && t[2].record.intermediate[0].value.isNaN)
    #expect(t[2].intermediateMetrics == [1: ["loss": .infinity]])

    #expect(t[3].lease == Lease(worker: "w2", attempt: 1) && t[3].leaseDeadline == Clock.at(42))
    #expect(t[4].state == .pending && t[4].attempts == 0 && t[4].worker == nil && t[4].seed == 104)

    #expect(try store.trials(of: FixtureHistory.done).map(\.value) == [-.infinity])
    #expect(try store.checkpoints(of: iris) == [
      StoredCheckpoint(
        trial: trial(iris, 0), path: "out/iris/checkpoints/trial-0.ckpt", sha256: FixtureHistory.checkpointSHA,
        bytes: 4096, createdAt: Clock.at(2)),
    ])
    #expect(try store.trials(leaseExpiredBefore: Clock.at(42.001)).map(\.id) == [trial(iris, 3)])
  }
}
