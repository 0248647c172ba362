import Foundation
import HPOCore
import HPOSearch
import HPOStore
import HPOWire
import Testing

@testable import HPOCoordinator

/// A worker that already holds an experiment's shards gets that experiment's
/// trials first; one that holds none gets the usual round robin.
@Suite struct DataLocalityTests {
  typealias T = CoordinatorCoreTests
  let t = CoordinatorCoreTests()

  /// One shard per experiment, named after it ("aaaa…" for experiment "a").
  struct OneShardEach: ExperimentPreparer {
    func prepare(_ spec: ExperimentSpec) throws -> PreparedShards {
      PreparedShards(shards: [ShardReference(sha256: Self.hash(spec.name), bytes: 100, role: .train)], sourceSHA256: Self.hash("f"))
    }
    func shardBytes(sha256: String) -> [UInt8]? { nil }
    static func hash(_ name: String) -> String { String(repeating: name, count: 64) }
  }

  static func spec(_ name: String) -> ExperimentSpec {
    var s = T.spec(name, trials: 4, parallel: 2)
    s.data = DataSpec(path: "/data/\(name).csv", task: .regression)
    return s
  }

  func ask(_ core: CoordinatorCore, _ worker: String, cached: [String] = []) -> TrialAssignment? {
    guard case .assignment(let a)? = t.send(core, .askForWork(WorkRequest(workerID: worker, cachedShards: cached))).first else { return nil }
    return a
  }

  @Test func aWorkerHoldingTheShards_getsThatExperimentFirst() throws {
    let core = try CoordinatorCore(
      store: ExperimentStore.inMemory(), configuration: T.config,
      samplerFactory: { makeSampler(for: $0.search, direction: $0.objective.direction) }, data: OneShardEach(), now: T.t0)
    #expect(t.submit(core, Self.spec("a"))?.accepted == true)
    #expect(t.submit(core, Self.spec("b"))?.accepted == true)
    try t.awaitPreparations(core)
    // Round robin would start with "a"; this slot holds b's shard.
    let first = try #require(ask(core, "w1-0", cached: [OneShardEach.hash("b")]))
    #expect(first.key.experiment == "b")
    #expect(first.shards.map(\.sha256) == [OneShardEach.hash("b")])
    // Its next ask says nothing new (empty list: as before) and still prefers b.
    t.finish(core, first, value: 1)
    #expect(ask(core, "w1-0")?.key.experiment == "b")
    // A slot that holds nothing gets the round robin (a, then b); so does one whose cache is of no use.
    #expect(ask(core, "w2-0")?.key.experiment == "a")
    #expect(ask(core, "w3-0", cached: [String(repeating: "c", count: 64)])?.key.experiment == "b")
    // b is now at its parallel limit (2 running): the holder of b's shard gets a's trial rather than nothing.
    #expect(ask(core, "w4-0", cached: [OneShardEach.hash("b")])?.key.experiment == "a")
  }
}
