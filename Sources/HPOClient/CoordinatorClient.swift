import HPOCore
import HPOWire

/// A connection to a coordinator for one client command: requests and their
/// replies, each with a deadline on a monotonic clock.
///
/// Owned and used by one thread (its transport is not thread-safe). The
/// transport is injected: ZeroMQ in the `hpo` executable, a twin in tests.
public final class CoordinatorClient {
  public let transport: any ClientTransport
  /// The coordinator's address, for messages.
  public let endpoint: String
  /// How long a request waits for its reply.
  public let timeout: Duration
  let handshake: (any HandshakeProbe)?

  public init(transport: any ClientTransport, endpoint: String, timeout: Duration, handshake: (any HandshakeProbe)? = nil) {
    self.transport = transport
    self.endpoint = endpoint
    self.timeout = timeout
    self.handshake = handshake
  }

  /// How often a request that may be repeated (``status(of:includeTrials:)``) is sent again
  /// while its reply is outstanding: ZeroMQ's heartbeat timeout. A coordinator frozen or cut
  /// off for longer has its connection dropped and replaced, and a request or reply on the
  /// dropped one is gone; the copy sent on the new connection is answered once it is back.
  public var resendInterval: Duration = .seconds(3)

  /// Sends `message` and waits for the first reply `match` accepts (other
  /// replies, e.g. to an earlier request that timed out, are skipped). Replies
  /// still queued from earlier requests are dropped first. With `resendEvery`
  /// (only for requests that may be repeated, like a status), the message is
  /// sent again after each such interval without a reply, within the timeout.
  /// `abortReason` is asked at least every 100 ms while the reply is awaited: a
  /// reason ends the wait at once (the caller knows the coordinator is gone).
  /// - Throws: ``ClientError/noAnswer(endpoint:seconds:)`` after the timeout;
  ///   ``ClientError/aborted(_:)`` when `abortReason` gave a reason;
  ///   ``ClientError/refused(_:)`` for an error reply or an unreadable one;
  ///   ``ClientError/handshakeFailed(_:)`` once the handshake has kept failing
  ///   for a second (a wrong key: libzmq would retry silently forever).
  public func request<T>(
    _ message: WireMessage, resendEvery: Duration? = nil, abortReason: () -> String? = { nil }, _ match: (WireMessage) -> T?
  ) throws -> T {
    // Late replies to earlier requests (a repeated one answered twice) would otherwise answer this one.
    while try transport.receive(timeout: .zero) != nil {}
    try send(message)
    let clock = ContinuousClock()
    let deadline = clock.now.advanced(by: timeout)
    var resendAt = resendEvery.map { clock.now.advanced(by: $0) }
    let grace = min(Duration.seconds(1), timeout)
    while clock.now < deadline {
      if let reason = abortReason() { throw ClientError.aborted(reason) }
      if let at = resendAt, clock.now >= at, let every = resendEvery {
        try send(message)
        resendAt = clock.now.advanced(by: every)
      }
      // Never negative: the deadline may pass between the loop's check and here (zmq_poll refuses it).
      let received = try transport.receive(timeout: max(.zero, min(.milliseconds(100), clock.now.duration(to: deadline))))
      if let advice = handshake?.failure(persistingFor: grace) { throw ClientError.handshakeFailed(advice) }
      guard let received else { continue }
      switch received {
      case .success(.error(let e)): throw ClientError.refused(e.message)
      case .success(let m): if let t = match(m) { return t }
      case .failure(let e): throw ClientError.refused("unreadable answer: \(e)")
      }
    }
    if let advice = handshake?.lastFailure { throw ClientError.handshakeFailed(advice) }
    throw ClientError.noAnswer(endpoint: endpoint, seconds: timeout.seconds)
  }

  private func send(_ message: WireMessage) throws {
    do {
      try transport.send(message)
    } catch {
      throw ClientError.refused("cannot send to \(endpoint): \(error)")
    }
  }
}
