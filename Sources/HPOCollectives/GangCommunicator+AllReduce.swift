/// Ring all-reduce: reduce-scatter, then all-gather.
extension GangCommunicator {
  /// Replaces `buffer` on every member with the element-wise sum of all
  /// members' buffers (same length on all; a gang of one returns at once).
  ///
  /// The first call chooses the gang's ``path`` (all members together, over
  /// the ring); then every call takes it.
  ///
  /// **Ring** (members on several hosts): the buffer is cut into `size`
  /// segments (segment `s` is `count·s/size ..< count·(s+1)/size`, empty
  /// ones allowed) streamed in chunks of ``Gang/chunkBytes``; `size − 1`
  /// reduce-scatter steps, then `size − 1` all-gather steps, so each member
  /// sends and receives 2(N−1)/N of the buffer. An element of segment `s`
  /// is summed along the ring starting at rank `s`:
  /// `((x_s + x_{s+1}) + x_{s+2}) + … + x_{s−1}` (ranks mod `size`).
  ///
  /// **Shared memory** (every member on this host): each member copies its
  /// buffer into the segment and sums all members' copies in rank order,
  /// `((x₀ + x₁) + x₂) + …` (see `SharedMemoryReducer`).
  ///
  /// **Fixed order** either way, whatever the timing: every member ends with
  /// the same bits, and the same inputs on the same path give the same bits
  /// run to run (with two members both paths give the same bits).
  /// - Throws: ``CollectiveError`` (see ``GangCommunicator``'s contract).
  @_specialize(where T == Float)
  @_specialize(where T == Double)
  public func allReduceSum<T: CollectiveElement>(_ buffer: inout [T]) throws(CollectiveError) {
    if path == .undecided { try choosePath() }
    if let reducer {
      try run(.allReduce, elementCode: T.wireCode, elementCount: buffer.count) { (run) throws(CollectiveError) in
        try sharedMemoryAllReduce(reducer, &buffer, run)
      }
    } else {
      try ringAllReduceSum(&buffer)
    }
  }

  /// ``allReduceSum(_:)`` along the ring, whatever the ``path``.
  @_specialize(where T == Float)
  @_specialize(where T == Double)
  func ringAllReduceSum<T: CollectiveElement>(_ buffer: inout [T]) throws(CollectiveError) {
    try run(.allReduce, elementCode: T.wireCode, elementCount: buffer.count) { (run) throws(CollectiveError) in
      let size = gang.size, rank = gang.rank
      guard size > 1 else { return }
      let cut = RingPartition(count: buffer.count, size: size, chunkElements: chunkElements(T.self))
      // Reduce-scatter: at step s send segment rank − s, receive and add
      // segment rank − s − 1; afterwards this member owns segment rank + 1.
      for step in 0..<(size - 1) {
        try exchange(
          run, step: step, buffer: &buffer, send: cut.segment(rank - step), receive: cut.segment(rank - step - 1),
          partition: cut, combine: .add)
      }
      // All-gather: at step s send segment rank + 1 − s, receive segment rank − s.
      for step in 0..<(size - 1) {
        try exchange(
          run, step: size - 1 + step, buffer: &buffer, send: cut.segment(rank + 1 - step),
          receive: cut.segment(rank - step), partition: cut, combine: .replace)
      }
    }
  }

  /// Elements per chunk for `T`: ``Gang/chunkBytes`` rounded down, at least one.
  func chunkElements<T: CollectiveElement>(_: T.Type) -> Int {
    max(1, gang.chunkBytes / MemoryLayout<T>.stride)
  }

  enum Combine { case add, replace }

  /// One ring step, chunk by chunk: send chunk c of `send`, then receive
  /// chunk c of `receive` and combine it into `buffer`.
  private func exchange<T: CollectiveElement>(
    _ run: CollectiveRun, step: Int, buffer: inout [T], send: Range<Int>, receive: Range<Int>,
    partition: RingPartition, combine: Combine
  ) throws(CollectiveError) {
    let outgoing = partition.chunks(of: send), incoming = partition.chunks(of: receive)
    for c in 0..<max(outgoing.count, incoming.count) {
      if c < outgoing.count {
        try self.send(run, step: step, chunk: c, payload: Self.bytes(of: buffer, outgoing[c]))
      }
      if c < incoming.count {
        let range = incoming[c]
        let payload = try self.receive(run, step: step, chunk: c, byteCount: range.count * MemoryLayout<T>.stride)
        Self.combine(payload, into: &buffer, at: range, combine)
      }
    }
  }

  /// The bytes of `buffer[range]`, copied in one `memcpy`-like move.
  @_specialize(where T == Float)
  @_specialize(where T == Double)
  static func bytes<T: CollectiveElement>(of buffer: [T], _ range: Range<Int>) -> [UInt8] {
    let stride = MemoryLayout<T>.stride
    return buffer.withUnsafeBytes { raw in
      [UInt8](unsafeUninitializedCapacity: range.count * stride) { out, initialized in
        if let base = raw.baseAddress, let target = out.baseAddress, range.count > 0 {
          UnsafeMutableRawPointer(target).copyMemory(
            from: base + range.lowerBound * stride, byteCount: range.count * stride)
        }
        initialized = range.count * stride
      }
    }
  }

  /// `buffer[range] = received + buffer[range]` (`.add`; IEEE addition
  /// commutes, so the order along the ring is what fixes the bits) or
  /// `= received` (`.replace`).
  @_specialize(where T == Float)
  @_specialize(where T == Double)
  static func combine<T: CollectiveElement>(_ payload: [UInt8], into buffer: inout [T], at range: Range<Int>, _ combine: Combine) {
    let stride = MemoryLayout<T>.stride
    payload.withUnsafeBytes { raw in
      buffer.withUnsafeMutableBufferPointer { out in
        switch combine {
        case .add:
          for i in 0..<range.count {
            out[range.lowerBound + i] = raw.loadUnaligned(fromByteOffset: i * stride, as: T.self) + out[range.lowerBound + i]
          }
        case .replace:
          for i in 0..<range.count {
            out[range.lowerBound + i] = raw.loadUnaligned(fromByteOffset: i * stride, as: T.self)
          }
        }
      }
    }
  }
}
