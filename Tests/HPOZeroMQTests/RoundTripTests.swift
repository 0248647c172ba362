// ROUTER/DEALER exchanges over tcp and inproc, non-blocking send/receive.
import HPOZeroMQ
import Testing

@Suite struct RoundTripTests {
  @Test(arguments: ["tcp", "inproc"])
  func routerDealerMultipart(transport: String) throws {
    try withContext { context in
      let router: ZeroMQSocket
      let endpoint: String
      if transport == "tcp" {
        (router, endpoint) = try makeBoundRouter(context)
        #expect(endpoint.hasPrefix("tcp://127.0.0.1:"))
        #expect(!endpoint.hasSuffix(":*"))
        #expect((Int(endpoint.split(separator: ":").last ?? "") ?? 0) > 0)
      } else {
        endpoint = inprocName("router-dealer")
        router = try ZeroMQSocket(.router, context: context, bind: [endpoint])
        try router.setReceiveTimeout(patience)
      }
      let dealer = try makeDealer(context, id: "worker-1", endpoint: endpoint)

      try dealer.send(ZeroMQMessage(strings: ["hello", "", "world"]))
      let request = try router.receive()
      #expect(request == ZeroMQMessage(strings: ["worker-1", "hello", "", "world"]))
      #expect(request.string(at: 0) == "worker-1")

      // Reply to whoever asked: first frame is the routing id.
      try router.send([request.frames[0], Array("ack".utf8), [0, 255, 1]])
      let reply = try dealer.receive()
      #expect(reply.frames == [Array("ack".utf8), [0, 255, 1]])
      #expect(reply.byteCount == 6)

      dealer.close()
      router.close()
    }
  }

  @Test func nonBlockingVariants() throws {
    try withContext { context in
      let pull = try ZeroMQSocket(.pull, context: context, bind: [inprocName("non-blocking")])
      #expect(try pull.tryReceive() == nil)

      // A PUSH with no peer cannot queue anything: trySend says so.
      let lonely = try ZeroMQSocket(.push, context: context)
      #expect(try lonely.trySend(ZeroMQMessage(strings: ["x"])) == false)

      let push = try ZeroMQSocket(.push, context: context, connect: [inprocName("non-blocking")])
      #expect(try push.trySend(ZeroMQMessage(strings: ["a", "b"])) == true)
      #expect(try pull.tryReceive()?.frames == [Array("a".utf8), Array("b".utf8)])
      #expect(try pull.tryReceive() == nil)
    }
  }

  @Test func routerMandatoryRejectsUnknownPeer() throws {
    try withContext { context in
      let (router, _) = try makeBoundRouter(context) { (socket) throws(ZeroMQError) in
        try socket.setRouterMandatory(true)
      }
      let error = #expect(throws: ZeroMQError.self) {
        try router.send([Array("nobody".utf8), Array("hi".utf8)])
      }
      #expect(error?.isHostUnreachable == true)
      #expect(error?.operation == "zmq_send")
    }
  }

  @Test func emptyMessageIsRejected() throws {
    try withContext { context in
      let push = try ZeroMQSocket(.push, context: context)
      let error = #expect(throws: ZeroMQError.self) { try push.send(ZeroMQMessage([])) }
      #expect(error?.isInvalidArgument == true)
    }
  }
}
