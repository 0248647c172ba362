import Foundation
import HPOCore
import Testing

@testable import HPOStore

/// ``ExperimentStore/openReadOnly(path:)``: reads what a writer committed,
/// takes no lock, writes nothing, and refuses what it cannot read as is.
struct ReadOnlyStoreTests {
  @Test func aReader_seesWhatTheLockedWriterCommitted_andCannotWrite() throws {
    let dir = try TempDir()
    defer { dir.cleanup() }
    let path = dir.path("store.sqlite")
    let writer = try ExperimentStore.open(path: path)
    defer { try? writer.close() }
    try FixtureHistory.write(to: writer)
    let reader = try ExperimentStore.openReadOnly(path: path)
    #expect(try Snapshot(reader) == Snapshot(writer))
    #expect(try !reader.experiments().isEmpty)
    #expect(throws: StoreError.self) { try reader.apply(.setExperimentState(experiment: FixtureHistory.iris, .cancelled)) }
    #expect(try writer.experiment(named: FixtureHistory.iris)?.state != .cancelled)
  }

  @Test func aMissingFile_isNotCreated() throws {
    let dir = try TempDir()
    defer { dir.cleanup() }
    let path = dir.path("missing.sqlite")
    #expect(throws: StoreError.self) { try ExperimentStore.openReadOnly(path: path) }
    #expect(!FileManager.default.fileExists(atPath: path))
    #expect(!FileManager.default.fileExists(atPath: path + ".lock"))
  }

  @Test func aStoreOfTheOlderSchema_isRefusedSayingHowToMigrate_andLeftAsItWas() throws {
    let dir = try TempDir()
    defer { dir.cleanup() }
    let path = dir.path("store-v1.sqlite")
    try FileManager.default.copyItem(atPath: GoldenFixtureTests.fixture.path, toPath: path)
    let before = try Data(contentsOf: URL(fileURLWithPath: path))
    let error = #expect(throws: StoreError.self) { try ExperimentStore.openReadOnly(path: path) }
    #expect(error?.kind == .olderSchema(schema: 1, supportedSchema: StoreSchema.current))
    #expect(error?.description.contains("open it once with `hpo coordinator --store \(path)`") == true)
    #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
  }

  /// A store of schema 2 (an artifact of the previous hpo) is read as it is:
  /// the schema-3 columns read as absent, the file left unchanged.
  @Test func aStoreOfSchema2_isReadAsItIs() throws {
    let dir = try TempDir()
    defer { dir.cleanup() }
    let path = dir.path("store-v2.sqlite")
    try FileManager.default.copyItem(atPath: GoldenFixtureTests.fixture2.path, toPath: path)
    let before = try Data(contentsOf: URL(fileURLWithPath: path))
    let reader = try ExperimentStore.openReadOnly(path: path)
    let experiments = try reader.experiments()
    #expect(experiments.map(\.name) == [FixtureHistory.iris, FixtureHistory.done])
    #expect(experiments.allSatisfy { $0.failure == nil && $0.releaseStage == nil && $0.dataFingerprint == nil })
    #expect(try reader.release(of: FixtureHistory.done) == GoldenFixtureTests.release)
    #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
  }
}
