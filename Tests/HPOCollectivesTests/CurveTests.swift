import HPOCollectives
import HPOZeroMQ
import Testing

/// With keys, every peer connection is CURVE and lets in only the gang's keys.
struct CurveTests {
  @Test func aGangWithKeys_allReducesOverCurve() throws {
    let keys = try (0..<3).map { _ in try ZeroMQCurveKeyPair.generate() }
    let inputs = (0..<3).map { GangHarness.buffer(Double.self, count: 1000, seed: 3, rank: $0) }
    let run = try GangHarness.run(size: 3, chunkBytes: 512, keys: keys) { communicator in
      var buffer = inputs[communicator.gang.rank]
      try communicator.allReduceSum(&buffer)
      return GangHarness.bits(buffer)
    }
    let expected = GangHarness.bits(GangHarness.ringOrderSum(inputs))
    for rank in 0..<3 { #expect(try run.results[rank]?.get() == expected) }
  }
}
