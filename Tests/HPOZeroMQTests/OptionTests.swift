// Typed option setters/getters round-trip.
import HPOZeroMQ
import Testing

@Suite struct OptionTests {
  @Test func heartbeatRoundTrips() throws {
    try withContext { context in
      let socket = try ZeroMQSocket(.dealer, context: context)
      #expect(try socket.heartbeat == ZeroMQHeartbeat(interval: nil, timeout: nil, ttl: nil))
      try socket.setHeartbeat(interval: .milliseconds(250), timeout: .seconds(1), ttl: .milliseconds(1500))
      #expect(try socket.heartbeat == ZeroMQHeartbeat(interval: .milliseconds(250), timeout: .seconds(1), ttl: .milliseconds(1500)))
      // Deciseconds only for the ttl; nil timeout keeps the previous one.
      try socket.setHeartbeat(ZeroMQHeartbeat(interval: .milliseconds(100), ttl: .milliseconds(1234)))
      #expect(try socket.heartbeat == ZeroMQHeartbeat(interval: .milliseconds(100), timeout: .seconds(1), ttl: .milliseconds(1200)))
      try socket.setHeartbeat(interval: nil)
      #expect(try socket.heartbeat.interval == nil)
      #expect(try socket.heartbeat.ttl == nil)
      let error = #expect(throws: ZeroMQError.self) { try socket.setHeartbeat(interval: .seconds(1), ttl: .seconds(7000)) }
      #expect(error?.isInvalidArgument == true)
      #expect(try socket.heartbeat.interval == nil)
    }
  }

  @Test func optionsRoundTrip() throws {
    let context = try ZeroMQContext(ioThreads: 2, defaultLinger: .milliseconds(100))
    defer { context.close() }
    let socket = try ZeroMQSocket(.router, context: context)
    defer { socket.close() }

    #expect(try socket.linger == .milliseconds(100))
    try socket.setLinger(.zero)
    #expect(try socket.linger == .zero)
    let explicit = try ZeroMQSocket(.dealer, context: context, linger: .milliseconds(5))
    #expect(try explicit.linger == .milliseconds(5))
    explicit.close()

    #expect(try socket.sendTimeout == nil)
    try socket.setSendTimeout(.milliseconds(1500))
    #expect(try socket.sendTimeout == .milliseconds(1500))
    try socket.setReceiveTimeout(.seconds(3))
    #expect(try socket.receiveTimeout == .seconds(3))
    try socket.setReceiveTimeout(nil)
    #expect(try socket.receiveTimeout == nil)

    try socket.setSendHighWaterMark(10)
    try socket.setReceiveHighWaterMark(nil)
    #expect(try socket.sendHighWaterMark == 10)
    #expect(try socket.receiveHighWaterMark == nil)

    #expect(try socket.maxMessageSize == nil)
    try socket.setMaxMessageSize(1 << 20)
    #expect(try socket.maxMessageSize == 1 << 20)

    try socket.setReconnectInterval(.milliseconds(50))
    try socket.setReconnectIntervalMax(.seconds(2))
    #expect(try socket.reconnectInterval == .milliseconds(50))
    #expect(try socket.reconnectIntervalMax == .seconds(2))
    try socket.setReconnectInterval(nil)
    #expect(try socket.reconnectInterval == nil)

    #expect(try socket.immediate == false)
    try socket.setImmediate(true)
    #expect(try socket.immediate == true)

    #expect(try socket.routingID == [])
    try socket.setRoutingID([1, 2, 3])
    #expect(try socket.routingID == [1, 2, 3])
    try socket.setRouterMandatory(true)

    #expect(try socket.lastEndpoint == "")
    #expect(socket.kind == .router)
    #expect(try socket.isCurveServer == false)
  }

  @Test func subscriptionFilters() throws {
    try withContext { context in
      let pub = try ZeroMQSocket(.pub, context: context, bind: [inprocName("pubsub")])
      let sub = try ZeroMQSocket(.sub, context: context, connect: [inprocName("pubsub")])
      try sub.subscribe(Array("keep".utf8))
      try sub.setReceiveTimeout(patience)
      // Subscriptions propagate asynchronously, even over inproc.
      let clock = ContinuousClock()
      let deadline = clock.now.advanced(by: patience)
      var got: ZeroMQMessage?
      while got == nil, clock.now < deadline {
        try pub.send(ZeroMQMessage(strings: ["drop", "x"]))
        try pub.send(ZeroMQMessage(strings: ["keep", "y"]))
        got = try sub.tryReceive()
        if got == nil { _ = try ZeroMQPoller.readable([sub], timeout: .milliseconds(10)) }
      }
      #expect(got == ZeroMQMessage(strings: ["keep", "y"]))
    }
  }
}
