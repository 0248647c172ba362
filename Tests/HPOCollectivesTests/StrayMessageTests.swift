import HPOCore
import HPOZeroMQ
import Testing

@testable import HPOCollectives

/// Messages that are not the expected one from this gang's ring predecessor
/// are refused (dropped and counted), and the collectives go on.
struct StrayMessageTests {
  @Test func junk_anotherGang_andANonNeighbour_areRefused() throws {
    let run = try GangHarness.run(size: 3, deadline: .seconds(20)) { communicator in
      let gang = communicator.gang
      if gang.rank == 0 {
        // A stranger connects to rank 0 and sends three strays.
        let context = try ZeroMQContext()
        defer { context.close() }
        let stranger = try ZeroMQSocket(.push, context: context, linger: .seconds(5), connect: [gang.addresses[0]])
        defer { stranger.close() }
        func header(sender: Int) -> [UInt8] {
          CollectiveHeader(
            kind: .allReduce, elementCode: Double.wireCode, sender: sender, sequence: 0, step: 0, chunk: 0,
            elementCount: 4
          ).bytes
        }
        let payload = [UInt8](repeating: 0, count: 8)
        try stranger.send([Array("junk".utf8)])
        try stranger.send([header(sender: 2), Array("another-gang".utf8), payload])
        try stranger.send([header(sender: 1), Array(gang.id.utf8), payload])
      }
      // Until rank 0 has seen all three (they may arrive late), every round
      // must still sum right; the members agree on when to stop by summing
      // rank 0's count.
      var sums: [Double] = []
      for _ in 0..<500 {
        var buffer: [Double] = [1, 2, 3, 4]
        try communicator.allReduceSum(&buffer)
        sums.append(contentsOf: buffer)
        var refused = [Double(gang.rank == 0 ? communicator.refusedMessages : 0)]
        try communicator.allReduceSum(&refused)
        if refused[0] >= 3 { return (sums.count / 4, refused[0], sums.allSatisfy { [3.0, 6, 9, 12].contains($0) }) }
      }
      return (sums.count / 4, -1, false)
    }
    for rank in 0..<3 {
      let (_, refused, allRight) = try #require(try run.results[rank]?.get())
      #expect(refused == 3, "rank 0 refused exactly the three strays")
      #expect(allRight)
    }
  }
}
