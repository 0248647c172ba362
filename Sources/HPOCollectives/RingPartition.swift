/// How a buffer of `count` elements is cut for a ring of `size` members:
/// segment `s` is `count·s/size ..< count·(s+1)/size` (some may be empty when
/// `count < size`), and each segment streams in chunks of at most
/// `chunkElements`. Every member computes the same cut from the same count.
struct RingPartition: Sendable, Hashable {
  let count: Int
  let size: Int
  let chunkElements: Int

  func segment(_ s: Int) -> Range<Int> {
    let m = ((s % size) + size) % size
    return (count * m / size)..<(count * (m + 1) / size)
  }

  /// The chunks of `range`, in order; an empty range is one empty chunk, so
  /// every step exchanges at least one message and both sides of a pair that
  /// disagree on the call see the other's header.
  func chunks(of range: Range<Int>) -> [Range<Int>] {
    guard !range.isEmpty else { return [range] }
    return stride(from: range.lowerBound, to: range.upperBound, by: chunkElements).map {
      $0..<min($0 + chunkElements, range.upperBound)
    }
  }
}
