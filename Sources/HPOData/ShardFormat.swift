import HPOCore
import Crypto

/// The binary shard format: one block of rows (features and labels) with a
/// fixed 128-byte header, little-endian throughout, laid out so that it can be
/// memory-mapped and used in place.
///
/// | offset | size | field |
/// |---|---|---|
/// | 0 | 8 | magic `HPOSHARD` |
/// | 8 | 4 | format version (1) |
/// | 12 | 4 | feature type: 1 = float32, 2 = float64 |
/// | 16 | 8 | rows |
/// | 24 | 8 | features per row |
/// | 32 | 4 | label type: 2 = float64 |
/// | 36 | 4 | reserved, 0 |
/// | 40 | 8 | payload offset (128) |
/// | 48 | 8 | payload size in bytes |
/// | 56 | 32 | SHA-256 of the payload |
/// | 88 | 40 | zero |
///
/// The payload is the row-major feature matrix, zero padding to a multiple of
/// 64 bytes, then the labels as float64. Writing is deterministic: the same
/// rows give the same bytes.
public enum ShardFormat {
  public static let magic: [UInt8] = Array("HPOSHARD".utf8)
  public static let version: UInt32 = 1
  public static let headerSize = 128

  /// Bytes of the feature block including its padding.
  static func featureBlockSize(rows: Int, features: Int, type: DataType) -> Int {
    (rows * features * type.byteCount + 63) / 64 * 64
  }
}

/// Where a shard was written and what it holds: what a manifest records.
public struct ShardInfo: Sendable, Equatable {
  /// The file name, relative to the manifest's directory.
  public var file: String
  public var rows: Int
  /// SHA-256 of the shard's payload, lower-case hex (also in its header).
  public var sha256: String

  public init(file: String, rows: Int, sha256: String) {
    self.file = file
    self.rows = rows
    self.sha256 = sha256
  }
}

/// Writes datasets as shard files.
public enum ShardWriter {
  /// Writes the rows of `dataset` to `path` atomically (temporary file and
  /// rename). Returns its ``ShardInfo`` with `file` set to the last path component.
  public static func write<Scalar: DataScalar>(
    _ dataset: Dataset<Scalar>, to path: String
  ) throws(DataError) -> ShardInfo {
    let type = Scalar.dataType
    let rows = dataset.rowCount
    let block = ShardFormat.featureBlockSize(rows: rows, features: dataset.featureCount, type: type)
    let payloadSize = block + rows * 8
    var file = [UInt8](repeating: 0, count: ShardFormat.headerSize + payloadSize)
    let digest = file.withUnsafeMutableBytes { out -> [UInt8] in
      let payload = UnsafeMutableRawBufferPointer(rebasing: out[ShardFormat.headerSize...])
      dataset.features.withUnsafeBytes { payload.copyMemory(from: $0) }
      var position = block
      for label in dataset.labels {
        payload.storeBytes(of: label.bitPattern.littleEndian, toByteOffset: position, as: UInt64.self)
        position += 8
      }
      let hash = Array(SHA256.hash(data: UnsafeRawBufferPointer(payload)))
      ShardFormat.magic.withUnsafeBytes { out.copyMemory(from: $0) }
      out.storeBytes(of: ShardFormat.version.littleEndian, toByteOffset: 8, as: UInt32.self)
      out.storeBytes(of: type.shardCode.littleEndian, toByteOffset: 12, as: UInt32.self)
      out.storeBytes(of: UInt64(rows).littleEndian, toByteOffset: 16, as: UInt64.self)
      out.storeBytes(of: UInt64(dataset.featureCount).littleEndian, toByteOffset: 24, as: UInt64.self)
      out.storeBytes(of: UInt32(2).littleEndian, toByteOffset: 32, as: UInt32.self)
      out.storeBytes(of: UInt64(ShardFormat.headerSize).littleEndian, toByteOffset: 40, as: UInt64.self)
      out.storeBytes(of: UInt64(payloadSize).littleEndian, toByteOffset: 48, as: UInt64.self)
      for (i, byte) in hash.enumerated() { out[56 + i] = byte }
      return hash
    }
    do { try AtomicFile.write(file, to: path) } catch { throw DataError(error) }
    let name = path.split(separator: "/").last.map(String.init) ?? path
    return ShardInfo(file: name, rows: rows, sha256: SHA256Hex.hex(digest))
  }
}
