// zmq_poll over a ROUTER plus a control socket.
import HPOZeroMQ
import Testing

@Suite struct PollTests {
  @Test func pollReportsReadability() throws {
    try withContext { context in
      let (router, endpoint) = try makeBoundRouter(context)
      let control = try ZeroMQSocket(.pull, context: context, bind: [inprocName("poll-control")])
      let controller = try ZeroMQSocket(.push, context: context, connect: [inprocName("poll-control")])
      let dealer = try makeDealer(context, id: "p", endpoint: endpoint)
      let sockets = [router, control]

      // Nothing waiting: a bounded wait, then nothing readable.
      let clock = ContinuousClock()
      let start = clock.now
      #expect(try ZeroMQPoller.readable(sockets, timeout: .milliseconds(50)).isEmpty)
      #expect(clock.now - start >= .milliseconds(40))
      #expect(try ZeroMQPoller.readable(sockets, timeout: .zero).isEmpty)

      try controller.send(ZeroMQMessage(strings: ["stop"]))
      #expect(try ZeroMQPoller.readable(sockets, timeout: patience) == [1])

      try dealer.send(ZeroMQMessage(strings: ["work"]))
      // Wait until the tcp message is in too (bounded).
      let deadline = clock.now.advanced(by: patience)
      var ready: [Int] = []
      while clock.now < deadline {
        ready = try ZeroMQPoller.readable(sockets, timeout: .milliseconds(50))
        if ready == [0, 1] { break }
      }
      #expect(ready == [0, 1])

      #expect(try control.receive().string(at: 0) == "stop")
      #expect(try ZeroMQPoller.readable(sockets, timeout: .zero) == [0])
      #expect(try router.receive().string(at: 1) == "work")
      #expect(try ZeroMQPoller.readable(sockets, timeout: .zero).isEmpty)

      // Writability: a connected DEALER can send; readable+writable request.
      let events = try ZeroMQPoller.poll([ZeroMQPollItem(dealer, events: [.readable, .writable])], timeout: patience)
      #expect(events == [.writable])
    }
  }

  @Test func pollingAClosedSocketThrows() throws {
    try withContext { context in
      let socket = try ZeroMQSocket(.pull, context: context)
      socket.close()
      let error = #expect(throws: ZeroMQError.self) { _ = try ZeroMQPoller.readable([socket], timeout: .zero) }
      #expect(error?.isClosed == true)
    }
  }
}
