// The ZAP handler (ZeroMQ RFC 27): which CURVE clients a server lets in.
import Dispatch
import Foundation
import HPOCore
import Synchronization
private import CZeroMQ

/// One answer of a ``ZeroMQAuthenticator``: who asked and whether they were let in.
/// A plain value.
public struct ZeroMQAuthenticationDecision: Sendable, Hashable, CustomStringConvertible {
  /// True when the client was let in (ZAP status 200; otherwise 400).
  public let allowed: Bool
  /// The client's IP address as libzmq reports it (no port), e.g. `127.0.0.1`.
  public let address: String
  /// The security mechanism the client used: `CURVE` (the only one allowed), `NULL` or `PLAIN`.
  public let mechanism: String
  /// The client's long-term public key (Z85) for CURVE, else `nil`.
  public let publicKey: String?
  /// The name of the authorised key that matched (its file name without `.pub`), when allowed.
  public let clientName: String?

  /// Memberwise initialiser.
  public init(allowed: Bool, address: String, mechanism: String, publicKey: String?, clientName: String?) {
    self.allowed = allowed
    self.address = address
    self.mechanism = mechanism
    self.publicKey = publicKey
    self.clientName = clientName
  }

  /// `"allowed CURVE client 'w1' (KEY) from 127.0.0.1"` or `"refused ..."`.
  public var description: String {
    let who = clientName.map { " '\($0)'" } ?? ""
    let key = publicKey.map { " (key \($0))" } ?? ""
    return "\(allowed ? "allowed" : "refused") \(mechanism) client\(who)\(key) from \(address)"
  }
}

/// A ZAP handler: a REP socket bound to `inproc://zeromq.zap.01` in a
/// context, served on its own thread. Every CURVE server socket of that
/// context then asks it about each connecting client once the client has
/// proved it holds the secret key of its public key; the handler lets in
/// exactly the public keys of `authorizedKeys` (status 200) and refuses
/// everything else (status 400, including the NULL and PLAIN mechanisms).
/// A refused client's handshake fails (its server socket's monitor reports
/// ``ZeroMQMonitorEvent/Kind/handshakeFailedAuth`` with value 400) and it
/// receives nothing.
///
/// **Lifetime.** Create it before the server socket binds. One per context
/// (a second one fails with `EADDRINUSE`). ``close()`` stops the thread and
/// closes its socket; call it before ``ZeroMQContext/close()``, which would
/// otherwise wait for that socket forever. `deinit` asks the thread to stop
/// without waiting.
///
/// **Thread-safety.** `Sendable`: the socket lives on the handler's own
/// thread only; the shared state is a stop flag behind a `Mutex` and the keys behind a `Locked`. `onDecision` runs on the handler's
/// thread, once per request, and should return quickly (the client's
/// handshake waits for the answer).
public final class ZeroMQAuthenticator: Sendable {
  /// The endpoint libzmq sends ZAP requests to (fixed by RFC 27).
  public static let endpoint = "inproc://zeromq.zap.01"

  /// The public keys (Z85) let in, each with the name logged for it.
  public var authorizedKeys: [String: String] { keys.withLock { $0 } }
  private let keys: Locked<[String: String]>
  private let state = StopState()

  /// Binds the handler in `context` and starts its thread; returns once the
  /// socket is bound, so servers created afterwards are protected.
  /// - Throws: ``ZeroMQError`` from creating or binding the socket
  ///   (`EADDRINUSE` if the context has a handler already, `ETERM`).
  public init(
    context: ZeroMQContext, authorizedKeys: [String: String],
    onDecision: @escaping @Sendable (ZeroMQAuthenticationDecision) -> Void = { _ in }
  ) throws(ZeroMQError) {
    let keys = Locked(authorizedKeys)
    self.keys = keys
    let state = self.state
    let started = DispatchSemaphore(value: 0)
    let startError = Locked<ZeroMQError?>(nil)
    let thread = Thread {
      defer { state.finished.signal() }
      let socket: ZeroMQSocket
      do throws(ZeroMQError) {
        socket = try ZeroMQSocket(.rep, context: context, linger: .zero, bind: [Self.endpoint])
      } catch {
        startError.withLock { $0 = error }
        started.signal()
        return
      }
      started.signal()
      defer { socket.close() }
      Self.serve(socket, keys: keys, state: state, onDecision: onDecision)
    }
    thread.name = "hpo-zap"
    thread.start()
    started.wait()
    if let error = startError.value {
      state.finished.wait()
      state.markClosed()
      throw error
    }
  }

  /// Replaces the keys let in: clients asking from now on are judged by
  /// `authorizedKeys` (a gang's listener admits nobody until its members are
  /// known). Thread-safe.
  public func authorize(_ authorizedKeys: [String: String]) {
    keys.withLock { $0 = authorizedKeys }
  }

  /// Stops the handler and waits for its thread (at most one poll period,
  /// about 100 ms). Idempotent, thread-safe. Clients connecting afterwards
  /// are refused by libzmq until another handler is bound.
  public func close() {
    guard state.requestStop() else { return }
    state.finished.wait()
  }

  deinit {
    _ = state.requestStop()
  }

  // MARK: The handler's thread

  private static func serve(
    _ socket: ZeroMQSocket, keys: Locked<[String: String]>, state: StopState,
    onDecision: @Sendable (ZeroMQAuthenticationDecision) -> Void
  ) {
    while !state.isStopping {
      do {
        guard try !ZeroMQPoller.readable([socket], timeout: .milliseconds(100)).isEmpty,
              let request = try socket.tryReceive(limits: ZeroMQReceiveLimits(maxFrames: 16, maxBytes: 64 * 1024))
        else { continue }
        let (reply, decision) = answer(request.frames, keys: keys.withLock { $0 })
        try socket.send(reply)
        if let decision { onDecision(decision) }
      } catch {
        // ETERM (the context is shutting down) or a closed socket: stop serving.
        if error.isTerminated || error.isClosed { return }
      }
    }
  }

  /// The reply frames to a ZAP request, and the decision to report (none for
  /// a malformed request).
  static func answer(_ frames: [[UInt8]], keys: [String: String]) -> ([[UInt8]], ZeroMQAuthenticationDecision?) {
    func reply(_ requestID: [UInt8], _ status: String, _ text: String, user: String = "") -> [[UInt8]] {
      [Array("1.0".utf8), requestID, Array(status.utf8), Array(text.utf8), Array(user.utf8), []]
    }
    // version, request id, domain, address, routing id, mechanism, credentials...
    guard frames.count >= 6 else { return (reply(frames.count > 1 ? frames[1] : [], "400", "malformed ZAP request"), nil) }
    guard frames[0] == Array("1.0".utf8) else { return (reply(frames[1], "400", "unsupported ZAP version"), nil) }
    let address = String(decoding: frames[3], as: UTF8.self)
    let mechanism = String(decoding: frames[5], as: UTF8.self)
    guard mechanism == "CURVE", frames.count == 7, frames[6].count == 32 else {
      let decision = ZeroMQAuthenticationDecision(allowed: false, address: address, mechanism: mechanism, publicKey: nil, clientName: nil)
      return (reply(frames[1], "400", "only CURVE clients are served"), decision)
    }
    let key = z85Encode(frames[6])
    if let name = keys[key] {
      let decision = ZeroMQAuthenticationDecision(allowed: true, address: address, mechanism: mechanism, publicKey: key, clientName: name)
      return (reply(frames[1], "200", "OK", user: name), decision)
    }
    let decision = ZeroMQAuthenticationDecision(allowed: false, address: address, mechanism: mechanism, publicKey: key, clientName: nil)
    return (reply(frames[1], "400", "client key not authorised"), decision)
  }

  /// Z85 text of a 32-byte key (`zmq_z85_encode`).
  static func z85Encode(_ bytes: [UInt8]) -> String {
    var text = [CChar](repeating: 0, count: bytes.count * 5 / 4 + 1)
    _ = bytes.withUnsafeBufferPointer { zmq_z85_encode(&text, $0.baseAddress, bytes.count) }
    return String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
  }
}

/// The stop flag shared with a helper thread, and the signal that it ended.
final class StopState: Sendable {
  private let flags = Mutex<(stopping: Bool, closed: Bool)>((false, false))
  /// Signalled once by the thread when it has closed its socket.
  let finished = DispatchSemaphore(value: 0)

  var isStopping: Bool { flags.locked { $0.stopping } }

  /// Raises the flag; true for the first caller only (who then waits for `finished`).
  func requestStop() -> Bool {
    flags.locked { f in
      f.stopping = true
      defer { f.closed = true }
      return !f.closed
    }
  }

  /// Marks the thread as already waited for.
  func markClosed() { flags.locked { $0 = (true, true) } }
}
