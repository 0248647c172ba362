import Foundation
@testable import HPOCollectives
import Testing

/// All-reduce through shared memory between members on this host (threads
/// of this process, each with its own sockets and its own mapping).
struct SharedMemoryTests {
  /// `((x₀ + x₁) + x₂) + …`: the order the shared-memory path sums in.
  static func rankOrderSum<T: CollectiveElement>(_ inputs: [[T]]) -> [T] {
    var out = inputs[0]
    for input in inputs.dropFirst() {
      for i in out.indices { out[i] = out[i] + input[i] }
    }
    return out
  }

  static let everyone = Set(0..<8)

  func checkAllReduce<T: CollectiveElement>(_: T.Type, size: Int, count: Int, rounds: Int = 1) throws {
    let inputs = (0..<size).map { GangHarness.buffer(T.self, count: count, seed: 5, rank: $0) }
    let expected = GangHarness.bits(Self.rankOrderSum(inputs))
    let run = try GangHarness.run(size: size, sharedMemory: Self.everyone) { communicator in
      var results: [[UInt8]] = []
      for _ in 0..<rounds {
        var buffer = inputs[communicator.gang.rank]
        try communicator.allReduceSum(&buffer)
        results.append(GangHarness.bits(buffer))
      }
      return (communicator.path, results)
    }
    for rank in 0..<size {
      let (path, results) = try #require(try run.results[rank]?.get())
      #expect(path == .sharedMemory, "rank \(rank) of \(size): \(path)")
      for (round, bits) in results.enumerated() {
        #expect(bits == expected, "rank \(rank) of \(size), round \(round), \(count) × \(T.self): not the rank-order sum")
      }
    }
  }

  @Test(arguments: [2, 3, 4], [0, 1, 7])
  func smallOddBuffers_sumExactly(size: Int, count: Int) throws {
    try checkAllReduce(Float.self, size: size, count: count)
    try checkAllReduce(Double.self, size: size, count: count)
  }

  /// 8 MB of doubles: four pieces of a 2 MiB slot, the last one short; three
  /// rounds, so both sets of slots are written twice.
  @Test func aMillionAndThreeDoubles_goInPieces_andSumExactly() throws {
    try checkAllReduce(Double.self, size: 3, count: 1_000_003, rounds: 3)
    try checkAllReduce(Float.self, size: 2, count: 1_000_003)
  }

  /// With two members the ring and shared memory add the same two numbers:
  /// the same bits either way.
  @Test func twoMembers_getTheRingsBits() throws {
    let inputs = (0..<2).map { GangHarness.buffer(Float.self, count: 10_007, seed: 9, rank: $0) }
    #expect(GangHarness.bits(Self.rankOrderSum(inputs)) == GangHarness.bits(GangHarness.ringOrderSum(inputs)))
  }

  @Test func oneMemberThatDoesNotOffer_keepsTheGangOnTheRing() throws {
    let inputs = (0..<3).map { GangHarness.buffer(Double.self, count: 1_001, seed: 3, rank: $0) }
    let run = try GangHarness.run(size: 3, sharedMemory: [0, 2]) { communicator in
      var buffer = inputs[communicator.gang.rank]
      try communicator.allReduceSum(&buffer)
      return (communicator.path, GangHarness.bits(buffer))
    }
    for rank in 0..<3 {
      let (path, bits) = try #require(try run.results[rank]?.get())
      let expected = rank == 1 ? "this member does not offer shared memory" : "rank 1 does not offer shared memory"
      #expect(path == .ring(reason: expected))
      #expect(bits == GangHarness.bits(GangHarness.ringOrderSum(inputs)))
    }
  }

  /// The segment's name is gone once every member has mapped it: a member
  /// that dies later leaves nothing in /dev/shm.
  @Test func theSegmentsName_isRemovedOnceMapped() throws {
    let run = try GangHarness.run(size: 2, id: "shm-name-test", sharedMemory: Self.everyone) { communicator in
      var buffer: [Float] = [1, 2, 3]
      try communicator.allReduceSum(&buffer)
      try communicator.barrier()
      return (communicator.path, FileManager.default.fileExists(atPath: "/dev/shm" + communicator.segmentName))
    }
    for rank in 0..<2 {
      let (path, exists) = try #require(try run.results[rank]?.get())
      #expect(path == .sharedMemory)
      #expect(!exists, "rank \(rank) still sees its segment's name in /dev/shm")
    }
  }

  @Test func membersWithDifferentCounts_failWithAMismatch_atOnce() throws {
    let started = ContinuousClock.now
    let run = try GangHarness.run(size: 3, deadline: .seconds(30), sharedMemory: Self.everyone) { communicator in
      var warmUp: [Double] = [1]
      try communicator.allReduceSum(&warmUp)
      var buffer = [Double](repeating: 1, count: communicator.gang.rank == 2 ? 5 : 4)
      try communicator.allReduceSum(&buffer)
    }
    #expect(ContinuousClock.now - started < .seconds(10))
    for rank in 0..<3 {
      let error = try #require(run.results[rank].flatMap { result -> CollectiveError? in
        if case .failure(let e) = result { return e as? CollectiveError }
        return nil
      }, "rank \(rank) did not fail")
      #expect(error.kind == .mismatch, "rank \(rank): \(error)")
    }
  }

  /// A member that stops calling (dead or stalled) is named by the others
  /// within the deadline; the abort word then stops any still waiting.
  @Test func aMemberThatNeverArrives_isNamedWithinTheDeadline() throws {
    let started = ContinuousClock.now
    let run = try GangHarness.run(size: 3, deadline: .seconds(2), sharedMemory: Self.everyone) { communicator in
      var buffer: [Float] = [1, 2]
      try communicator.allReduceSum(&buffer)
      if communicator.gang.rank == 1 {
        Thread.sleep(forTimeInterval: 4)
        return
      }
      try communicator.allReduceSum(&buffer)
    }
    #expect(ContinuousClock.now - started < .seconds(6))
    for rank in [0, 2] {
      guard case .failure(let failure)? = run.results[rank], let error = failure as? CollectiveError else {
        Issue.record("rank \(rank) did not fail: \(String(describing: run.results[rank]))")
        continue
      }
      #expect(error.kind == .deadlineExceeded, "rank \(rank): \(error)")
      #expect(error.peerRank == 1, "rank \(rank): \(error)")
    }
  }
}
