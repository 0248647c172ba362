/// A parsed JSON document that keeps what Foundation's parser drops: the order
/// of object keys, the difference between `1`, `1.0` and `true`, duplicate keys,
/// and the line and column of every value, so that errors can point into the file.
///
/// Produced by ``JSONParser``; consumed by the experiment loader. Immutable and `Sendable`.
public struct JSONValue: Sendable, Equatable {
  /// What the value is.
  public enum Kind: Sendable, Equatable {
    case null
    case bool(Bool)
    /// A number, with the literal as written so integers stay exact.
    case number(JSONNumber)
    case string(String)
    case array([JSONValue])
    /// Members in file order. Duplicate keys are rejected by the parser.
    case object([JSONMember])
  }

  public var kind: Kind
  /// Where the value starts in the source text.
  public var position: SourcePosition

  public init(_ kind: Kind, at position: SourcePosition = .unknown) {
    self.kind = kind
    self.position = position
  }

  /// Values compare by content only: two documents with the same content but
  /// different layout are equal.
  public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool { lhs.kind == rhs.kind }
}

/// One `"key": value` member of a JSON object.
public struct JSONMember: Sendable, Equatable {
  public var key: String
  /// Where the key starts in the source text.
  public var keyPosition: SourcePosition
  public var value: JSONValue

  public init(key: String, keyPosition: SourcePosition = .unknown, value: JSONValue) {
    self.key = key
    self.keyPosition = keyPosition
    self.value = value
  }

  public static func == (lhs: JSONMember, rhs: JSONMember) -> Bool {
    lhs.key == rhs.key && lhs.value == rhs.value
  }
}

/// A JSON number as written, with its value as `Double` and, when it is written
/// without fraction or exponent and fits, as `Int`.
public struct JSONNumber: Sendable, Equatable, CustomStringConvertible {
  /// The literal exactly as in the source (`"1e-4"`, `"30"`).
  public var literal: String
  public var double: Double
  /// Set only for integer literals (no `.`, `e` or `E`) that fit in `Int`.
  public var int: Int?

  public init(literal: String, double: Double, int: Int?) {
    self.literal = literal
    self.double = double
    self.int = int
  }

  /// A number made from a Swift `Int`.
  public init(_ value: Int) { self.init(literal: String(value), double: Double(value), int: value) }

  /// A number made from a Swift `Double`, written in its shortest round-trip form.
  public init(_ value: Double) {
    self.init(literal: JSONNumber.format(value), double: value, int: nil)
  }

  public var description: String { literal }

  public static func == (lhs: JSONNumber, rhs: JSONNumber) -> Bool {
    lhs.int == rhs.int && lhs.double == rhs.double
  }

  /// The shortest text that reads back as `value` (`0.0001` → `"0.0001"`, `30.0` → `"30.0"`).
  public static func format(_ value: Double) -> String {
    if value.isFinite, value == value.rounded(), abs(value) < 1e15 {
      return String(Int64(value)) + ".0"
    }
    return "\(value)"
  }
}

/// A line and column (both 1-based) in a source text; `.unknown` for values built in code.
public struct SourcePosition: Sendable, Equatable, Hashable, CustomStringConvertible {
  public var line: Int
  public var column: Int

  public init(line: Int, column: Int) {
    self.line = line
    self.column = column
  }

  public static let unknown = SourcePosition(line: 0, column: 0)

  public var isKnown: Bool { line > 0 }
  public var description: String { isKnown ? "\(line):\(column)" : "?" }
}

extension JSONValue {
  /// The member named `key`, when this is an object that has it.
  public subscript(key: String) -> JSONValue? {
    guard case .object(let members) = kind else { return nil }
    return members.first { $0.key == key }?.value
  }

  /// A short name of the JSON type, as used in error messages ("a string", "an object").
  public var typeDescription: String {
    switch kind {
    case .null: return "null"
    case .bool: return "a boolean"
    case .number(let n): return n.int != nil ? "an integer" : "a number"
    case .string: return "a string"
    case .array: return "an array"
    case .object: return "an object"
    }
  }

  /// The value written back as compact JSON (numbers as their literals), for messages.
  public var compactText: String {
    switch kind {
    case .null: return "null"
    case .bool(let b): return b ? "true" : "false"
    case .number(let n): return n.literal
    case .string(let s): return JSONWriter.quote(s)
    case .array(let items): return "[" + items.map(\.compactText).joined(separator: ", ") + "]"
    case .object(let members):
      return "{" + members.map { JSONWriter.quote($0.key) + ": " + $0.value.compactText }
        .joined(separator: ", ") + "}"
    }
  }
}
