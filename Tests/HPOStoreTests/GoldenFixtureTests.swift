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

  /// The committed schema-3 store, Fixtures/store-v3.sqlite: the schema-2
  /// history, the data fingerprint of `iris`, and `bad`, failed for its data.
  static let fixture3 = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("Fixtures/store-v3.sqlite")
  static let fingerprint = String(repeating: "5e", count: 32)
  static let badData = ExperimentFailure(cause: .data, message: "the data of bad cannot be used: data/bad.csv:3: column \"x\": \"abc\" is not a number")

  /// The committed schema-4 store, Fixtures/store-v4.sqlite: the schema-3
  /// history and `cmd`, a command experiment with an infeasible trial, a
  /// failed one with its standard error, failed for repeated failures.
  static let fixture4 = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("Fixtures/store-v4.sqlite")
  static let repeated = ExperimentFailure(cause: .repeatedFailure, message: "cmd stopped: 5 trials in a row failed the same way: exit status 1")
  static let stderrTail = "Traceback (most recent call last):\n  File \"train.py\", line 3\nValueError: é\n"

  /// The schema-4 additions, applied to a store.
  static func writeCommandHistory(_ store: ExperimentStore, at t: Int) throws {
    let lease = Lease(worker: "w-1", attempt: 1)
    let a = TrialID(experiment: "cmd", number: 0), b = TrialID(experiment: "cmd", number: 1)
    _ = try store.apply([
      .createExperiment(sampleSpec("cmd", seed: 11), seed: 11),
      .insertTrial(a, configuration: Configuration(["x": .float(0.5)]), seed: 1),
      .insertTrial(b, configuration: Configuration(["x": .float(0.25)]), seed: 2),
      .leaseTrial(a, lease: lease, deadline: Clock.at(Double(t + 60))),
      .leaseTrial(b, lease: lease, deadline: Clock.at(Double(t + 60))),
      .markInfeasible(a, lease: lease, reason: "x 0.5 is too large for this data"),
      .failTrial(b, lease: lease, reason: "exit status 1", output: Self.stderrTail),
      .failExperiment(experiment: "cmd", Self.repeated),
    ], at: Clock.at(Double(t)))
  }

  /// The fixture generator writes a self-contained store of the current schema
  /// (everything in the main file, the WAL empty after close). It writes into a
  /// temporary folder; with `HPO_WRITE_STORE_FIXTURE=1` it writes the committed
  /// fixture of the current schema (the fixtures of older schemas are frozen):
  /// `HPO_WRITE_STORE_FIXTURE=1 swift test --filter GoldenFixtureTests`.
  @Test func fixtureGenerator_writesASelfContainedStore() throws {
    let dir = try TempDir()
    defer { dir.cleanup() }
    let regenerate = ProcessInfo.processInfo.environment["HPO_WRITE_STORE_FIXTURE"] == "1"
    let path = regenerate ? Self.fixture4.path : dir.path("store-v4.sqlite")
    // Fixture regeneration: a file from an earlier run may be absent, which is fine.
    for suffix in ["", "-wal", "-shm", ".lock"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    let store = try ExperimentStore.open(path: path)
    try FixtureHistory.write(to: store)
    _ = try store.apply(.recordRelease(experiment: FixtureHistory.done, Self.release), at: Clock.at(13))
    _ = try store.apply([
      .recordDataFingerprint(experiment: FixtureHistory.iris, sha256: Self.fingerprint),
      .createExperiment(sampleSpec("bad", seed: 9), seed: 9),
      .failExperiment(experiment: "bad", Self.badData),
    ], at: Clock.at(14))
    try Self.writeCommandHistory(store, at: 15)
    try store.close()
    // Everything is in the main file after close: the WAL is empty.
    #expect(try FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? Int == 0)
    for suffix in ["-wal", "-shm", ".lock"] { try FileManager.default.removeItem(atPath: path + suffix) }
  }

  /// A copy of `fixture` in `dir`, opened (and so migrated) for writing.
  static func openCopy(_ fixture: URL, in dir: TempDir) throws -> ExperimentStore {
    let path = dir.path(fixture.lastPathComponent)
    try FileManager.default.copyItem(atPath: fixture.path, toPath: path)
    return try ExperimentStore.open(path: path)
  }

  @Test func theVersion4FixtureOpensAndReadsBack() throws {
    let dir = try TempDir()
    defer { dir.cleanup() }
    let store = try Self.openCopy(Self.fixture4, in: dir)
    defer { try? store.close() }
    #expect(try store.pragma("user_version") == "4")
    let cmd = try #require(try store.experiment(named: "cmd"))
    #expect(cmd.failure == Self.repeated && cmd.state == .failed)
    #expect(cmd.trialCounts.infeasible == 1 && cmd.trialCounts.failed == 1 && cmd.trialCounts.finished == 2)
    let trials = try store.storedTrials(of: "cmd")
    #expect(trials.map(\.state) == [.infeasible, .failed])
    #expect(trials[0].reason == "x 0.5 is too large for this data" && trials[0].outputTail == nil)
    #expect(trials[1].outputTail == Self.stderrTail)
  }

  /// Schema 4 rebuilds the trials and experiments tables: a version-3 store
  /// keeps every row and takes the new state, column and failure cause.
  @Test func theVersion3FixtureMigrates_keepingItsRows_andTakesCommandTrials() throws {
    let dir = try TempDir()
    defer { dir.cleanup() }
    let store = try Self.openCopy(Self.fixture3, in: dir)
    defer { try? store.close() }
    #expect(try store.pragma("user_version") == String(StoreSchema.current))
    #expect(try store.storedTrials(of: FixtureHistory.iris).count == 5)
    try Self.writeCommandHistory(store, at: 30)
    #expect(try store.storedTrials(of: "cmd").map(\.state) == [.infeasible, .failed])
    #expect(try store.storedTrials(of: "cmd")[1].outputTail == Self.stderrTail)
    #expect(try store.experiment(named: "cmd")?.failure == Self.repeated)
  }

  @Test func theVersion3FixtureOpensAndReadsBack() throws {
    let dir = try TempDir()
    defer { dir.cleanup() }
    let store = try Self.openCopy(Self.fixture3, in: dir)
    defer { try? store.close() }
    #expect(try store.pragma("user_version") == String(StoreSchema.current))
    let experiments = try store.experiments()
    #expect(experiments.map(\.name) == [FixtureHistory.iris, FixtureHistory.done, "bad"])
    #expect(experiments.map(\.dataFingerprint) == [Self.fingerprint, nil, nil])
    #expect(experiments.map(\.releaseStage) == [nil, .done, nil])
    #expect(experiments.map(\.failure) == [nil, nil, Self.badData])
    #expect(experiments[2].state == .failed && experiments[2].finishedAt == Clock.at(14))
    #expect(try store.release(of: FixtureHistory.done) == Self.release)
  }

  /// Schema 3 rebuilds the experiments table: a version-2 store keeps every
  /// row, its recorded release counts as done, and the new states and columns work.
  @Test func theVersion2FixtureMigrates_keepingItsRows_andTakesTheNewColumns() throws {
    let dir = try TempDir()
    defer { dir.cleanup() }
    let store = try Self.openCopy(Self.fixture2, in: dir)
    defer { try? store.close() }
    let experiments = try store.experiments()
    #expect(experiments.map(\.releaseStage) == [nil, .done])
    #expect(experiments.allSatisfy { $0.failure == nil && $0.dataFingerprint == nil })
    #expect(try store.storedTrials(of: FixtureHistory.iris).count == 5)
    _ = try store.apply([
      .setExperimentState(experiment: FixtureHistory.iris, .preparing),
      .awaitRelease(experiment: FixtureHistory.iris),
    ], at: Clock.at(20))
    #expect(try store.experiment(named: FixtureHistory.iris)?.state == .preparing)
    #expect(try store.experiment(named: FixtureHistory.iris)?.releaseStage == .pending)
    _ = try store.apply(.failExperiment(experiment: FixtureHistory.iris, Self.badData), at: Clock.at(21))
    #expect(try store.experiment(named: FixtureHistory.iris)?.failure == Self.badData)
    // A resume clears the failure.
    _ = try store.apply(.setExperimentState(experiment: FixtureHistory.iris, .running), at: Clock.at(22))
    #expect(try store.experiment(named: FixtureHistory.iris)?.failure == nil)
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
