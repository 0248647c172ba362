import HPOCollectives
import HPOCore
import Testing

/// Broadcast from a root and barrier, on real sockets.
struct BroadcastBarrierTests {
  @Test(arguments: [0, 1, 2])
  func broadcast_givesEveryMemberTheRootsBuffer(root: Int) throws {
    let inputs = (0..<3).map { GangHarness.buffer(Double.self, count: 1001, seed: 5, rank: $0) }
    let run = try GangHarness.run(size: 3, chunkBytes: 80) { communicator in
      var buffer = inputs[communicator.gang.rank]
      try communicator.broadcast(&buffer, root: root)
      var floats = [Float](repeating: Float(communicator.gang.rank), count: 5)
      try communicator.broadcast(&floats, root: root)
      return GangHarness.bits(buffer) + GangHarness.bits(floats)
    }
    let expected = GangHarness.bits(inputs[root]) + GangHarness.bits([Float](repeating: Float(root), count: 5))
    for rank in 0..<3 { #expect(try run.results[rank]?.get() == expected, "rank \(rank)") }
  }

  @Test func broadcastFromARootOutsideTheGang_isRefused() throws {
    let run = try GangHarness.run(size: 2, deadline: .seconds(2)) { communicator in
      var buffer: [Float] = [1]
      try communicator.broadcast(&buffer, root: 2)
    }
    for rank in 0..<2 {
      #expect(throws: CollectiveError.self) { try run.results[rank]?.get() }
    }
  }

  /// Every member counts itself in before the barrier and reads the count
  /// after it: no member may leave before all have arrived.
  @Test(arguments: [2, 3, 4])
  func barrier_letsNoMemberThroughBeforeAllArrive(size: Int) throws {
    let arrived = Locked(0)
    let counts = Locked([Int]())
    let run = try GangHarness.run(size: size) { communicator in
      for round in 0..<3 {
        arrived.withLock { $0 += 1 }
        try communicator.barrier()
        let seen = arrived.value
        counts.withLock { $0.append(seen >= size * (round + 1) ? 1 : 0) }
        try communicator.barrier()
      }
    }
    for rank in 0..<size { #expect(throws: Never.self) { try run.results[rank]?.get() } }
    #expect(counts.value == [Int](repeating: 1, count: size * 3))
  }
}
