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
