/// Little-endian binary writing for checkpoints: fixed-width integers,
/// IEEE bit patterns, length-prefixed strings and arrays.
struct ByteWriter {
  private(set) var bytes: [UInt8] = []

  mutating func u8(_ v: UInt8) { bytes.append(v) }
  mutating func u32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) } }
  mutating func u64(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) } }
  mutating func i64(_ v: Int) { u64(UInt64(bitPattern: Int64(v))) }
  mutating func f64(_ v: Double) { u64(v.bitPattern) }
  mutating func bool(_ v: Bool) { u8(v ? 1 : 0) }
  mutating func raw(_ v: [UInt8]) { bytes.append(contentsOf: v) }

  mutating func string(_ s: String) {
    let utf8 = Array(s.utf8)
    u32(UInt32(utf8.count))
    bytes.append(contentsOf: utf8)
  }

  mutating func doubles(_ values: [Double]) {
    u64(UInt64(values.count))
    #if _endian(little)
    // The memory is already the format: one copy (a 1 MB checkpoint is written every epoch while training).
    values.withUnsafeBytes { bytes.append(contentsOf: $0) }
    #else
    for v in values { f64(v) }
    #endif
  }

  mutating func floats(_ values: [Float]) {
    u64(UInt64(values.count))
    #if _endian(little)
    values.withUnsafeBytes { bytes.append(contentsOf: $0) }
    #else
    for v in values { u32(v.bitPattern) }
    #endif
  }
}

/// Bounds-checked little-endian reading of what ``ByteWriter`` wrote. Every
/// failure is a `.corruptCheckpoint` error naming the field and byte offset;
/// nothing traps on malformed input.
struct ByteReader {
  let bytes: [UInt8]
  private(set) var offset: Int
  let end: Int

  init(_ bytes: [UInt8], from start: Int, to end: Int) {
    self.bytes = bytes
    self.offset = start
    self.end = end
  }

  var remaining: Int { end - offset }

  func fail(_ what: String) -> ModelError {
    ModelError(.corruptCheckpoint, "\(what) at byte \(offset)")
  }

  private mutating func take(_ count: Int, _ what: String) throws(ModelError) -> ArraySlice<UInt8> {
    guard count >= 0, count <= remaining else {
      throw fail("truncated \(what): needs \(count) bytes, \(remaining) left")
    }
    defer { offset += count }
    return bytes[offset..<(offset + count)]
  }

  mutating func u8(_ what: String) throws(ModelError) -> UInt8 { try take(1, what).first! }

  mutating func u32(_ what: String) throws(ModelError) -> UInt32 {
    var v: UInt32 = 0
    for (i, b) in try take(4, what).enumerated() { v |= UInt32(b) << (8 * UInt32(i)) }
    return v
  }

  mutating func u64(_ what: String) throws(ModelError) -> UInt64 {
    var v: UInt64 = 0
    for (i, b) in try take(8, what).enumerated() { v |= UInt64(b) << (8 * UInt64(i)) }
    return v
  }

  mutating func i64(_ what: String) throws(ModelError) -> Int { Int(Int64(bitPattern: try u64(what))) }

  /// A non-negative integer no larger than `limit`.
  mutating func count(_ what: String, limit: Int) throws(ModelError) -> Int {
    let start = offset
    let v = try i64(what)
    guard v >= 0, v <= limit else {
      throw ModelError(.corruptCheckpoint, "\(what) is \(v) at byte \(start); accepted: 0...\(limit)")
    }
    return v
  }

  mutating func f64(_ what: String) throws(ModelError) -> Double { Double(bitPattern: try u64(what)) }

  mutating func bool(_ what: String) throws(ModelError) -> Bool {
    let start = offset
    switch try u8(what) {
    case 0: return false
    case 1: return true
    case let v: throw ModelError(.corruptCheckpoint, "\(what) is \(v) at byte \(start); accepted: 0 or 1")
    }
  }

  mutating func string(_ what: String) throws(ModelError) -> String {
    let n = Int(try u32(what))
    let start = offset
    let slice = try take(n, what)
    guard let s = String(validating: slice, as: UTF8.self) else {
      throw ModelError(.corruptCheckpoint, "\(what) is not valid UTF-8 at byte \(start)")
    }
    return s
  }

  mutating func doubles(_ what: String) throws(ModelError) -> [Double] {
    #if _endian(little)
    return try values(what, as: Double.self)
    #else
    let n = Int(clamping: try u64(what))
    guard n <= remaining / 8 else { throw fail("truncated \(what): \(n) values do not fit") }
    var out = [Double](repeating: 0, count: n)
    for i in 0..<n { out[i] = try f64(what) }
    return out
    #endif
  }

  mutating func floats(_ what: String) throws(ModelError) -> [Float] {
    #if _endian(little)
    return try values(what, as: Float.self)
    #else
    let n = Int(clamping: try u64(what))
    guard n <= remaining / 4 else { throw fail("truncated \(what): \(n) values do not fit") }
    var out = [Float](repeating: 0, count: n)
    for i in 0..<n { out[i] = Float(bitPattern: try u32(what)) }
    return out
    #endif
  }

  #if _endian(little)
  /// A count, then that many values whose memory is the format (IEEE,
  /// little-endian), copied in one go.
  private mutating func values<T: BitwiseCopyable>(_ what: String, as: T.Type) throws(ModelError) -> [T] {
    let n = Int(clamping: try u64(what))
    let width = MemoryLayout<T>.size
    guard n <= remaining / width else { throw fail("truncated \(what): \(n) values do not fit") }
    let raw = try take(n * width, what)
    return [T](unsafeUninitializedCapacity: n) { buffer, count in
      raw.withUnsafeBytes { UnsafeMutableRawBufferPointer(buffer).copyMemory(from: $0) }
      count = n
    }
  }
  #endif

  /// One of `type`'s raw values, named by a string field.
  mutating func choice<T: RawRepresentable>(_ what: String, _ type: T.Type) throws(ModelError) -> T
  where T.RawValue == String {
    let start = offset
    let s = try string(what)
    guard let v = T(rawValue: s) else {
      throw ModelError(.corruptCheckpoint, "\(what) \"\(s)\" at byte \(start) is not a known value")
    }
    return v
  }
}
