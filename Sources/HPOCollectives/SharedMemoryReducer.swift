import Synchronization

#if canImport(Glibc)
  private import Glibc
#endif

/// All-reduce through one ``SharedMemorySegment`` mapped by every member of
/// a gang whose members all run on one host: no sockets, no kernel copies.
///
/// **Layout.** One 64-byte line per rank (`arrived`: the last generation this
/// rank reached; then for each of the two sets, `shape`: element code and
/// count of its call, and `sequence`: its collective's number), one line for
/// the abort word, then, page-aligned, two sets of `size` slots of
/// ``slotBytes`` each.
///
/// **One generation** (one piece of a buffer, at most ``slotBytes``): each
/// member copies its piece into its slot of set `generation mod 2`, publishes
/// `arrived = generation` (release), and waits until every member has
/// (acquire). Each then sums the slots in rank order,
/// `((x₀ + x₁) + x₂) + …`, into its own buffer: every member gets the same
/// bits, and the same inputs give the same bits run to run. Alternating sets
/// is what makes one wait per generation enough: a member writes set `g mod 2`
/// again only at generation `g + 2`, after every member has arrived at
/// `g + 1` and so has finished reading generation `g`. The shape and
/// sequence words alternate with the sets for the same reason: a member
/// already at `g + 1` must not change what one still at `g` checks.
///
/// **Waiting** spins for a few microseconds, then yields, then sleeps 50 µs
/// at a time, checking the abort word and the deadline (monotonic clock)
/// every few dozen spins: a wait ends by the deadline, naming the lowest rank
/// that has not arrived, or as soon as another member has aborted, naming
/// the rank that member blamed.
///
/// **Not thread-safe**: one owner thread, the communicator's.
final class SharedMemoryReducer {
  /// Why a generation could not complete.
  enum Failure: Error {
    /// `rank` had not arrived by the deadline.
    case timedOut(rank: Int)
    /// Member `by` gave up (`kind`), blaming `blamed`.
    case aborted(by: Int, blamed: Int, kind: CollectiveError.Kind)
    /// `rank` called with another shape or collective number.
    case mismatch(rank: Int, message: String)
  }

  let segment: SharedMemorySegment
  let rank: Int
  let size: Int
  /// The largest piece of a buffer one generation carries.
  let slotBytes: Int
  /// The generation last completed (0: none).
  private(set) var generation: UInt64 = 0

  private static let lineBytes = 64
  private static let pageBytes = 4096

  /// The bytes a segment for `size` members with slots of `slotBytes` needs.
  static func byteCount(size: Int, slotBytes: Int) -> Int {
    dataOffset(size: size) + 2 * size * slotBytes
  }

  private static func dataOffset(size: Int) -> Int {
    ((size + 1) * lineBytes + pageBytes - 1) / pageBytes * pageBytes
  }

  /// Takes over `segment`, zero-filled by its creator and mapped by every member.
  init(segment: SharedMemorySegment, rank: Int, size: Int, slotBytes: Int) {
    precondition(segment.byteCount >= Self.byteCount(size: size, slotBytes: slotBytes), "segment too small")
    self.segment = segment
    self.rank = rank
    self.size = size
    self.slotBytes = slotBytes
  }

  private var base: UnsafeMutableRawPointer {
    guard let base = segment.base else { preconditionFailure("the shared memory is closed") }
    return base
  }

  /// Word `word` of `rank`'s line: 0 arrived; 1 + 2·set the shape and
  /// 2 + 2·set the sequence of the call that wrote `set`.
  private func word(_ rank: Int, _ word: Int) -> UnsafeMutablePointer<Atomic<UInt64>> {
    (base + rank * Self.lineBytes + word * 8).assumingMemoryBound(to: Atomic<UInt64>.self)
  }

  private var abortWord: UnsafeMutablePointer<Atomic<UInt64>> {
    (base + size * Self.lineBytes).assumingMemoryBound(to: Atomic<UInt64>.self)
  }

  private func slot(set: Int, rank: Int) -> UnsafeMutableRawPointer {
    base + Self.dataOffset(size: size) + (set * size + rank) * slotBytes
  }

  /// Replaces `buffer` with the element-wise sum of every member's buffer,
  /// `slotBytes` at a time. `sequence` is the collective's number; a member
  /// at another number or with another count or element type is a mismatch.
  @_specialize(where T == Float)
  @_specialize(where T == Double)
  func allReduceSum<T: CollectiveElement>(
    _ buffer: inout [T], sequence: UInt64, deadline: ContinuousClock.Instant
  ) throws(Failure) {
    let stride = MemoryLayout<T>.stride
    let perPiece = max(1, slotBytes / stride)
    let shape = UInt64(buffer.count) | UInt64(T.wireCode) << 56
    var start = 0
    repeat {
      let count = min(buffer.count - start, perPiece)
      let next = generation + 1
      let set = Int(next % 2)
      buffer.withUnsafeBytes { raw in
        if let source = raw.baseAddress, count > 0 {
          slot(set: set, rank: rank).copyMemory(from: source + start * stride, byteCount: count * stride)
        }
      }
      word(rank, 1 + 2 * set).pointee.store(shape, ordering: .relaxed)
      word(rank, 2 + 2 * set).pointee.store(sequence, ordering: .relaxed)
      try arrive(next, deadline: deadline)
      try checkShapes(shape, sequence: sequence, set: set)
      buffer.withUnsafeMutableBufferPointer { out in
        guard let target = out.baseAddress.map({ $0 + start }), count > 0 else { return }
        target.update(from: slot(set: set, rank: 0).assumingMemoryBound(to: T.self), count: count)
        for r in 1..<size {
          let source = UnsafePointer(slot(set: set, rank: r).assumingMemoryBound(to: T.self))
          for i in 0..<count { target[i] = target[i] + source[i] }
        }
      }
      generation = next
      start += count
    } while start < buffer.count
  }

  /// Publishes `generation` and waits for every other member to reach it.
  private func arrive(_ generation: UInt64, deadline: ContinuousClock.Instant) throws(Failure) {
    word(rank, 0).pointee.store(generation, ordering: .releasing)
    var spins = 0
    for r in 0..<size where r != rank {
      while word(r, 0).pointee.load(ordering: .acquiring) < generation {
        spins &+= 1
        guard spins & 31 == 0 else { continue }
        if let failure = aborted() { throw failure }
        if ContinuousClock.now >= deadline { throw .timedOut(rank: r) }
        if spins >= 16_384 {
          usleep(50)
        } else if spins >= 1_024 {
          sched_yield()
        }
      }
    }
  }

  private func checkShapes(_ shape: UInt64, sequence: UInt64, set: Int) throws(Failure) {
    for r in 0..<size where r != rank {
      let theirs = word(r, 1 + 2 * set).pointee.load(ordering: .relaxed)
      let theirSequence = word(r, 2 + 2 * set).pointee.load(ordering: .relaxed)
      guard theirSequence == sequence else {
        throw .mismatch(
          rank: r,
          message: "the peer is at collective #\(theirSequence); every member must call the same collectives in the same order")
      }
      guard theirs == shape else {
        throw .mismatch(
          rank: r,
          message: "the peer's buffer has \(theirs & 0xFF_FFFF_FFFF_FFFF) elements of type \(theirs >> 56), this member's \(shape & 0xFF_FFFF_FFFF_FFFF) of type \(shape >> 56)")
      }
    }
  }

  /// The abort another member recorded, if any.
  private func aborted() -> Failure? {
    let value = abortWord.pointee.load(ordering: .acquiring)
    guard value != 0 else { return nil }
    let kind = CollectiveError.Kind(rawValue: UInt8(truncatingIfNeeded: value >> 48)) ?? .deadlineExceeded
    return .aborted(by: Int((value >> 32) & 0xFFFF) - 1, blamed: Int(value & 0xFFFF_FFFF) - 1, kind: kind)
  }

  /// Records that this member gave up (`kind`) blaming `blamed`, unless a
  /// member already did: members waiting then stop at once.
  func abort(kind: CollectiveError.Kind, blamed: Int) {
    let value = UInt64(kind.rawValue) << 48 | UInt64(rank + 1) << 32 | UInt64(blamed + 1)
    _ = abortWord.pointee.compareExchange(expected: 0, desired: value, ordering: .acquiringAndReleasing)
  }
}
