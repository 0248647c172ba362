/// Broadcast and barrier, along the same ring.
extension GangCommunicator {
  /// Replaces `buffer` on every member with `root`'s (same length on all).
  /// The root sends its buffer in chunks to its successor; every other member
  /// receives each chunk from its predecessor and passes it on, except the
  /// root's predecessor. A gang of one returns at once.
  /// - Throws: ``CollectiveError``: `.invalidGang` for a root outside
  ///   `0..<size`; otherwise see ``GangCommunicator``'s contract.
  @_specialize(where T == Float)
  @_specialize(where T == Double)
  public func broadcast<T: CollectiveElement>(_ buffer: inout [T], root: Int) throws(CollectiveError) {
    try run(.broadcast, elementCode: T.wireCode, elementCount: buffer.count) { (run) throws(CollectiveError) in
      guard (0..<gang.size).contains(root) else {
        throw CollectiveError(
          .invalidGang, operation: run.operation, gang: gang, message: "root \(root) is not in 0..<\(gang.size)")
      }
      guard gang.size > 1 else { return }
      let cut = RingPartition(count: buffer.count, size: 1, chunkElements: chunkElements(T.self))
      let forwards = gang.nextRank != root
      for (c, range) in cut.chunks(of: 0..<buffer.count).enumerated() {
        if gang.rank == root {
          try send(run, step: 0, chunk: c, payload: Self.bytes(of: buffer, range))
        } else {
          let payload = try receive(run, step: 0, chunk: c, byteCount: range.count * MemoryLayout<T>.stride)
          Self.combine(payload, into: &buffer, at: range, .replace)
          if forwards { try send(run, step: 0, chunk: c, payload: payload) }
        }
      }
    }
  }

  /// Returns on each member once every member has called it: `size − 1`
  /// steps of passing an empty token along the ring (the token a member
  /// receives at step s shows that the s + 1 members before it have arrived).
  /// A gang of one returns at once.
  /// - Throws: ``CollectiveError`` (see ``GangCommunicator``'s contract).
  public func barrier() throws(CollectiveError) {
    try run(.barrier, elementCode: 0, elementCount: 0) { (run) throws(CollectiveError) in
      for step in 0..<max(0, gang.size - 1) {
        try send(run, step: step, chunk: 0, payload: [])
        _ = try receive(run, step: step, chunk: 0, byteCount: 0)
      }
    }
  }
}
