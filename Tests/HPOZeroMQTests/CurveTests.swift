// CURVE key pairs and encrypted round trips.
import HPOZeroMQ
import Testing

@Suite struct CurveTests {
  @Test func keyPairs() throws {
    let pair = try ZeroMQCurveKeyPair.generate()
    #expect(pair.publicKey.utf8.count == 40)
    #expect(pair.secretKey.utf8.count == 40)
    #expect(ZeroMQCurveKeyPair.isValidZ85Key(pair.publicKey))
    #expect(try ZeroMQCurveKeyPair(secretKey: pair.secretKey) == pair)
    #expect(try ZeroMQCurveKeyPair(publicKey: pair.publicKey, secretKey: pair.secretKey) == pair)
    #expect(try ZeroMQCurveKeyPair.generate() != pair)
    #expect(!pair.description.contains(pair.secretKey))
    let error = #expect(throws: ZeroMQError.self) { _ = try ZeroMQCurveKeyPair(secretKey: "too short") }
    #expect(error?.isInvalidArgument == true)
  }

  @Test func roundTripWithCorrectKeys() throws {
    let server = try ZeroMQCurveKeyPair.generate()
    let client = try ZeroMQCurveKeyPair.generate()
    try withContext { context in
      let (router, endpoint) = try makeBoundRouter(context) { (socket) throws(ZeroMQError) in
        try socket.makeCurveServer(keyPair: server)
      }
      #expect(try router.isCurveServer)
      let dealer = try makeDealer(context, id: "c", endpoint: endpoint) { (socket) throws(ZeroMQError) in
        try socket.makeCurveClient(keyPair: client, serverPublicKey: server.publicKey)
      }
      #expect(try dealer.isCurveServer == false)
      try dealer.send(ZeroMQMessage(strings: ["secret", "payload"]))
      #expect(try router.receive() == ZeroMQMessage(strings: ["c", "secret", "payload"]))
      try router.send(ZeroMQMessage(strings: ["c", "reply"]))
      #expect(try dealer.receive() == ZeroMQMessage(strings: ["reply"]))
    }
  }

  @Test func wrongServerKeyDeliversNothingAndMonitorShowsHandshakeFailure() throws {
    let server = try ZeroMQCurveKeyPair.generate()
    let client = try ZeroMQCurveKeyPair.generate()
    let impostor = try ZeroMQCurveKeyPair.generate()
    try withContext { context in
      let router = try ZeroMQSocket(.router, context: context) { (socket) throws(ZeroMQError) in
        try socket.makeCurveServer(keyPair: server)
      }
      let monitor = try router.monitor()
      try router.bind("tcp://127.0.0.1:*")
      try router.setReceiveTimeout(.milliseconds(300))
      let dealer = try ZeroMQSocket(.dealer, context: context) { (socket) throws(ZeroMQError) in
        try socket.makeCurveClient(keyPair: client, serverPublicKey: impostor.publicKey)
      }
      let dealerMonitor = try dealer.monitor()
      try dealer.connect(try router.lastEndpoint)
      // Nothing fails on the client side: the send is merely queued.
      try dealer.send(ZeroMQMessage(strings: ["should", "not", "arrive"]))

      // The server cannot decrypt the client's HELLO:
      // ZMQ_PROTOCOL_ERROR_ZMTP_CRYPTOGRAPHIC (0x11000001).
      let failure = try monitor.waitFor(timeout: patience) { $0.kind.isHandshakeFailure }
      #expect(failure?.kind == .handshakeFailedProtocol)
      #expect(failure?.value == 0x1100_0001)
      #expect(try monitor.waitFor(.handshakeSucceeded, timeout: .milliseconds(200)) == nil)
      // The client only sees the connection being dropped mid-handshake.
      let clientFailure = try dealerMonitor.waitFor(timeout: patience) { $0.kind.isHandshakeFailure }
      #expect(clientFailure?.kind == .handshakeFailedNoDetail)

      let error = #expect(throws: ZeroMQError.self) { try router.receive() }
      #expect(error?.isTimeout == true)
    }
  }
}
