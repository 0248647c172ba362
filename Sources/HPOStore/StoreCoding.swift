import Foundation
import GRDB
import HPOCore

/// How Swift values are laid out in the store's columns. One place, so reads mirror writes.
///
/// - Timestamps: INTEGER milliseconds since 1970-01-01 UTC (`datetime(x / 1000, 'unixepoch')`
///   in sqlite3); a `Date` is rounded to the millisecond when written.
/// - Seeds: INTEGER holding the `UInt64`'s bit pattern (seeds above `Int64.max` read negative in SQL).
/// - Objective values: REAL; ±infinity as REAL, NaN as the TEXT `'NaN'` (SQLite would store a
///   NaN REAL as NULL, which means "no value").
/// - Configurations: the canonical JSON of ``Configuration/description``, read back with
///   HPOCore's parser so `3.0` stays a float and `3` an int.
/// - Metrics: a JSON object with sorted keys, non-finite numbers as "inf", "-inf", "nan"; NULL
///   when empty.
enum StoreCoding {
  /// Milliseconds from 1970 to 2001-01-01, Foundation's reference date.
  private static let referenceMillis: Int64 = 978_307_200_000

  // Converting through the reference date (what `Date` stores) with integer offsets makes a
  // whole-millisecond `Date` survive a round trip bit for bit.
  static func millis(_ date: Date) -> Int64 {
    Int64((date.timeIntervalSinceReferenceDate * 1000).rounded()) + referenceMillis
  }
  static func date(_ millis: Int64) -> Date {
    Date(timeIntervalSinceReferenceDate: Double(millis - referenceMillis) / 1000)
  }
  static func date(_ millis: Int64?) -> Date? { millis.map(date) }

  static func seed(_ seed: UInt64) -> Int64 { Int64(bitPattern: seed) }
  static func seed(_ stored: Int64) -> UInt64 { UInt64(bitPattern: stored) }

  static func value(_ value: Double?) -> DatabaseValue {
    guard let value else { return .null }
    return value.isNaN ? "NaN".databaseValue : value.databaseValue
  }

  static func value(_ stored: DatabaseValue, what: @autoclosure () -> String) throws -> Double? {
    switch stored.storage {
    case .null: return nil
    case .double(let d): return d
    case .int64(let i): return Double(i)
    case .string(let s) where s == "NaN": return .nan
    case .string, .blob: throw StoreCoding.corrupt(what(), "not a number: \(stored)")
    }
  }

  static func configurationJSON(_ configuration: HPOCore.Configuration) -> String { configuration.description }

  static func configuration(_ text: String, what: @autoclosure () -> String) throws -> HPOCore.Configuration {
    let json: JSONValue
    do {
      json = try JSONParser.parse(text)
    } catch {
      throw corrupt(what(), error.description)
    }
    guard case .object(let members) = json.kind else { throw corrupt(what(), "not a JSON object") }
    var values: [String: ParameterValue] = [:]
    for member in members {
      guard let value = ParameterValue(json: member.value) else {
        throw corrupt(what(), "parameter \(member.key) is not a scalar")
      }
      values[member.key] = value
    }
    return HPOCore.Configuration(values)
  }

  /// Encodes and decodes metrics; one per batch or read (Foundation's coders are not Sendable).
  struct MetricsCoder {
    private let encoder: JSONEncoder
    private let decoder: JSONDecoder

    init() {
      encoder = JSONEncoder()
      encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
      encoder.nonConformingFloatEncodingStrategy = .convertToString(
        positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
      decoder = JSONDecoder()
      decoder.nonConformingFloatDecodingStrategy = .convertFromString(
        positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
    }

    func encode(_ metrics: [String: Double]) throws -> String? {
      metrics.isEmpty ? nil : String(decoding: try encoder.encode(metrics), as: UTF8.self)
    }

    func decode(_ text: String?, what: @autoclosure () -> String) throws -> [String: Double] {
      guard let text else { return [:] }
      do {
        return try decoder.decode([String: Double].self, from: Data(text.utf8))
      } catch {
        throw StoreCoding.corrupt(what(), "metrics JSON: \(error)")
      }
    }
  }

  /// A decoding failure; ``ExperimentStore`` adds the path.
  struct Corrupt: Error {
    var what: String
    var reason: String
  }

  static func corrupt(_ what: String, _ reason: String) -> Corrupt { Corrupt(what: what, reason: reason) }

  /// At most the last 4,096 UTF-8 bytes of `text`, cut at a character boundary.
  static func outputTail(_ text: String) -> String {
    let utf8 = Array(text.utf8)
    guard utf8.count > 4096 else { return text }
    var start = utf8.count - 4096
    while start < utf8.count, utf8[start] & 0xC0 == 0x80 { start += 1 }
    return String(decoding: utf8[start...], as: UTF8.self)
  }
}
