// Errors keep errno and operation; timeouts; address in use; closing.
import HPOZeroMQ
import Testing
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@Suite struct ErrorTests {
  @Test func receiveTimeoutKeepsErrno() throws {
    try withContext { context in
      let pull = try ZeroMQSocket(.pull, context: context, bind: [inprocName("timeout")])
      try pull.setReceiveTimeout(.milliseconds(50))
      let clock = ContinuousClock()
      let start = clock.now
      let error = #expect(throws: ZeroMQError.self) { try pull.receive() }
      #expect(clock.now - start >= .milliseconds(40))
      #expect(clock.now - start < patience)
      #expect(error?.isTimeout == true)
      #expect(error?.code == EAGAIN)
      #expect(error?.operation == "zmq_msg_recv")
      #expect(error?.isTerminated == false)
      #expect(error?.description.contains("zmq_msg_recv") == true)
      #expect(error?.description.contains("errno \(EAGAIN)") == true)
    }
  }

  @Test func bindingATakenPortFailsWithAddressInUse() throws {
    try withContext { context in
      let (first, endpoint) = try makeBoundRouter(context)

      // The initialiser closes its half-built socket before throwing; if it
      // leaked, context.close() at the end of withContext would hang.
      let initError = #expect(throws: ZeroMQError.self) {
        _ = try ZeroMQSocket(.router, context: context, bind: [endpoint])
      }
      #expect(initError?.code == EADDRINUSE)
      #expect(initError?.isAddressInUse == true)
      #expect(initError?.operation == "zmq_bind")

      // A plain bind failure leaves the socket usable.
      let second = try ZeroMQSocket(.router, context: context)
      let bindError = #expect(throws: ZeroMQError.self) { try second.bind(endpoint) }
      #expect(bindError?.code == EADDRINUSE)
      try second.bind("tcp://127.0.0.1:*")
      #expect(try second.lastEndpoint != endpoint)
      second.close()
      second.close()
      first.close()
    }
  }

  @Test func closingIsIdempotent() throws {
    let context = try ZeroMQContext()
    let socket = try ZeroMQSocket(.dealer, context: context)
    #expect(!socket.isClosed)
    socket.close()
    socket.close()
    #expect(socket.isClosed)
    let error = #expect(throws: ZeroMQError.self) { try socket.send(ZeroMQMessage(strings: ["x"])) }
    #expect(error?.isClosed == true)
    #expect(throws: ZeroMQError.self) { try socket.connect("tcp://127.0.0.1:1") }
    #expect(throws: ZeroMQError.self) { _ = try socket.linger }

    let monitored = try ZeroMQSocket(.router, context: context)
    let monitor = try monitored.monitor()
    monitor.close()
    monitor.close()
    monitored.close()

    context.close()
    context.close()
    #expect(context.isClosed)
    let late = #expect(throws: ZeroMQError.self) { _ = try ZeroMQSocket(.pair, context: context) }
    #expect(late?.isTerminated == true)
  }

  @Test func shutdownWakesSocketsWithTerminated() throws {
    let context = try ZeroMQContext()
    let pull = try ZeroMQSocket(.pull, context: context, bind: [inprocName("shutdown")])
    context.shutdown()
    context.shutdown()
    let error = #expect(throws: ZeroMQError.self) { try pull.receive() }
    #expect(error?.isTerminated == true)
    pull.close()
    context.close()
  }

  @Test func invalidEndpointAndValues() throws {
    try withContext { context in
      let socket = try ZeroMQSocket(.pair, context: context)
      let error = #expect(throws: ZeroMQError.self) { try socket.bind("nonsense") }
      #expect(error?.isInvalidArgument == true)
      #expect(throws: ZeroMQError.self) { try socket.setLinger(.milliseconds(-5)) }
      #expect(throws: ZeroMQError.self) { try socket.setReceiveHighWaterMark(-1) }
      #expect(throws: ZeroMQError.self) { try socket.unbind("tcp://127.0.0.1:1") }
    }
  }
}
