import HPOWire

/// One collective in progress: its name for errors and its deadline.
struct CollectiveRun {
  let kind: CollectiveKind
  let elementCode: UInt8
  let elementCount: Int
  let sequence: UInt64
  let deadline: ContinuousClock.Instant

  var operation: String { "\(kind.name) #\(sequence)" }
}

/// Sending and receiving one chunk against the collective's deadline.
extension GangCommunicator {
  /// Runs one collective: rethrows an earlier failure, numbers it, and
  /// remembers the error it throws so that later calls rethrow it.
  func run(
    _ kind: CollectiveKind, elementCode: UInt8, elementCount: Int,
    _ body: (CollectiveRun) throws(CollectiveError) -> Void
  ) throws(CollectiveError) {
    if let failure { throw failure }
    let run = CollectiveRun(
      kind: kind, elementCode: elementCode, elementCount: elementCount, sequence: sequence,
      deadline: ContinuousClock.now.advanced(by: gang.deadline))
    sequence += 1
    do throws(CollectiveError) {
      try body(run)
    } catch {
      failure = error
      sendAbortNotice(error, run: run)
      if error.kind != .closed { reducer?.abort(kind: error.kind, blamed: error.peerRank ?? gang.rank) }
      throw error
    }
  }

  /// The time left before `run`'s deadline, at least one millisecond
  /// (libzmq's unit), or `nil` when it has passed.
  func remaining(_ run: CollectiveRun) -> Duration? {
    let left = ContinuousClock.now.duration(to: run.deadline)
    guard left > .zero else { return nil }
    return max(left, .milliseconds(1))
  }

  func deadlineError(_ run: CollectiveRun, peer: Int, waitingFor what: String) -> CollectiveError {
    CollectiveError(
      .deadlineExceeded, operation: run.operation, gang: gang, peer: peer,
      message: "\(what) did not happen within the deadline of \(gang.deadline) (dead, stalled or never joined)")
  }

  /// Sends `payload` as chunk `chunk` of step `step` to the ring successor.
  func send(_ run: CollectiveRun, step: Int, chunk: Int, payload: [UInt8]) throws(CollectiveError) {
    guard let sender else { return }
    let header = CollectiveHeader(
      kind: run.kind, elementCode: run.elementCode, sender: gang.rank, sequence: run.sequence, step: step,
      chunk: chunk, elementCount: run.elementCount)
    let peer = gang.nextRank
    let what = "sending chunk \(chunk) of step \(step)"
    guard let left = remaining(run) else { throw deadlineError(run, peer: peer, waitingFor: what) }
    do throws(PeerTransportError) {
      try sender.send([header.bytes, gangIDBytes, payload], timeout: left)
    } catch {
      if error.kind == .timeout { throw deadlineError(run, peer: peer, waitingFor: what) }
      throw CollectiveError(.transport, operation: run.operation, gang: gang, peer: peer, message: "\(what): \(error)")
    }
  }

  /// Receives chunk `chunk` of step `step` from the ring predecessor, whose
  /// payload must be `byteCount` bytes; refuses strays on the way.
  ///
  /// The data must come ``abortGrace`` before the deadline. Then, or when an
  /// abort notice comes from the predecessor, this member gives up on the
  /// data but listens for notices until the deadline (at most one grace
  /// after a notice): it tells its successor whom it blames (its
  /// predecessor, or the rank the latest notice names), and throws at the
  /// end naming the latest. Notices travel the ring in
  /// microseconds, so the grace lets the blame settle on the member that
  /// really stopped rather than on a neighbour that was itself waiting.
  func receive(_ run: CollectiveRun, step: Int, chunk: Int, byteCount: Int) throws(CollectiveError) -> [UInt8] {
    let peer = gang.previousRank
    let what = "receiving chunk \(chunk) of step \(step)"
    let dataDeadline = run.deadline.advanced(by: .zero - abortGrace)
    var giveUpAt: ContinuousClock.Instant?
    var blame: CollectiveError?
    while true {
      let now = ContinuousClock.now
      if giveUpAt == nil, now >= dataDeadline {
        giveUpAt = run.deadline
        sendAbortNotice(deadlineError(run, peer: peer, waitingFor: what), run: run)
      }
      if let giveUpAt, now >= giveUpAt { throw blame ?? deadlineError(run, peer: peer, waitingFor: what) }
      let left = max(now.duration(to: giveUpAt ?? dataDeadline), .milliseconds(1))
      let received: [[UInt8]]?
      do throws(PeerTransportError) {
        received = try listener.inbox.receive(timeout: left, maxFrames: 3, maxBytes: maxMessageBytes)
      } catch {
        if error.kind == .tooLarge {
          refusedMessages += 1
          continue
        }
        throw CollectiveError(.transport, operation: run.operation, gang: gang, peer: peer, message: "\(what): \(error)")
      }
      guard let frames = received else { continue }
      guard frames.count == 3, let header = CollectiveHeader(bytes: frames[0]),
        frames[1] == gangIDBytes, header.sender == peer, header.sequence >= run.sequence
      else {
        refusedMessages += 1
        continue
      }
      if header.kind == .abort {
        if let notice = abortError(header, payload: frames[2], run: run) {
          blame = notice
          giveUpAt = min(giveUpAt ?? run.deadline, now.advanced(by: abortGrace))
          sendAbortNotice(notice, run: run)
        }
        continue
      }
      // Once given up, data comes too late: only notices still count.
      if giveUpAt != nil { continue }
      try check(header, payloadBytes: frames[2].count, run: run, step: step, chunk: chunk, byteCount: byteCount)
      return frames[2]
    }
  }

  /// A message from the predecessor in this gang must be exactly the
  /// expected one: anything else means the members disagree on the call.
  private func check(
    _ header: CollectiveHeader, payloadBytes: Int, run: CollectiveRun, step: Int, chunk: Int, byteCount: Int
  ) throws(CollectiveError) {
    func mismatch(_ message: String) -> CollectiveError {
      CollectiveError(.mismatch, operation: run.operation, gang: gang, peer: header.sender, message: message)
    }
    guard header.sequence == run.sequence, header.kind == run.kind else {
      throw mismatch("the peer is at \(header.kind.name) #\(header.sequence); every member must call the same collectives in the same order")
    }
    guard header.elementCode == run.elementCode, header.elementCount == run.elementCount else {
      throw mismatch("the peer's buffer has \(header.elementCount) elements of type \(header.elementCode), this member's \(run.elementCount) of type \(run.elementCode)")
    }
    guard header.step == step, header.chunk == chunk, payloadBytes == byteCount else {
      throw mismatch("expected chunk \(chunk) of step \(step) (\(byteCount) bytes), got chunk \(header.chunk) of step \(header.step) (\(payloadBytes) bytes)")
    }
  }
}
