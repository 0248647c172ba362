import Foundation
import HPOData

/// A fresh directory under the system temporary directory, removed on deinit.
final class TemporaryDirectory {
  let path: String

  init() {
    let template = NSTemporaryDirectory() + "hpo-data-tests-XXXXXX"
    var bytes = Array(template.utf8CString)
    path = bytes.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)!) }
  }

  /// Writes `text` (UTF-8) as `name` and returns its path.
  @discardableResult
  func write(_ name: String, _ text: String) -> String {
    write(name, Array(text.utf8))
  }

  /// Writes `bytes` as `name` and returns its path.
  @discardableResult
  func write(_ name: String, _ bytes: [UInt8]) -> String {
    let file = path + "/" + name
    _ = FileManager.default.createFile(atPath: file, contents: Data(bytes))
    return file
  }

  func read(_ name: String) -> [UInt8] {
    Array(FileManager.default.contents(atPath: path + "/" + name) ?? Data())
  }

  deinit { try? FileManager.default.removeItem(atPath: path) }
}

/// The repository's Experiments/data directory.
let bundledDataDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
  .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Experiments/data").path

/// The issue descriptions of a DataError thrown by `body`, or [] when it did not throw.
func thrownIssues(_ body: () throws(DataError) -> Void) -> [String] {
  do {
    try body()
    return []
  } catch {
    return error.issues.map(\.description)
  }
}

/// Minimal gzip writer for tests: stored (uncompressed) deflate blocks plus
/// the CRC-32 and size trailer, so tests need neither zlib nor a gzip binary.
enum TestGzip {
  static func compress(_ data: [UInt8]) -> [UInt8] {
    var out: [UInt8] = [0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 0xFF]
    var offset = 0
    repeat {
      let n = min(65535, data.count - offset)
      let last: UInt8 = offset + n == data.count ? 1 : 0
      out.append(last)
      out += [UInt8(n & 0xFF), UInt8(n >> 8), UInt8(~n & 0xFF), UInt8((~n >> 8) & 0xFF)]
      out += data[offset..<(offset + n)]
      offset += n
    } while offset < data.count
    out += littleEndian(crc32(data))
    out += littleEndian(UInt32(truncatingIfNeeded: data.count))
    return out
  }

  static func littleEndian(_ v: UInt32) -> [UInt8] {
    [UInt8(v & 0xFF), UInt8((v >> 8) & 0xFF), UInt8((v >> 16) & 0xFF), UInt8(v >> 24)]
  }

  static func crc32(_ data: [UInt8]) -> UInt32 {
    var table = [UInt32](repeating: 0, count: 256)
    for i in 0..<256 {
      var c = UInt32(i)
      for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
      table[i] = c
    }
    var crc: UInt32 = 0xFFFF_FFFF
    for b in data { crc = table[Int((crc ^ UInt32(b)) & 0xFF)] ^ (crc >> 8) }
    return crc ^ 0xFFFF_FFFF
  }
}

/// An IDX file: type code, dimensions, raw big-endian payload.
func idxBytes(type: UInt8, dimensions: [Int], payload: [UInt8]) -> [UInt8] {
  var out: [UInt8] = [0, 0, type, UInt8(dimensions.count)]
  for d in dimensions { out += [UInt8(d >> 24 & 0xFF), UInt8(d >> 16 & 0xFF), UInt8(d >> 8 & 0xFF), UInt8(d & 0xFF)] }
  return out + payload
}
