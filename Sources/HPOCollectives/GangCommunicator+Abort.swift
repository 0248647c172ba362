/// Abort notices: a member that gives up tells its successor whom it blames.
extension GangCommunicator {
  /// The longest message an abort notice carries, in UTF-8 bytes.
  static let maxNoticeBytes = 1024

  /// The end of each collective's deadline kept for abort notices: data
  /// must arrive this long before the deadline, and a member that gives up
  /// listens for notices until the deadline. An eighth of the deadline, at
  /// most 1 s.
  public var abortGrace: Duration { min(gang.deadline / 8, .seconds(1)) }

  /// Tells the successor that this member gave up on `run` because of
  /// `error`, naming the rank it blames. Best effort: never blocks, and a
  /// notice that cannot be queued now is dropped.
  func sendAbortNotice(_ error: CollectiveError, run: CollectiveRun) {
    guard let sender, error.kind != .invalidGang, error.kind != .closed else { return }
    let header = CollectiveHeader(
      kind: .abort, elementCode: error.kind.rawValue, sender: gang.rank, sequence: run.sequence,
      step: error.peerRank ?? gang.rank, chunk: 0, elementCount: 0)
    let message = Array(error.message.utf8.prefix(Self.maxNoticeBytes))
    // Best effort by design: the gang is already broken, and the successor
    // throws on its own deadline if the notice cannot reach it.
    _ = try? sender.trySend([header.bytes, gangIDBytes, message])
  }

  /// The error a notice from the predecessor stands for, or `nil` for a
  /// malformed notice (refused like any stray).
  func abortError(_ header: CollectiveHeader, payload: [UInt8], run: CollectiveRun) -> CollectiveError? {
    guard let kind = CollectiveError.Kind(rawValue: header.elementCode), (0..<gang.size).contains(header.step),
      payload.count <= Self.maxNoticeBytes
    else {
      refusedMessages += 1
      return nil
    }
    let blamed = header.step
    let said = String(decoding: payload, as: UTF8.self)
    return CollectiveError(
      kind, operation: run.operation, gang: gang, peer: blamed,
      message: "rank \(header.sender) gave up\(blamed == header.sender ? "" : " on rank \(blamed)") (\(said))")
  }
}
