import HPOCore

/// The contents of one shard file.
public struct Shard<Scalar: DataScalar>: Sendable, Equatable {
  /// Row-major features, `rows × featureCount`.
  public var features: [Scalar]
  public var labels: [Double]
  public var featureCount: Int
  /// SHA-256 of the payload, lower-case hex.
  public var sha256: String

  public var rowCount: Int { labels.count }
}

/// Reads shard files written by ``ShardWriter``.
public enum ShardReader {
  /// Maps `path`, checks header, size and SHA-256, and returns its rows.
  ///
  /// - Parameter expectedSHA256: when given (from a manifest), the header's
  ///   hash must equal it too.
  /// - Throws: ``DataError`` with `.badMagic`, `.unsupportedVersion`,
  ///   `.badHeader`, `.shapeMismatch` (wrong element type asked),
  ///   `.truncated`, `.trailingData` or `.hashMismatch`, naming the file;
  ///   never traps on a damaged file.
  public static func read<Scalar: DataScalar>(
    path: String, as type: Scalar.Type = Scalar.self, expectedSHA256: String? = nil
  ) throws(DataError) -> Shard<Scalar> {
    let mapped = try MappedFile(path: path)
    defer { mapped.close() }
    let bytes = mapped.bytes
    func fail(_ code: DataIssue.Code, _ message: String) -> DataError {
      DataError(code, file: path, message: message)
    }
    guard bytes.count >= ShardFormat.headerSize else {
      if bytes.count >= 8 && !bytes.prefix(8).elementsEqual(ShardFormat.magic) {
        throw fail(.badMagic, "is not an hpo shard (no HPOSHARD magic)")
      }
      throw fail(.truncated, "is truncated: \(bytes.count) bytes, shorter than the \(ShardFormat.headerSize)-byte header")
    }
    guard bytes.prefix(8).elementsEqual(ShardFormat.magic) else {
      throw fail(.badMagic, "is not an hpo shard (no HPOSHARD magic)")
    }
    func u32(_ at: Int) -> UInt32 { UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: at, as: UInt32.self)) }
    func u64(_ at: Int) -> UInt64 { UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: at, as: UInt64.self)) }
    let version = u32(8)
    guard version == ShardFormat.version else {
      throw fail(.unsupportedVersion, "has format version \(version); this hpo reads version \(ShardFormat.version)")
    }
    guard let stored = DataType(shardCode: u32(12)) else {
      throw fail(.badHeader, "has unknown feature type code \(u32(12)); expected 1 (float32) or 2 (float64)")
    }
    guard stored == Scalar.dataType else {
      throw fail(.shapeMismatch, "holds \(stored.rawValue) features; read it as \(stored == .float32 ? "Float" : "Double")")
    }
    let rows64 = u64(16)
    let width64 = u64(24)
    guard u32(32) == 2, u64(40) == UInt64(ShardFormat.headerSize), rows64 < 1 << 40, width64 < 1 << 24 else {
      throw fail(.badHeader, "has an inconsistent header (label type, payload offset or shape out of range)")
    }
    let rows = Int(rows64)
    let width = Int(width64)
    let (cells, overflow) = rows.multipliedReportingOverflow(by: width)
    guard !overflow, cells < 1 << 40 else { throw fail(.badHeader, "has an impossible shape \(rows) × \(width)") }
    let block = ShardFormat.featureBlockSize(rows: rows, features: width, type: stored)
    let payloadSize = block + rows * 8
    guard u64(48) == UInt64(payloadSize) else {
      throw fail(.badHeader, "header says the payload has \(u64(48)) bytes, but \(rows) × \(width) \(stored.rawValue) needs \(payloadSize)")
    }
    let available = bytes.count - ShardFormat.headerSize
    guard available >= payloadSize else {
      throw fail(.truncated, "is truncated: payload has \(available) of \(payloadSize) bytes")
    }
    guard available == payloadSize else {
      throw fail(.trailingData, "has \(available - payloadSize) bytes after the payload")
    }
    let payload = UnsafeRawBufferPointer(rebasing: bytes[ShardFormat.headerSize...])
    let digest = SHA256Hex.of(payload)
    let recorded = SHA256Hex.hex(bytes[56..<88])
    guard digest == recorded else {
      throw fail(.hashMismatch, "is corrupt: payload SHA-256 is \(digest) but the header records \(recorded)")
    }
    if let expectedSHA256, expectedSHA256 != digest {
      throw fail(.hashMismatch, "has SHA-256 \(digest) but the manifest names \(expectedSHA256)")
    }
    let features = [Scalar](unsafeUninitializedCapacity: cells) { out, count in
      UnsafeMutableRawBufferPointer(out).copyMemory(
        from: UnsafeRawBufferPointer(rebasing: payload[0..<(cells * stored.byteCount)]))
      count = cells
    }
    let labels = (0..<rows).map { i in
      Double(bitPattern: UInt64(littleEndian: payload.loadUnaligned(fromByteOffset: block + 8 * i, as: UInt64.self)))
    }
    return Shard(features: features, labels: labels, featureCount: width, sha256: digest)
  }
}
