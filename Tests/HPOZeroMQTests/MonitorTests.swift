// Socket monitor events.
import HPOZeroMQ
import Testing

@Suite struct MonitorTests {
  @Test func monitorReportsListeningAcceptedAndHandshake() throws {
    try withContext { context in
      let router = try ZeroMQSocket(.router, context: context)
      let monitor = try router.monitor()
      #expect(monitor.endpoint.hasPrefix("inproc://"))
      try router.bind("tcp://127.0.0.1:*")
      let endpoint = try router.lastEndpoint

      let listening = try monitor.waitFor(.listening, timeout: patience)
      #expect(listening?.endpoint == endpoint)

      // Monitor before connecting, or the first events may be missed.
      let dealer = try ZeroMQSocket(.dealer, context: context)
      let dealerMonitor = try dealer.monitor(events: [.connected, .handshakeSucceeded])
      try dealer.connect(endpoint)
      #expect(try dealerMonitor.waitFor(.connected, timeout: patience)?.endpoint == endpoint)
      #expect(try monitor.waitFor(.accepted, timeout: patience)?.endpoint == endpoint)
      #expect(try monitor.waitFor(.handshakeSucceeded, timeout: patience) != nil)
      #expect(try dealerMonitor.waitFor(.handshakeSucceeded, timeout: patience) != nil)

      // Closing the monitored socket ends the stream with monitorStopped.
      dealerMonitor.close()
      dealer.close()
      #expect(try monitor.waitFor(.disconnected, timeout: patience) != nil)
      router.close()
      let tail = try monitor.events(for: patience)
      #expect(tail.last?.kind == .monitorStopped)
      monitor.close()
    }
  }

  @Test func drainingIsBoundedByTheDeadline() throws {
    try withContext { context in
      // Connecting to nothing: connectRetried events keep coming.
      let dealer = try ZeroMQSocket(.dealer, context: context) { (socket) throws(ZeroMQError) in
        try socket.setReconnectInterval(.milliseconds(10))
      }
      let monitor = try dealer.monitor(events: [.connectDelayed, .connectRetried, .closed])
      let silent = try ZeroMQSocket(.router, context: context, bind: ["tcp://127.0.0.1:*"])
      let deadEndpoint = try silent.lastEndpoint
      silent.close()
      try dealer.connect(deadEndpoint)

      let clock = ContinuousClock()
      let start = clock.now
      let events = try monitor.events(for: .milliseconds(300))
      #expect(clock.now - start < .seconds(1))
      #expect(events.contains { $0.kind == .connectRetried })
      monitor.close()
      let error = #expect(throws: ZeroMQError.self) { _ = try monitor.next(timeout: .zero) }
      #expect(error?.isClosed == true)
    }
  }
}
