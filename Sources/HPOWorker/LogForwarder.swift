import Foundation
import HPOCore
import HPOWire
import Logging
import Synchronization

/// Forwards a running trial's output to the coordinator as ``TrialLog``
/// messages: chunks of at most 64 KiB, sent every 250 ms by a thread of its
/// own and before each progress report, so the log and the reports stay in
/// order. Memory is bounded: at most ``pendingCap`` bytes wait per trial; a
/// flood beyond it is counted and the count sent with the next chunk; past
/// ``sentCap`` bytes in all nothing more is sent (the coordinator keeps 4 MiB).
///
/// The slot's connection is used under one lock by this thread and by the
/// slot's report callback (a ZeroMQ socket may change threads only with a
/// full barrier between uses, which the lock gives).
final class LogForwarder: @unchecked Sendable {
  static let chunkBytes = 64 << 10
  static let pendingCap = 1 << 20
  static let sentCap = 4 << 20

  private struct Buffer {
    var pending: [(TrialLog.Stream, [UInt8])] = []
    var pendingBytes = 0
    var dropped = 0
    var sent = 0
  }

  private let key: TrialKey
  // Used only under `lock`.
  private let transport: any ClientTransport
  private let logger: Logger
  private let lock = NSLock()
  private let buffer = Mutex(Buffer())
  private let done = StopSignal()
  /// Signalled by ``finish()`` so the flush thread wakes at once, not at its next tick.
  private let wake = DispatchSemaphore(value: 0)
  private var thread: Thread?

  init(key: TrialKey, transport: any ClientTransport, logger: Logger) {
    self.key = key
    self.transport = transport
    self.logger = logger
  }

  /// Starts the periodic flush (only trials that print need it: command trials).
  func start() {
    let t = Thread { [self] in
      while !done.isRaised {
        _ = wake.wait(timeout: .now() + .milliseconds(250))
        do { try withTransport { try flushLocked() } } catch {
          // The slot's own next send reports a broken connection; the log is for people.
          logger.debug("cannot forward a trial's output", metadata: ["trial": "\(key)", "error": "\(error)"])
        }
      }
    }
    t.name = "hpo-log-forwarder"
    thread = t
    t.start()
  }

  /// Queues output of the trial; drops (and counts) what goes over the caps.
  func add(_ stream: TrialLog.Stream, _ bytes: [UInt8]) {
    guard !bytes.isEmpty else { return }
    buffer.locked { b in
      if b.sent + b.pendingBytes + bytes.count > Self.sentCap || b.pendingBytes + bytes.count > Self.pendingCap {
        b.dropped += bytes.count
        return
      }
      b.pending.append((stream, bytes))
      b.pendingBytes += bytes.count
    }
  }

  /// Runs `body` holding the connection.
  func withTransport<T>(_ body: () throws -> T) rethrows -> T {
    lock.lock()
    defer { lock.unlock() }
    return try body()
  }

  /// Sends everything queued; call only inside ``withTransport(_:)``.
  func flushLocked() throws {
    let (chunks, dropped) = buffer.locked { b -> ([(TrialLog.Stream, [UInt8])], Int) in
      defer {
        b.sent += b.pendingBytes
        b.pending = []
        b.pendingBytes = 0
        b.dropped = 0
      }
      return (b.pending, b.dropped)
    }
    var droppedLeft = dropped
    for (stream, bytes) in Self.merged(chunks) {
      try transport.send(.log(TrialLog(key: key, stream: stream, text: String(decoding: bytes, as: UTF8.self), dropped: droppedLeft)))
      droppedLeft = 0
    }
    if droppedLeft > 0 {
      try transport.send(.log(TrialLog(key: key, stream: .stdout, text: "", dropped: droppedLeft)))
    }
  }

  /// Sends `message` on the slot's connection; call only inside ``withTransport(_:)``.
  func sendLocked(_ message: WireMessage) throws {
    try transport.send(message)
  }

  /// Stops the periodic flush and sends what is left.
  func finish() throws {
    guard let thread else { return }
    done.raise("trial ended")
    wake.signal()
    while !thread.isFinished { Thread.sleep(forTimeInterval: 0.001) }
    self.thread = nil
    try withTransport { try flushLocked() }
  }

  /// Adjacent chunks of one stream joined, cut at ``chunkBytes`` (a cut may
  /// split a UTF-8 sequence; each message's text is decoded on its own).
  static func merged(_ chunks: [(TrialLog.Stream, [UInt8])]) -> [(TrialLog.Stream, [UInt8])] {
    var out: [(TrialLog.Stream, [UInt8])] = []
    for (stream, bytes) in chunks {
      if let last = out.last, last.0 == stream, last.1.count + bytes.count <= chunkBytes {
        out[out.count - 1].1 += bytes
      } else {
        var rest = bytes[...]
        while !rest.isEmpty {
          out.append((stream, Array(rest.prefix(chunkBytes))))
          rest = rest.dropFirst(chunkBytes)
        }
      }
    }
    return out
  }
}
