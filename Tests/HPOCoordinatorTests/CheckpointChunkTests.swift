import Foundation
import HPOCore
import HPOStore
import HPOWire
import Testing
@testable import HPOCoordinator

/// A command trial's checkpoint received in chunks: kept only when whole
/// and verified; a chunk of a stale attempt, out of order or that does not
/// fit is refused and what was received of its upload deleted; a later
/// attempt is served it back chunk by chunk.
@Suite struct CheckpointChunkTests {
  let t = CoordinatorCoreTests()
  let output = FileManager.default.temporaryDirectory.appendingPathComponent("hpo-chunks-\(UUID().uuidString)")

  var checkpoints: URL { output.appendingPathComponent("checkpoints") }

  /// Every name in `output.dir/checkpoints/`, temporary files included.
  func files() throws -> [String] {
    guard FileManager.default.fileExists(atPath: checkpoints.path) else { return [] }
    return try FileManager.default.contentsOfDirectory(atPath: checkpoints.path).sorted()
  }

  /// A core running a command experiment (keep_top 1) whose trial 0 is leased to "w1".
  func started(_ store: ExperimentStore) throws -> (CoordinatorCore, TrialAssignment) {
    var spec = CommandTrialTests.spec(trials: 2)
    spec.output = OutputSpec(dir: output.path, keepTop: 1)
    let core = try CoordinatorCoreTests.core(store)
    #expect(t.submit(core, spec)?.accepted == true)
    guard case .assignment(let a)? = t.send(core, .askForWork(WorkRequest(workerID: "w1", runsCommands: true))).first else {
      throw CommandTrialTestFailure("no assignment")
    }
    return (core, a)
  }

  /// Sends `bytes[range]` as a chunk of the checkpoint `bytes` of `key`; returns the receipt.
  func chunk(
    _ core: CoordinatorCore, _ key: TrialKey, _ bytes: [UInt8], _ range: Range<Int>, sha256: String? = nil, total: Int? = nil
  ) -> CheckpointReceipt? {
    let c = CheckpointTransfer(
      key: key, sha256: sha256 ?? SHA256Hex.of(bytes), offset: range.lowerBound, total: total ?? bytes.count,
      bytes: Array(bytes[range]))
    guard case .checkpointReceipt(let r)? = t.send(core, .checkpoint(c)).first else { return nil }
    return r
  }

  static let bundle: [UInt8] = (0..<1000).map { UInt8(truncatingIfNeeded: $0 &* 7) }

  @Test func chunksInOrder_becomeTheCheckpointOnlyWhenWhole() throws {
    let store = ExperimentStore.inMemory()
    let (core, a) = try started(store)
    defer { try? FileManager.default.removeItem(at: output) }  // a leftover temporary folder harms nothing
    #expect(chunk(core, a.key, Self.bundle, 0..<400)?.received == 400)
    #expect(chunk(core, a.key, Self.bundle, 400..<800)?.received == 800)
    // Half-received: a temporary file, no checkpoint, nothing recorded.
    #expect(try files().count == 1 && !(try files().contains("trial-0.bundle")))
    #expect(try store.checkpoints(of: "cmd").isEmpty)
    let last = chunk(core, a.key, Self.bundle, 800..<1000)
    #expect(last == CheckpointReceipt(key: a.key, sha256: SHA256Hex.of(Self.bundle), received: 1000))
    #expect(try files() == ["trial-0.bundle"])
    #expect(Array(try Data(contentsOf: checkpoints.appendingPathComponent("trial-0.bundle"))) == Self.bundle)
    let stored = try #require(try store.checkpoints(of: "cmd").first)
    #expect(stored.sha256 == SHA256Hex.of(Self.bundle) && stored.bytes == 1000)
  }

  @Test func outOfOrderWrongTotalOrWrongHash_areRefused_andThePartialFileIsDeleted() throws {
    let store = ExperimentStore.inMemory()
    let (core, a) = try started(store)
    defer { try? FileManager.default.removeItem(at: output) }  // a leftover temporary folder harms nothing
    // A complete checkpoint first: refusals of later uploads leave it alone.
    #expect(chunk(core, a.key, Self.bundle, 0..<1000)?.received == 1000)
    let newer = Self.bundle.map { $0 ^ 0xFF }
    let refused: [(String, () -> CheckpointReceipt?, String)] = [
      ("a gap", { chunk(core, a.key, newer, 600..<1000) }, "a chunk at byte 600 out of order (byte 300 was due)"),
      ("a repeat", { chunk(core, a.key, newer, 200..<500) }, "a chunk at byte 200 out of order (byte 300 was due)"),
      ("another total", { chunk(core, a.key, newer, 300..<600, total: 2000) }, "a chunk naming a total of 2000 bytes; its upload's first chunk named 1000"),
    ]
    for (name, send, reason) in refused {
      #expect(chunk(core, a.key, newer, 0..<300)?.received == 300, "\(name)")
      #expect(try files().count == 2, "\(name): the checkpoint and the partial file")
      #expect(send()?.refusal == "checkpoint of \(a.key) refused: \(reason)", "\(name)")
      #expect(try files() == ["trial-0.bundle"], "\(name): the partial file is deleted")
      #expect(chunk(core, a.key, newer, 300..<1000)?.refusal != nil, "\(name): the upload cannot go on")
      #expect(Array(try Data(contentsOf: checkpoints.appendingPathComponent("trial-0.bundle"))) == Self.bundle)
    }

    // A stray chunk of another checkpoint leaves the upload under way alone.
    #expect(chunk(core, a.key, newer, 0..<300)?.received == 300)
    #expect(chunk(core, a.key, newer, 300..<600, sha256: String(repeating: "0", count: 64))?.refusal != nil)
    #expect(chunk(core, a.key, newer, 300..<1000)?.received == 1000)
    #expect(Array(try Data(contentsOf: checkpoints.appendingPathComponent("trial-0.bundle"))) == newer)

    // Offset 0 again starts the upload over: the earlier partial file is replaced, not kept beside it.
    #expect(chunk(core, a.key, Self.bundle, 0..<300)?.received == 300)
    #expect(chunk(core, a.key, Self.bundle, 0..<300)?.received == 300)
    #expect(try files().count == 2)

    #expect(chunk(core, a.key, Self.bundle, 300..<1000)?.received == 1000)
    // Whole, but not what its chunks named.
    let wrong = chunk(core, a.key, newer, 0..<1000, sha256: SHA256Hex.of(Self.bundle))
    #expect(wrong?.refusal == "checkpoint of \(a.key) refused: its SHA-256 is \(SHA256Hex.of(newer)), not the \(SHA256Hex.of(Self.bundle)) its chunks named")
    #expect(try files() == ["trial-0.bundle"])
    #expect(Array(try Data(contentsOf: checkpoints.appendingPathComponent("trial-0.bundle"))) == Self.bundle)
    #expect(try store.checkpoints(of: "cmd").first?.sha256 == SHA256Hex.of(Self.bundle))
  }

  @Test func staleAttemptsChunks_areRefused_whileTheCurrentAttemptsUploadGoesOn() throws {
    let store = ExperimentStore.inMemory()
    let (core, first) = try started(store)
    defer { try? FileManager.default.removeItem(at: output) }  // a leftover temporary folder harms nothing
    #expect(chunk(core, first.key, Self.bundle, 0..<500)?.received == 500)
    // The attempt asks to be retried before its upload ended: what it sent is dropped.
    _ = t.send(core, .result(TrialResult(key: first.key, status: .retry, metrics: [:], epochs: 1, seconds: 1)))
    #expect(try files().isEmpty)
    guard case .assignment(let second)? = t.send(core, .askForWork(WorkRequest(workerID: "w2", runsCommands: true))).first else {
      Issue.record("no second attempt")
      return
    }
    #expect(second.key.attempt == 2 && second.shards.isEmpty, "no checkpoint was kept to resume from")
    #expect(chunk(core, second.key, Self.bundle, 0..<500)?.received == 500)
    let stale = chunk(core, first.key, Self.bundle, 500..<1000)
    #expect(stale?.refusal == "checkpoint of \(first.key) refused: attempt 1 no longer holds the trial's lease")
    let staleStart = chunk(core, first.key, Self.bundle, 0..<1000)
    #expect(staleStart?.refusal != nil)
    #expect(try files().count == 1, "the current attempt's partial file stays")
    #expect(chunk(core, second.key, Self.bundle, 500..<1000)?.received == 1000)
    #expect(try files() == ["trial-0.bundle"])
  }

  /// A checkpoint larger than a chunk goes back to the trial's next attempt
  /// as a `.resume` shard, served chunk by chunk from its file.
  @Test func resumeShard_isServedInChunksFromTheFile() throws {
    let store = ExperimentStore.inMemory()
    let (core, first) = try started(store)
    defer { try? FileManager.default.removeItem(at: output) }  // a leftover temporary folder harms nothing
    let size = WireLimits.chunkBytes + 12_345
    let big = (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 11) }
    #expect(chunk(core, first.key, big, 0..<WireLimits.chunkBytes)?.received == WireLimits.chunkBytes)
    #expect(chunk(core, first.key, big, WireLimits.chunkBytes..<size)?.received == size)
    _ = t.send(core, .result(TrialResult(key: first.key, status: .retry, metrics: [:], epochs: 1, seconds: 1)))
    guard case .assignment(let second)? = t.send(core, .askForWork(WorkRequest(workerID: "w1", runsCommands: true))).first,
      let resume = second.shards.first(where: { $0.role == .resume })
    else {
      Issue.record("no resume shard")
      return
    }
    #expect(resume.sha256 == SHA256Hex.of(big) && resume.bytes == size)
    var received: [UInt8] = []
    while received.count < size {
      guard case .shard(let s)? = t.send(core, .shardRequest(ShardRequest(sha256: resume.sha256, offset: received.count))).first else {
        Issue.record("no chunk at \(received.count)")
        return
      }
      #expect(s.offset == received.count && s.total == size && s.bytes.count <= WireLimits.chunkBytes)
      received += s.bytes
    }
    #expect(received == big)
    guard case .error(let past)? = t.send(core, .shardRequest(ShardRequest(sha256: resume.sha256, offset: size + 1))).first else {
      Issue.record("no error for an offset past the end")
      return
    }
    #expect(past.code == .badMessage)
    #expect(past.message == "the shard with SHA-256 \(resume.sha256) has \(size) bytes; offset \(size + 1) is past its end")
  }

  @Test func keepTopZero_keepsNothing_andSaysSo() throws {
    let store = ExperimentStore.inMemory()
    var spec = CommandTrialTests.spec(trials: 1)
    spec.output = OutputSpec(dir: output.path, keepTop: 0)
    let core = try CoordinatorCoreTests.core(store)
    _ = t.submit(core, spec)
    guard case .assignment(let a)? = t.send(core, .askForWork(WorkRequest(workerID: "w1", runsCommands: true))).first else {
      Issue.record("no assignment")
      return
    }
    #expect(chunk(core, a.key, Self.bundle, 0..<500)?.refusal == "output.keep_top is 0: no checkpoint is kept")
    #expect(try files().isEmpty)
  }
}
