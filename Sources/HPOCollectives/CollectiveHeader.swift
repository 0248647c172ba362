/// Which collective a message belongs to.
enum CollectiveKind: UInt8, Sendable {
  case allReduce = 1, broadcast = 2, barrier = 3
  /// A member gave up on a collective: `step` names the rank it blames,
  /// `elementCode` the ``CollectiveError/Kind``, the payload its message.
  case abort = 4

  var name: String {
    switch self {
    case .allReduce: "all-reduce"
    case .broadcast: "broadcast"
    case .barrier: "barrier"
    case .abort: "abort"
    }
  }
}

/// The first frame of every peer message (36 bytes, little-endian):
/// magic `HPOC`, version, collective kind, element type, a zero byte, the
/// sender's rank (u32), the collective's sequence number (u64), the step and
/// chunk index (u32 each) and the buffer's element count (u64). The second
/// frame is the gang id, the third the payload.
struct CollectiveHeader: Sendable, Hashable {
  static let magic: [UInt8] = Array("HPOC".utf8)
  static let version: UInt8 = 1
  static let byteCount = 36

  var kind: CollectiveKind
  var elementCode: UInt8
  var sender: Int
  var sequence: UInt64
  var step: Int
  var chunk: Int
  var elementCount: Int

  var bytes: [UInt8] {
    var out = Self.magic
    out.reserveCapacity(Self.byteCount)
    out += [Self.version, kind.rawValue, elementCode, 0]
    func append<T: FixedWidthInteger>(_ value: T) {
      withUnsafeBytes(of: value.littleEndian) { out += $0 }
    }
    append(UInt32(sender))
    append(sequence)
    append(UInt32(step))
    append(UInt32(chunk))
    append(UInt64(elementCount))
    return out
  }

  /// The header in `bytes`, or `nil` when they are not one (wrong length,
  /// magic, version or kind).
  init?(bytes: [UInt8]) {
    guard bytes.count == Self.byteCount, Array(bytes[0..<4]) == Self.magic, bytes[4] == Self.version,
      let kind = CollectiveKind(rawValue: bytes[5])
    else { return nil }
    func read<T: FixedWidthInteger>(_ offset: Int, _: T.Type) -> T {
      var value: T = 0
      for i in 0..<MemoryLayout<T>.size { value |= T(bytes[offset + i]) << (8 * i) }
      return value
    }
    self.kind = kind
    elementCode = bytes[6]
    sender = Int(read(8, UInt32.self))
    sequence = read(12, UInt64.self)
    step = Int(read(20, UInt32.self))
    chunk = Int(read(24, UInt32.self))
    guard let count = Int(exactly: read(28, UInt64.self)) else { return nil }
    elementCount = count
  }

  init(
    kind: CollectiveKind, elementCode: UInt8, sender: Int, sequence: UInt64, step: Int, chunk: Int,
    elementCount: Int
  ) {
    self.kind = kind
    self.elementCode = elementCode
    self.sender = sender
    self.sequence = sequence
    self.step = step
    self.chunk = chunk
    self.elementCount = elementCount
  }
}
