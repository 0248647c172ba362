import Foundation
import HPOCore
import HPOWire
import HPOWorker
import Testing

/// Shards by content hash: fetched from the coordinator once, verified,
/// kept in the cache folder and served from it to later trials.
@Suite struct ShardCacheTests {
  // Two SHA-256 test vectors (FIPS 180-2), so the hashes are not computed by the code under test.
  static let abc = Array("abc".utf8)
  static let abcHash = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
  static let long = Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)
  static let longHash = "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"

  static func shard(_ hash: String, _ bytes: [UInt8], _ role: ShardRole) -> ShardReference {
    ShardReference(sha256: hash, bytes: bytes.count, role: role)
  }

  static func cacheFiles(_ w: RunningWorker) throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: w.cache.path).sorted()
  }

  @Test func aShard_isFetchedOnceByHashThenServedFromTheCache() throws {
    let a = assignment(0, shards: [Self.shard(Self.abcHash, Self.abc, .train)])
    let b = assignment(1, shards: [Self.shard(Self.abcHash, Self.abc, .train), Self.shard(Self.longHash, Self.long, .validation)])
    let runner = ScriptedRunner()
    let c = FakeCoordinator(asks: [[.assignment(a)], [.assignment(b)]], shards: [Self.abcHash: Self.abc, Self.longHash: Self.long])
    let w = RunningWorker(c, runner: runner)
    #expect(c.waitUntil { $0.results.count >= 2 })
    #expect(w.shutDown())
    #expect(c.shardRequests == [Self.abcHash, Self.longHash], "trial 1 did not ask again for the shard trial 0 fetched")
    #expect(c.results.map(\.status) == [.complete, .complete])
    // Each run read the right bytes from its local files.
    #expect(runner.log.runs.map(\.shardBytes) == [
      [Self.abcHash: Self.abc],
      [Self.abcHash: Self.abc, Self.longHash: Self.long],
    ])
    // The cache holds each shard under its hash, and no partial file.
    #expect(try Self.cacheFiles(w) == [Self.longHash, Self.abcHash])
    #expect(Array(try Data(contentsOf: w.cache.appendingPathComponent(Self.abcHash))) == Self.abc)
  }

  /// A shard larger than a chunk comes chunk by chunk, each asked for at
  /// the byte where the last ended, and is cached whole.
  @Test func aShardLargerThanAChunk_isFetchedChunkByChunk() throws {
    let a = assignment(0, shards: [Self.shard(Self.longHash, Self.long, .train)])
    let runner = ScriptedRunner()
    let c = FakeCoordinator(asks: [[.assignment(a)]], shards: [Self.longHash: Self.long], chunkBytes: 20)
    let w = RunningWorker(c, runner: runner)
    #expect(c.waitUntil { $0.contains(where: isResult) })
    #expect(w.shutDown())
    #expect(c.messages.shardOffsets == [0, 20, 40], "56 bytes in chunks of 20")
    #expect(c.results.first?.status == .complete)
    #expect(runner.log.runs.first?.shardBytes == [Self.longHash: Self.long])
    #expect(try Self.cacheFiles(w) == [Self.longHash], "no partial file left beside it")
  }

  /// A shard whose size on the coordinator is not the one the assignment
  /// names is refused before it is used or cached.
  @Test func aShardOfAnotherSize_isRefusedAndNotCached() throws {
    let a = assignment(0, shards: [ShardReference(sha256: Self.abcHash, bytes: 4, role: .train)])
    let runner = ScriptedRunner()
    let c = FakeCoordinator(asks: [[.assignment(a)]], shards: [Self.abcHash: Self.abc])
    let w = RunningWorker(c, runner: runner)
    #expect(c.waitUntil { $0.contains(where: isResult) })
    #expect(w.shutDown())
    #expect(c.results.first?.error == "shard \(Self.abcHash) arrived with 3 bytes from byte 0 (3 in the chunk); the assignment says 4")
    #expect(runner.log.runs.isEmpty)
    #expect(try Self.cacheFiles(w) == [])
  }

  @Test func aShardAlreadyInTheCache_isNotRequested() throws {
    let cache = temporaryDirectory()
    try FileManager.default.createDirectory(at: cache, withIntermediateDirectories: true)
    try Data(Self.abc).write(to: cache.appendingPathComponent(Self.abcHash))
    let a = assignment(0, shards: [Self.shard(Self.abcHash, Self.abc, .train)])
    let runner = ScriptedRunner()
    let c = FakeCoordinator(asks: [[.assignment(a)]])  // serves no shard at all
    let w = RunningWorker(c, runner: runner, cache: cache)
    #expect(c.waitUntil { $0.contains(where: isResult) })
    #expect(w.shutDown())
    #expect(c.shardRequests.isEmpty)
    #expect(c.results.first?.status == .complete)
    #expect(runner.log.runs.first?.shardBytes == [Self.abcHash: Self.abc])
    #expect(c.asksReceived.first?.cachedShards == [Self.abcHash], "the first ask tells the coordinator what the cache holds")
  }

  @Test func asks_tellTheCachedShardsOnlyWhenTheyChange() throws {
    let a = assignment(0, shards: [Self.shard(Self.abcHash, Self.abc, .train)])
    let c = FakeCoordinator(asks: [[.assignment(a)]], shards: [Self.abcHash: Self.abc])
    let w = RunningWorker(c, runner: ScriptedRunner())
    #expect(c.waitUntil { $0.asks.count >= 4 })
    #expect(w.shutDown())
    let asks = c.asksReceived
    #expect(asks[0].cachedShards == [], "an empty cache")
    #expect(asks[1].cachedShards == [Self.abcHash], "after the fetch: the new listing")
    #expect(asks[2...].allSatisfy { $0.cachedShards.isEmpty }, "unchanged: empty means as before")
  }

  @Test func aShardWhoseBytesDoNotMatchItsHash_isRefusedAndNotCached() throws {
    let a = assignment(0, shards: [Self.shard(Self.abcHash, Self.abc, .train)])
    let b = assignment(1, shards: [Self.shard(Self.abcHash, Self.abc, .train)])
    let runner = ScriptedRunner()
    // The coordinator (or the network) sends other bytes under the hash.
    let c = FakeCoordinator(asks: [[.assignment(a)], [.assignment(b)]], shards: [Self.abcHash: Array("abd".utf8)])
    let w = RunningWorker(c, runner: runner)
    #expect(c.waitUntil { $0.results.count >= 2 })
    #expect(w.shutDown())
    let results = c.results
    #expect(results.map(\.status) == [.failed, .failed])
    #expect(results.first?.error == "shard \(Self.abcHash) arrived corrupted (its SHA-256 differs)")
    #expect(runner.log.runs.isEmpty, "no trial ran on corrupted data")
    #expect(c.shardRequests == [Self.abcHash, Self.abcHash], "the refused bytes were not cached: the next trial asks again")
    #expect(try Self.cacheFiles(w) == [])
  }

  @Test func aShardTheCoordinatorDoesNotHave_failsTheTrialWithItsMessage() throws {
    let a = assignment(0, shards: [Self.shard(Self.abcHash, Self.abc, .train)])
    let runner = ScriptedRunner()
    let c = FakeCoordinator(asks: [[.assignment(a)]])
    let w = RunningWorker(c, runner: runner)
    #expect(c.waitUntil { $0.contains(where: isResult) })
    #expect(w.shutDown())
    #expect(c.results.first?.status == .failed)
    #expect(c.results.first?.error == "the coordinator has no shard \(Self.abcHash)")
    #expect(runner.log.runs.isEmpty)
  }
}
