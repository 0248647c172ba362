import HPOCore

/// A JSON object member.
func member(_ key: String, _ kind: JSONValue.Kind) -> JSONMember {
  JSONMember(key: key, value: JSONValue(kind))
}

/// A number, or null for NaN and infinities (JSON has no such numbers).
func number(_ v: Double) -> JSONValue {
  v.isFinite ? JSONValue(.number(JSONNumber(v))) : JSONValue(.null)
}

/// Parsing a JSON file written by HPOData, with errors as ``DataError``.
enum JSONDocument {
  static func parse(_ text: String, file: String) throws(DataError) -> JSONValue {
    do {
      return try JSONParser.parse(text)
    } catch {
      throw DataError(.corrupt, file: file, line: error.position.isKnown ? error.position.line : nil,
                      message: "is not valid JSON: \(error.message)")
    }
  }
}

/// Typed access to fields of a parsed HPOData JSON file; every failure names
/// the file and the field.
struct JSONFieldReader {
  let file: String

  func error(_ message: String) -> DataError { DataError(.corrupt, file: file, message: message) }

  func string(_ value: JSONValue?) -> String? {
    if case .string(let s)? = value?.kind { return s }
    return nil
  }

  func requiredString(_ value: JSONValue?, _ name: String) throws(DataError) -> String {
    guard let s = string(value) else { throw error("field \"\(name)\" must be a string") }
    return s
  }

  func int(_ value: JSONValue?, _ name: String) throws(DataError) -> Int {
    guard case .number(let n)? = value?.kind, let i = n.int else {
      throw error("field \"\(name)\" must be an integer")
    }
    return i
  }

  /// A number, with null read as NaN.
  func double(_ value: JSONValue?, _ name: String) throws(DataError) -> Double {
    switch value?.kind {
    case .number(let n)?: return n.double
    case .null?: return .nan
    default: throw error("field \"\(name)\" must be a number")
    }
  }

  func array(_ value: JSONValue?, _ name: String) throws(DataError) -> [JSONValue] {
    guard case .array(let items)? = value?.kind else { throw error("field \"\(name)\" must be an array") }
    return items
  }
}
