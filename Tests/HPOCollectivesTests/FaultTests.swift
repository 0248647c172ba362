import HPOCollectives
import HPOZeroMQ
import Testing

/// Deadlines, absent members, disagreeing members, bad gangs.
struct FaultTests {
  /// Rank 2 never joins (nothing listens at its address): its neighbours,
  /// the two others, throw within the deadline naming rank 2 and its address.
  @Test func aMemberThatNeverJoins_isNamedByTheOthers_whenTheDeadlinePasses() throws {
    let run = try GangHarness.run(size: 3, absent: [2], deadline: .seconds(1)) { communicator in
      var buffer = [Double](repeating: 1, count: 10)
      try communicator.allReduceSum(&buffer)
    }
    for rank in [0, 1] {
      let error = try #require(throws: CollectiveError.self) { try run.results[rank]?.get() }
      #expect(error.kind == .deadlineExceeded)
      #expect(error.peerRank == 2)
      #expect(error.peerAddress == run.addresses[2])
      #expect(error.description.contains(run.addresses[2]), "\(error)")
      #expect(error.description.contains("rank 2"), "\(error)")
    }
  }

  /// In a gang of 4, rank 0 is no neighbour of the absent rank 2: it waits
  /// on rank 3, which gives up on rank 2 and says so; rank 0 names rank 2.
  @Test func aMemberThatNeverJoins_isNamedByNonNeighboursToo() throws {
    let run = try GangHarness.run(size: 4, absent: [2], deadline: .seconds(2)) { communicator in
      var buffer = [Float](repeating: 1, count: 100)
      try communicator.allReduceSum(&buffer)
    }
    for rank in [0, 1, 3] {
      let error = try #require(throws: CollectiveError.self) { try run.results[rank]?.get() }
      #expect(error.kind == .deadlineExceeded, "\(error)")
      #expect(error.peerRank == 2 && error.peerAddress == run.addresses[2], "rank \(rank): \(error)")
    }
  }

  @Test(arguments: ["all-reduce", "broadcast", "barrier"])
  func everyCollective_hasADeadline(operation: String) throws {
    let run = try GangHarness.run(size: 2, absent: [1], deadline: .milliseconds(500)) { communicator in
      var buffer: [Float] = [1, 2]
      switch operation {
      case "all-reduce": try communicator.allReduceSum(&buffer)
      case "broadcast": try communicator.broadcast(&buffer, root: 1)
      default: try communicator.barrier()
      }
    }
    let error = try #require(throws: CollectiveError.self) { try run.results[0]?.get() }
    #expect(error.kind == .deadlineExceeded && error.peerRank == 1, "\(error)")
    #expect(error.operation.hasPrefix(operation), "\(error)")
  }

  /// After a failure the communicator is broken: the next call rethrows.
  @Test func afterAFailure_everyCallRethrowsIt() throws {
    let run = try GangHarness.run(size: 2, absent: [1], deadline: .milliseconds(300)) { communicator in
      let first = try #require(throws: CollectiveError.self) { try communicator.barrier() }
      let second = try #require(throws: CollectiveError.self) { try communicator.barrier() }
      return first == second
    }
    #expect(try run.results[0]?.get() == true)
  }

  @Test func membersPassingDifferentLengths_getAMismatchNamingThePeer() throws {
    let run = try GangHarness.run(size: 2, deadline: .seconds(5)) { communicator in
      var buffer = [Double](repeating: 1, count: 5 + communicator.gang.rank)
      try communicator.allReduceSum(&buffer)
    }
    for rank in 0..<2 {
      let error = try #require(throws: CollectiveError.self) { try run.results[rank]?.get() }
      #expect(error.kind == .mismatch && error.peerRank == 1 - rank, "\(error)")
      #expect(error.description.contains("5") && error.description.contains("6"), "\(error)")
    }
  }

  @Test func membersCallingDifferentElementTypes_getAMismatch() throws {
    let run = try GangHarness.run(size: 2, deadline: .seconds(5)) { communicator in
      if communicator.gang.rank == 0 {
        var buffer: [Float] = [1]
        try communicator.allReduceSum(&buffer)
      } else {
        var buffer: [Double] = [1]
        try communicator.allReduceSum(&buffer)
      }
    }
    for rank in 0..<2 {
      let error = try #require(throws: CollectiveError.self) { try run.results[rank]?.get() }
      #expect(error.kind == .mismatch, "\(error)")
    }
  }

  @Test func aBadGang_isRefusedNamingTheField() throws {
    let context = try ZeroMQContext()
    defer { context.close() }
    func refusal(_ gang: Gang) throws -> String {
      let listener = try GangListener(transport: ZeroMQPeerTransport(context: context), gangID: gang.id, rank: gang.rank)
      let error = try #require(throws: CollectiveError.self) { try GangCommunicator(gang: gang, listener: listener) }
      #expect(error.kind == .invalidGang)
      return error.message
    }
    let a = ["tcp://127.0.0.1:1", "tcp://127.0.0.1:2"]
    #expect(try refusal(Gang(id: "g", rank: 2, addresses: a, deadline: .seconds(1))).contains("rank 2"))
    #expect(try refusal(Gang(id: "g", rank: 0, addresses: a, deadline: .zero)).contains("deadline"))
    #expect(try refusal(Gang(id: "g", rank: 0, addresses: a, deadline: .seconds(1), chunkBytes: 4)).contains("chunkBytes 4"))
    #expect(try refusal(Gang(id: "g", rank: 0, addresses: ["tcp://127.0.0.1:1", "10.0.0.1:2"], deadline: .seconds(1))).contains("10.0.0.1:2"))
  }

  /// With CURVE, the gang's key at this member's rank must be its transport's,
  /// and a transport without a key pair cannot listen for the gang at all.
  @Test func aGangWhoseKeyIsNotTheMembers_isRefused() throws {
    let context = try ZeroMQContext()
    defer { context.close() }
    let mine = try ZeroMQCurveKeyPair.generate(), other = try ZeroMQCurveKeyPair.generate()
    let security = GangSecurity(publicKeys: [other.publicKey, mine.publicKey])
    let listener = try GangListener(
      transport: ZeroMQPeerTransport(context: context, keyPair: mine), gangID: "g", rank: 0, security: security)
    let gang = Gang(id: "g", rank: 0, addresses: ["tcp://127.0.0.1:1", "tcp://127.0.0.1:2"], deadline: .seconds(1), security: security)
    let error = try #require(throws: CollectiveError.self) { try GangCommunicator(gang: gang, listener: listener) }
    #expect(error.kind == .invalidGang && error.message.contains("security.publicKeys[0]"), "\(error)")

    let keyless = try #require(throws: CollectiveError.self) {
      try GangListener(transport: ZeroMQPeerTransport(context: context), gangID: "g", rank: 0, security: security)
    }
    #expect(keyless.kind == .transport && keyless.message.contains("no key pair"), "\(keyless)")
    let badKey = try #require(throws: CollectiveError.self) {
      try GangListener(
        transport: ZeroMQPeerTransport(context: context, keyPair: mine), gangID: "g", rank: 0,
        security: GangSecurity(publicKeys: [mine.publicKey, "not-a-key"]))
    }
    #expect(badKey.message.contains("public key #1 is not a 40-character Z85 key"), "\(badKey)")
  }
}
