import Crypto
import Foundation

/// SHA-256 digests as lower-case hex text: how hpo names shards, checkpoints,
/// package files and specs everywhere (the form `sha256sum` prints).
public enum SHA256Hex {
  /// The hex SHA-256 of `bytes`.
  public static func of(_ bytes: some DataProtocol) -> String {
    hex(SHA256.hash(data: bytes))
  }

  /// Lower-case hex text of `bytes` (two digits per byte).
  public static func hex(_ bytes: some Sequence<UInt8>) -> String {
    let digits = Array("0123456789abcdef".utf8)
    var text: [UInt8] = []
    text.reserveCapacity(64)
    for b in bytes {
      text.append(digits[Int(b >> 4)])
      text.append(digits[Int(b & 0x0f)])
    }
    return String(decoding: text, as: UTF8.self)
  }
}

extension SHA256Hex {
  /// The SHA-256 of bytes given in pieces (a file read or received in
  /// chunks): the same digest as ``SHA256Hex/of(_:)`` of the pieces joined.
  public struct Hasher {
    private var state = SHA256()

    public init() {}

    /// Adds the next piece.
    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
      state.update(bufferPointer: bytes)
    }

    /// Adds the next piece.
    public mutating func update(_ bytes: some DataProtocol) {
      state.update(data: bytes)
    }

    /// The lower-case hex digest of every piece added so far (more may still be added).
    public var hex: String { SHA256Hex.hex(state.finalize()) }
  }
}

extension SHA256Hex {
  /// The SHA-256 and size of the file at `path`, read 1 MiB at a time (a
  /// checkpoint of any size is hashed in constant memory).
  /// - Throws: the system's error when the file cannot be opened or read.
  public static func ofFile(_ path: String) throws -> (sha256: String, bytes: Int) {
    let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
    defer {
      // Read-only: closing cannot lose anything, and the digest is already computed.
      try? handle.close()
    }
    var hasher = Hasher()
    var total = 0
    while let data = try handle.read(upToCount: 1 << 20), !data.isEmpty {
      hasher.update(data)
      total += data.count
    }
    return (hasher.hex, total)
  }
}
