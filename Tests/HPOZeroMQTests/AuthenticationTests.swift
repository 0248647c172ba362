// CURVE servers with a ZAP handler: who gets in, and what each side sees when
// a handshake fails (libzmq reports nothing through the send/receive calls).
import Foundation
import HPOWire
import HPOZeroMQ
import Testing

/// Collects values handed over from helper threads.
final class Collected<T: Sendable>: @unchecked Sendable {
  // @unchecked: every access holds `lock`.
  private let lock = NSLock()
  private var items: [T] = []
  func append(_ item: T) { lock.lock(); items.append(item); lock.unlock() }
  var all: [T] { lock.lock(); defer { lock.unlock() }; return items }

  /// Waits until `condition` holds on the items; false after `timeout`.
  func waitFor(_ timeout: Duration = patience, _ condition: ([T]) -> Bool) -> Bool {
    let deadline = ContinuousClock.now.advanced(by: timeout)
    while ContinuousClock.now < deadline {
      if condition(all) { return true }
      Thread.sleep(forTimeInterval: 0.02)
    }
    return condition(all)
  }
}

/// A CURVE server transport authorising `authorized`, recording its events and decisions.
struct SecureServer {
  let transport: ZeroMQServerTransport
  let events = Collected<ZeroMQConnectionEvent>()
  let decisions = Collected<ZeroMQAuthenticationDecision>()

  init(_ context: ZeroMQContext, keyPair: ZeroMQCurveKeyPair, authorized: [String: String]) throws {
    let events = self.events, decisions = self.decisions
    transport = try ZeroMQServerTransport(
      context: context, endpoint: "tcp://127.0.0.1:*",
      security: ZeroMQServerSecurity(keyPair: keyPair, authorizedKeys: authorized) { decisions.append($0) }
    ) { events.append($0) }
  }

  var failures: [ZeroMQConnectionEvent] { events.all.filter { $0.event.kind.isHandshakeFailure } }
}

let hello = WireMessage.goodbye(Goodbye(workerID: "w", reason: "test"))

/// Receives on `client` for `duration`, so its handshake events are read.
func drain(_ client: ZeroMQClientTransport, for duration: Duration) throws -> Int {
  var received = 0
  let deadline = ContinuousClock.now.advanced(by: duration)
  while ContinuousClock.now < deadline {
    if try client.receive(timeout: .milliseconds(50)) != nil { received += 1 }
  }
  return received
}

@Suite struct AuthenticationTests {
  let server: ZeroMQCurveKeyPair
  let client: ZeroMQCurveKeyPair
  let stranger: ZeroMQCurveKeyPair

  init() throws {
    server = try .generate()
    client = try .generate()
    stranger = try .generate()
  }

  @Test func authorisedClient_talksBothWays_andIsNamed() throws {
    try withContext { context in
      let s = try SecureServer(context, keyPair: server, authorized: [client.publicKey: "alice"])
      defer { s.transport.close() }
      #expect(s.transport.isSecure)
      #expect(try s.transport.socket.zapDomain == "hpo")
      let c = try ZeroMQClientTransport(
        context: context, endpoint: s.transport.endpoint,
        security: ZeroMQClientSecurity(keyPair: client, serverPublicKey: server.publicKey))
      defer { c.close() }
      try c.send(hello)
      let incoming = try #require(try s.transport.receive(timeout: patience))
      #expect(try incoming.message.get() == hello)
      try s.transport.send(.goodbye(Goodbye(workerID: "coordinator", reason: "reply")), to: incoming.peer)
      #expect(try c.receive(timeout: patience).map { try $0.get() } == .goodbye(Goodbye(workerID: "coordinator", reason: "reply")))
      #expect(c.hasConnected)
      #expect(c.handshakeFailure == nil)
      let decision = try #require(s.decisions.all.first)
      #expect(decision == ZeroMQAuthenticationDecision(allowed: true, address: "127.0.0.1", mechanism: "CURVE", publicKey: client.publicKey, clientName: "alice"))
      #expect(s.failures.isEmpty)
    }
  }

  @Test func unauthorisedClient_receivesNothing_andTheServerReportsItsAddressAndKey() throws {
    try withContext { context in
      let s = try SecureServer(context, keyPair: server, authorized: [client.publicKey: "alice"])
      defer { s.transport.close() }
      let events = Collected<ZeroMQMonitorEvent>()
      let c = try ZeroMQClientTransport(
        context: context, endpoint: s.transport.endpoint,
        security: ZeroMQClientSecurity(keyPair: stranger, serverPublicKey: server.publicKey)) { events.append($0) }
      defer { c.close() }
      try c.send(hello)
      #expect(try s.transport.receive(timeout: .milliseconds(500)) == nil, "nothing from a refused client reaches the server")
      #expect(s.decisions.waitFor { !$0.isEmpty })
      #expect(s.decisions.all.first == ZeroMQAuthenticationDecision(allowed: false, address: "127.0.0.1", mechanism: "CURVE", publicKey: stranger.publicKey, clientName: nil))
      #expect(s.events.waitFor { $0.contains { $0.event.kind == .handshakeFailedAuth && $0.event.value == 400 } })
      // The client learns why through its monitor only.
      _ = try drain(c, for: .milliseconds(300))
      #expect(c.handshakeFailure?.kind == .handshakeFailedAuth)
      #expect(c.handshakeFailure.map(ZeroMQHandshakeProblem.init) == .clientKeyRefused(status: 400))
      #expect(events.all.contains { $0.kind == .handshakeFailedAuth })
      #expect(!c.hasConnected)
    }
  }

  @Test func refusedClient_asksAgainOnEachSend_insteadOfBlocking() throws {
    // libzmq does not reconnect after an authentication failure, and a DEALER
    // without a connection blocks in send; the transport reconnects instead.
    try withContext { context in
      let s = try SecureServer(context, keyPair: server, authorized: [client.publicKey: "alice"])
      defer { s.transport.close() }
      let c = try ZeroMQClientTransport(
        context: context, endpoint: s.transport.endpoint,
        security: ZeroMQClientSecurity(keyPair: stranger, serverPublicKey: server.publicKey))
      defer { c.close() }
      let started = ContinuousClock.now
      for round in 1...3 {
        try c.send(hello)
        #expect(s.decisions.waitFor { $0.count >= round }, "ZAP request \(round)")
        _ = try drain(c, for: .milliseconds(200))
      }
      #expect(ContinuousClock.now - started < .seconds(5))
      #expect(s.decisions.all.allSatisfy { !$0.allowed })
      #expect(try s.transport.receive(timeout: .zero) == nil)
    }
  }

  @Test func wrongServerKey_deliversNothing_andBothSidesSayWhy() throws {
    try withContext { context in
      let s = try SecureServer(context, keyPair: server, authorized: [client.publicKey: "alice"])
      defer { s.transport.close() }
      let c = try ZeroMQClientTransport(
        context: context, endpoint: s.transport.endpoint,
        security: ZeroMQClientSecurity(keyPair: client, serverPublicKey: stranger.publicKey))
      defer { c.close() }
      try c.send(hello)
      #expect(try drain(c, for: .seconds(1)) == 0)
      #expect(try s.transport.receive(timeout: .zero) == nil)
      #expect(c.handshakeFailure.map(ZeroMQHandshakeProblem.init) == .serverKeyRejected)
      #expect(c.handshakeFailingSince != nil)
      // The server cannot decrypt the client's greeting; the ZAP handler is never asked.
      #expect(s.events.waitFor { $0.contains { $0.event.kind == .handshakeFailedProtocol } })
      #expect(s.failures.allSatisfy { $0.event.kind == .handshakeFailedProtocol && $0.event.value == 0x1100_0001 })
      #expect(s.decisions.all.isEmpty)
      // The client is named when its connection was still open as the event
      // was read (most attempts, not all on a loaded machine), never wrongly.
      c.close()
      Thread.sleep(forTimeInterval: 0.3)
      let failures = s.failures
      #expect(failures.count >= 2, "libzmq retried: \(failures.count) failures")
      let named = failures.compactMap(\.peerAddress)
      #expect(named.allSatisfy { $0.hasPrefix("127.0.0.1:") }, "\(named)")
    }
  }

  @Test func clientWithoutKeys_isTold_theServerNeedsThem() throws {
    try withContext { context in
      let s = try SecureServer(context, keyPair: server, authorized: [client.publicKey: "alice"])
      defer { s.transport.close() }
      let events = Collected<ZeroMQMonitorEvent>()
      let c = try ZeroMQClientTransport(context: context, endpoint: s.transport.endpoint) { events.append($0) }
      defer { c.close() }
      try c.send(hello)
      _ = try drain(c, for: .milliseconds(500))
      #expect(try s.transport.receive(timeout: .zero) == nil)
      // Whichever side reads the other's greeting first reports the mismatch
      // (0x11000002); the other one just sees the connection dropped.
      let mismatch: (ZeroMQMonitorEvent) -> Bool = { $0.kind == .handshakeFailedProtocol && $0.value == 0x1100_0002 }
      #expect(s.events.waitFor { $0.contains { mismatch($0.event) } } || events.all.contains(where: mismatch))
      let problem = try #require(c.handshakeFailure.map(ZeroMQHandshakeProblem.init))
      #expect(problem == .mechanismMismatch || problem == .serverKeyRejected)
      #expect(!c.hasConnected)
    }
  }

  @Test func zapAnswers_refuseMalformedRequestsAndOtherMechanisms() throws {
    // A real ZAP conversation over inproc, as libzmq would hold it.
    try withContext { context in
      let decisions = Collected<ZeroMQAuthenticationDecision>()
      let zap = try ZeroMQAuthenticator(context: context, authorizedKeys: [client.publicKey: "alice"]) { decisions.append($0) }
      defer { zap.close() }
      let asker = try ZeroMQSocket(.req, context: context, connect: [ZeroMQAuthenticator.endpoint])
      try asker.setReceiveTimeout(patience)
      func ask(_ frames: [String], credentials: [[UInt8]] = []) throws -> [String] {
        try asker.send(ZeroMQMessage(frames.map { Array($0.utf8) } + credentials))
        return try asker.receive().frames.map { String(decoding: $0, as: UTF8.self) }
      }
      let plain = try ask(["1.0", "7", "hpo", "10.0.0.9", "", "PLAIN", "user", "password"])
      #expect(plain == ["1.0", "7", "400", "only CURVE clients are served", "", ""])
      let badVersion = try ask(["2.0", "8", "hpo", "10.0.0.9", "", "CURVE"], credentials: [Array(repeating: 1, count: 32)])
      #expect(badVersion[1] == "8" && badVersion[2] == "400")
      let short = try ask(["1.0", "9"])
      #expect(short[1] == "9" && short[2] == "400")
      #expect(decisions.all.map(\.mechanism) == ["PLAIN"], "malformed requests are answered but not reported")
      // A second handler in the same context is refused.
      let second = #expect(throws: ZeroMQError.self) { _ = try ZeroMQAuthenticator(context: context, authorizedKeys: [:]) }
      #expect(second?.isAddressInUse == true)
      asker.close()
    }
  }

  @Test func handshakeOptions_roundTrip() throws {
    try withContext { context in
      let socket = try ZeroMQSocket(.router, context: context)
      try socket.setZAPDomain("global")
      #expect(try socket.zapDomain == "global")
      try socket.setHandshakeInterval(.seconds(7))
      #expect(try socket.handshakeInterval == .seconds(7))
    }
  }
}
