// Receive caps (frames/bytes) and the wire-level ZMQ_MAXMSGSIZE.
import HPOZeroMQ
import Testing
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@Suite struct LimitTests {
  @Test func frameCapDrainsAndKeepsSocketUsable() throws {
    try withContext { context in
      let (router, endpoint) = try makeBoundRouter(context)
      let dealer = try makeDealer(context, id: "w", endpoint: endpoint)
      let limits = ZeroMQReceiveLimits(maxFrames: 3)

      try dealer.send(ZeroMQMessage(strings: ["1", "2", "3", "4", "5"]))
      try dealer.send(ZeroMQMessage(strings: ["ok", "fine"]))

      let error = #expect(throws: ZeroMQError.self) { try router.receive(limits: limits) }
      #expect(error?.isReceiveLimitExceeded == true)
      #expect(error?.code == EMSGSIZE)
      // The routing-id frame counts: 1 + 5 frames.
      #expect(error?.receiveLimit == .tooManyFrames(limit: 3, received: 6))

      // The oversized message was drained; the next one is intact.
      #expect(try router.receive(limits: limits) == ZeroMQMessage(strings: ["w", "ok", "fine"]))
    }
  }

  @Test func byteCapDrainsAndKeepsSocketUsable() throws {
    try withContext { context in
      let (router, endpoint) = try makeBoundRouter(context)
      let dealer = try makeDealer(context, id: "w", endpoint: endpoint)
      let limits = ZeroMQReceiveLimits(maxBytes: 100)

      try dealer.send([[UInt8](repeating: 7, count: 60), [UInt8](repeating: 8, count: 60), [1]])
      try dealer.send([[UInt8](repeating: 9, count: 99)])

      let error = #expect(throws: ZeroMQError.self) { try router.receive(limits: limits) }
      #expect(error?.receiveLimit == .tooManyBytes(limit: 100, received: 1 + 60 + 60 + 1))
      #expect(error?.isTimeout == false)

      let next = try router.receive(limits: limits)
      #expect(next.frames == [Array("w".utf8), [UInt8](repeating: 9, count: 99)])
      #expect(try router.tryReceive(limits: limits) == nil)
    }
  }

  /// What a user sees when a peer sends a frame above ZMQ_MAXMSGSIZE: the
  /// frame never arrives, the receiving side drops the connection
  /// (`disconnected`), and the sender silently reconnects, after which small
  /// messages flow again.
  @Test func maxMessageSizeDropsOversizeFrameAndDisconnects() throws {
    try withContext { context in
      let router = try ZeroMQSocket(.router, context: context) { (socket) throws(ZeroMQError) in
        try socket.setMaxMessageSize(1024)
      }
      #expect(try router.maxMessageSize == 1024)
      let monitor = try router.monitor(events: [.accepted, .handshakeSucceeded, .disconnected])
      try router.bind("tcp://127.0.0.1:*")
      try router.setReceiveTimeout(.milliseconds(300))
      let dealer = try makeDealer(context, id: "big", endpoint: try router.lastEndpoint) { (socket) throws(ZeroMQError) in
        try socket.setReconnectInterval(.milliseconds(20))
      }
      #expect(try monitor.waitFor(.handshakeSucceeded, timeout: patience) != nil)

      try dealer.send([[UInt8](repeating: 1, count: 4096)])
      #expect(try monitor.waitFor(.disconnected, timeout: patience) != nil)
      let error = #expect(throws: ZeroMQError.self) { try router.receive() }
      #expect(error?.isTimeout == true)

      // The dealer reconnects on its own; a message within the limit arrives.
      #expect(try monitor.waitFor(.handshakeSucceeded, timeout: patience) != nil)
      try router.setReceiveTimeout(patience)
      try dealer.send([[UInt8](repeating: 2, count: 1000)])
      let small = try router.receive()
      #expect(small.frames == [Array("big".utf8), [UInt8](repeating: 2, count: 1000)])
      monitor.close()
    }
  }
}
