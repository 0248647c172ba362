import HPOCollectives
import HPOZeroMQ
import Testing

/// Ring all-reduce between members on real sockets (127.0.0.1), as threads.
struct AllReduceTests {
  /// Each member all-reduces its seeded buffer; every member must end with
  /// exactly the ring-order sum computed here.
  func checkAllReduce<T: CollectiveElement>(
    _ type: T.Type, size: Int, count: Int, chunkBytes: Int = Gang.defaultChunkBytes, seed: UInt64 = 7
  ) throws {
    let inputs = (0..<size).map { GangHarness.buffer(T.self, count: count, seed: seed, rank: $0) }
    let expected = GangHarness.bits(GangHarness.ringOrderSum(inputs))
    let run = try GangHarness.run(size: size, chunkBytes: chunkBytes) { communicator in
      var buffer = inputs[communicator.gang.rank]
      try communicator.allReduceSum(&buffer)
      return GangHarness.bits(buffer)
    }
    for rank in 0..<size {
      let bits = try #require(try run.results[rank]?.get())
      #expect(bits == expected, "rank \(rank) of \(size), \(count) × \(T.self): not the ring-order sum")
    }
  }

  @Test(arguments: [2, 3, 4], [0, 1, 3, 7])
  func emptyAndSmallOddBuffers_sumExactly(size: Int, count: Int) throws {
    try checkAllReduce(Float.self, size: size, count: count)
    try checkAllReduce(Double.self, size: size, count: count)
  }

  @Test func aMillionAndThreeDoubles_streamInChunks_andSumExactly() throws {
    try checkAllReduce(Double.self, size: 3, count: 1_000_003)
  }

  @Test func aMillionAndThreeFloats_sumExactly_withTwoAndFourMembers() throws {
    try checkAllReduce(Float.self, size: 2, count: 1_000_003)
    try checkAllReduce(Float.self, size: 4, count: 1_000_003, chunkBytes: 256 * 1024)
  }

  /// 8 doubles per chunk: segments that end on, just before and just after
  /// a chunk boundary; and one element per chunk.
  @Test(arguments: [47, 48, 49, 71, 72, 73])
  func segmentsStraddlingChunkBoundaries_sumExactly(count: Int) throws {
    try checkAllReduce(Double.self, size: 3, count: count, chunkBytes: 64)
    try checkAllReduce(Float.self, size: 3, count: count, chunkBytes: 32)
  }

  @Test func oneElementPerChunk_sumsExactly() throws {
    try checkAllReduce(Double.self, size: 4, count: 7, chunkBytes: 8)
  }

  @Test func twoRuns_giveTheSameBits_onEveryMember() throws {
    let inputs = (0..<3).map { GangHarness.buffer(Float.self, count: 100_003, seed: 11, rank: $0) }
    func once() throws -> [[UInt8]] {
      let run = try GangHarness.run(size: 3, chunkBytes: 4096) { communicator in
        var buffer = inputs[communicator.gang.rank]
        try communicator.allReduceSum(&buffer)
        return GangHarness.bits(buffer)
      }
      return try (0..<3).map { try #require(try run.results[$0]?.get()) }
    }
    let first = try once(), second = try once()
    #expect(Set(first).count == 1, "every member holds the same bits")
    #expect(first == second, "and the same bits run to run")
  }

  @Test func manyCollectivesInARow_keepTheirOrder() throws {
    let run = try GangHarness.run(size: 3, chunkBytes: 64) { communicator in
      var sums: [Double] = []
      for round in 0..<20 {
        var buffer = [Double](repeating: Double(communicator.gang.rank + round), count: 1 + round)
        try communicator.allReduceSum(&buffer)
        sums.append(contentsOf: buffer)
        try communicator.barrier()
      }
      return sums
    }
    let expected = (0..<20).flatMap { round in [Double](repeating: Double(3 + 3 * round), count: 1 + round) }
    for rank in 0..<3 { #expect(try run.results[rank]?.get() == expected) }
  }

  @Test func aGangOfOne_isANoOp() throws {
    let run = try GangHarness.run(size: 1) { communicator in
      var buffer: [Float] = [1, 2, 3]
      try communicator.allReduceSum(&buffer)
      try communicator.broadcast(&buffer, root: 0)
      try communicator.barrier()
      return buffer
    }
    #expect(try run.results[0]?.get() == [1, 2, 3])
  }
}
