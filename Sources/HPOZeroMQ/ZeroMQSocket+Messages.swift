// Sending and receiving multipart messages.
private import CZeroMQ

/// Messaging. Same threading rule as the socket. Blocking calls wait at most
/// ``receiveTimeout`` / ``sendTimeout`` (forever when `nil`) and can be woken
/// by ``ZeroMQContext/shutdown()`` (`ETERM`). `EINTR` is retried.
extension ZeroMQSocket {
  /// Sends all frames of `message` as one atomic multipart message
  /// (`ZMQ_SNDMORE` on all but the last). Blocks while the peer queue is at
  /// its high-water mark, for at most ``sendTimeout``.
  /// - Throws: ``ZeroMQError``: `EAGAIN` on timeout (nothing was sent),
  ///   `EINVAL` for an empty message, `EHOSTUNREACH` from a mandatory ROUTER,
  ///   `EFSM` when the socket kind's state machine forbids sending now,
  ///   `ENOTSUP` for a kind that cannot send, `ETERM`, `ENOTSOCK`.
  public func send(_ message: ZeroMQMessage) throws(ZeroMQError) {
    _ = try send(message.frames, dontWait: false)
  }

  /// Sends `frames` as one multipart message; see ``send(_:)``.
  public func send(_ frames: [[UInt8]]) throws(ZeroMQError) {
    _ = try send(frames, dontWait: false)
  }

  /// Non-blocking send (`ZMQ_DONTWAIT`). Returns `false`, having sent
  /// nothing, when the message cannot be queued right now.
  /// - Throws: as ``send(_:)`` except that `EAGAIN` becomes `false`.
  public func trySend(_ message: ZeroMQMessage) throws(ZeroMQError) -> Bool {
    try send(message.frames, dontWait: true)
  }

  /// Receives one whole multipart message, frame by frame into a `zmq_msg_t`
  /// (`zmq_msg_more`, the per-frame form of `ZMQ_RCVMORE`, says whether more
  /// follow), blocking for at most ``receiveTimeout``.
  /// - Throws: ``ZeroMQError``: `EAGAIN` (``ZeroMQError/isTimeout``) on
  ///   timeout; `EMSGSIZE` with ``ZeroMQError/receiveLimit`` set when the
  ///   message broke `limits` (it was fully drained and dropped); `EFSM`,
  ///   `ENOTSUP`, `ETERM`, `ENOTSOCK`.
  public func receive(limits: ZeroMQReceiveLimits = .unlimited) throws(ZeroMQError) -> ZeroMQMessage {
    // Never nil when blocking: EAGAIN is thrown.
    try receive(limits: limits, dontWait: false)!
  }

  /// Non-blocking receive (`ZMQ_DONTWAIT`): `nil` when no message is waiting.
  /// - Throws: as ``receive(limits:)`` except that `EAGAIN` becomes `nil`.
  public func tryReceive(limits: ZeroMQReceiveLimits = .unlimited) throws(ZeroMQError) -> ZeroMQMessage? {
    try receive(limits: limits, dontWait: true)
  }

  // MARK: Implementation

  private func send(_ frames: [[UInt8]], dontWait: Bool) throws(ZeroMQError) -> Bool {
    guard !frames.isEmpty else { throw ZeroMQError(code: EINVAL, operation: "zmq_send") }
    return try withHandle("zmq_send") { (socket) throws(ZeroMQError) -> Bool in
      for (index, frame) in frames.enumerated() {
        var flags: Int32 = index < frames.count - 1 ? ZMQ_SNDMORE : 0
        if dontWait { flags |= ZMQ_DONTWAIT }
        do throws(ZeroMQError) {
          // zmq_send copies the bytes into a fresh zmq_msg_t.
          _ = try zmqCall("zmq_send") {
            frame.withUnsafeBytes { zmq_send(socket, $0.baseAddress, $0.count, flags) }
          }
        } catch {
          // libzmq checks the high-water mark on the first frame only; once
          // it is accepted the remaining frames are accepted too.
          if dontWait && index == 0 && error.isTimeout { return false }
          throw error
        }
      }
      return true
    }
  }

  /// `nil` only when `dontWait` and nothing is waiting.
  private func receive(limits: ZeroMQReceiveLimits, dontWait: Bool) throws(ZeroMQError) -> ZeroMQMessage? {
    try withHandle("zmq_msg_recv") { (socket) throws(ZeroMQError) -> ZeroMQMessage? in
      // A zmq_msg_t must never be copied: keep it at one heap address.
      let message = UnsafeMutablePointer<zmq_msg_t>.allocate(capacity: 1)
      defer { message.deallocate() }

      var frames: [[UInt8]] = []
      var frameCount = 0
      var byteCount = 0
      var tooManyFrames = false
      var tooManyBytes = false
      var more = true
      while more {
        _ = zmq_msg_init(message)  // cannot fail
        defer { _ = zmq_msg_close(message) }
        // Only the first frame can be absent; the rest of a multipart
        // message arrives atomically with it.
        let flags: Int32 = (frameCount == 0 && dontWait) ? ZMQ_DONTWAIT : 0
        do throws(ZeroMQError) {
          _ = try zmqCall("zmq_msg_recv") { zmq_msg_recv(message, socket, flags) }
        } catch {
          if frameCount == 0 && dontWait && error.isTimeout { return nil }
          throw error
        }
        let size = zmq_msg_size(message)
        frameCount += 1
        byteCount += size
        more = zmq_msg_more(message) != 0
        if !tooManyFrames && !tooManyBytes {
          if let maxFrames = limits.maxFrames, frameCount > maxFrames {
            tooManyFrames = true
          } else if let maxBytes = limits.maxBytes, byteCount > maxBytes {
            tooManyBytes = true
          }
          if tooManyFrames || tooManyBytes {
            frames = []
          } else {
            frames.append([UInt8](UnsafeRawBufferPointer(start: zmq_msg_data(message), count: size)))
          }
        }
      }
      if tooManyFrames {
        throw ZeroMQError(
          code: EMSGSIZE, operation: "receive",
          receiveLimit: .tooManyFrames(limit: limits.maxFrames ?? 0, received: frameCount))
      }
      if tooManyBytes {
        throw ZeroMQError(
          code: EMSGSIZE, operation: "receive",
          receiveLimit: .tooManyBytes(limit: limits.maxBytes ?? 0, received: byteCount))
      }
      return ZeroMQMessage(frames)
    }
  }
}
