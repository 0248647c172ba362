import Foundation

/// The last bytes a command wrote to standard error (4 KB by default), kept in
/// bounded memory however much it writes: what a failed trial stores with its
/// record, and where an infeasible trial without a reason finds one.
struct StandardErrorTail {
  /// How many bytes are kept.
  let capacity: Int
  private var bytes: [UInt8] = []

  init(capacity: Int = 4096) {
    self.capacity = capacity
    bytes.reserveCapacity(2 * capacity)
  }

  /// Adds the next bytes of the stream; only the last `capacity` are kept.
  mutating func append(_ chunk: ArraySlice<UInt8>) {
    if chunk.count >= capacity {
      bytes = Array(chunk.suffix(capacity))
      return
    }
    bytes.append(contentsOf: chunk)
    // Trimmed only when twice the capacity: each byte is moved at most once more.
    if bytes.count >= 2 * capacity { bytes.removeFirst(bytes.count - capacity) }
  }

  /// The last `capacity` bytes as text: starting at a character boundary (a
  /// character cut by the limit is dropped), invalid UTF-8 replaced by U+FFFD.
  var text: String {
    var tail = bytes.suffix(capacity)
    // Skip the continuation bytes of a character whose first byte fell off the front.
    var skipped = 0
    while let first = tail.first, first & 0xC0 == 0x80, skipped < 3 {
      tail = tail.dropFirst()
      skipped += 1
    }
    return String(decoding: tail, as: UTF8.self)
  }

  /// The last line of the tail that holds more than white space, trimmed; `nil` when none.
  var lastNonEmptyLine: String? {
    text.split(whereSeparator: \.isNewline).reversed()
      .map { $0.trimmingCharacters(in: .whitespaces) }
      .first { !$0.isEmpty }
  }
}
