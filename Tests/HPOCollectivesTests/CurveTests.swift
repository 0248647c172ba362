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

  /// Listeners bound with CURVE before the members are known (admitting
  /// nobody, as a worker binds before the coordinator's start): the
  /// communicator admits the gang's keys, and the all-reduce goes through.
  @Test func listenersThatAdmitTheGangsKeysLater_allReduceOverCurve() throws {
    let keys = try (0..<3).map { _ in try ZeroMQCurveKeyPair.generate() }
    let inputs = (0..<3).map { GangHarness.buffer(Float.self, count: 777, seed: 5, rank: $0) }
    let run = try GangHarness.run(size: 3, chunkBytes: 256, keys: keys, admitLater: true) { communicator in
      var buffer = inputs[communicator.gang.rank]
      try communicator.allReduceSum(&buffer)
      return GangHarness.bits(buffer)
    }
    let expected = GangHarness.bits(GangHarness.ringOrderSum(inputs))
    for rank in 0..<3 { #expect(try run.results[rank]?.get() == expected) }
  }

  /// Rank 2 holds a key pair the gang does not know: rank 1 cannot complete
  /// its handshake with it and rank 0 refuses its connection; both throw
  /// within the deadline naming rank 2.
  @Test func aMemberWithAnUnknownKey_isRefused_andNamed() throws {
    let keys = try (0..<3).map { _ in try ZeroMQCurveKeyPair.generate() }
    let impostor = try ZeroMQCurveKeyPair.generate()
    let run = try GangHarness.run(size: 3, deadline: .seconds(1), keys: keys, impostors: [2: impostor]) { communicator in
      try communicator.barrier()
    }
    for rank in 0..<2 {
      let error = try #require(throws: CollectiveError.self) { try run.results[rank]?.get() }
      #expect(error.kind == .deadlineExceeded && error.peerRank == 2, "\(error)")
    }
    #expect(throws: CollectiveError.self) { try run.results[2]?.get() }
  }
}
