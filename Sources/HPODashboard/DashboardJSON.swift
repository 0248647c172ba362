import Foundation

/// How the API writes JSON: keys sorted, dates as ISO 8601 (UTC), non-finite numbers as the
/// strings `"inf"`, `"-inf"` and `"nan"` (as the store's metrics JSON), and `<`, `>` and `&`
/// written as `\u003c`, `\u003e`, `\u0026`, so no text from an experiment (a name containing
/// `<script>`) can close or open markup if a body is ever embedded in a page.
enum DashboardJSON {
  static let contentType = "application/json; charset=utf-8"

  static func encode(_ value: some Encodable) throws -> Data {
    // A JSONEncoder is not Sendable; one per call is cheap next to the store read.
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    encoder.dateEncodingStrategy = .iso8601
    encoder.nonConformingFloatEncodingStrategy = .convertToString(
      positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
    return escapeMarkup(try encoder.encode(value))
  }

  /// `<`, `>` and `&` only occur inside JSON strings, where their `\u` escapes mean the same.
  static func escapeMarkup(_ data: Data) -> Data {
    var out = Data()
    out.reserveCapacity(data.count)
    for byte in data {
      switch byte {
      case UInt8(ascii: "<"): out.append(contentsOf: Array(#"\u003c"#.utf8))
      case UInt8(ascii: ">"): out.append(contentsOf: Array(#"\u003e"#.utf8))
      case UInt8(ascii: "&"): out.append(contentsOf: Array(#"\u0026"#.utf8))
      default: out.append(byte)
      }
    }
    return out
  }
}
