/// One value of a hyperparameter: what a sampler proposes and a worker receives.
///
/// Integers and floats stay distinct (`3` is not `3.0`), so a model asking for an
/// `Int` never receives `3.0000000001`. Booleans are not numbers.
public enum ParameterValue: Sendable, Hashable, CustomStringConvertible {
  case int(Int)
  case float(Double)
  case string(String)
  case bool(Bool)

  /// The value as written in JSON (`0.001`, `"relu"`, `true`).
  public var description: String {
    switch self {
    case .int(let v): return String(v)
    case .float(let v): return JSONNumber.format(v)
    case .string(let v): return JSONWriter.quote(v)
    case .bool(let v): return v ? "true" : "false"
    }
  }

  /// The value without quotes, for tables.
  public var plainText: String {
    if case .string(let s) = self { return s }
    return description
  }

  /// The numeric value of an `.int` or `.float`; `nil` for strings and booleans.
  public var numericValue: Double? {
    switch self {
    case .int(let v): return Double(v)
    case .float(let v): return v
    case .string, .bool: return nil
    }
  }

  /// The value as a JSON tree.
  public var json: JSONValue {
    switch self {
    case .int(let v): return JSONValue(.number(JSONNumber(v)))
    case .float(let v): return JSONValue(.number(JSONNumber(v)))
    case .string(let v): return JSONValue(.string(v))
    case .bool(let v): return JSONValue(.bool(v))
    }
  }

  /// The JSON scalar `json` as a parameter value; `nil` for null, arrays and objects.
  public init?(json: JSONValue) {
    switch json.kind {
    case .bool(let b): self = .bool(b)
    case .string(let s): self = .string(s)
    case .number(let n): self = n.int.map(ParameterValue.int) ?? .float(n.double)
    case .null, .array, .object: return nil
    }
  }
}

extension ParameterValue: Codable {
  public init(from decoder: any Decoder) throws {
    let c = try decoder.singleValueContainer()
    // JSON has no tags: each type is tried in turn, and the last one's error is the one thrown.
    if let b = try? c.decode(Bool.self) {
      self = .bool(b)
    } else if let i = try? c.decode(Int.self) {
      self = .int(i)
    } else if let d = try? c.decode(Double.self) {
      self = .float(d)
    } else {
      self = .string(try c.decode(String.self))
    }
  }

  public func encode(to encoder: any Encoder) throws {
    var c = encoder.singleValueContainer()
    switch self {
    case .int(let v): try c.encode(v)
    case .float(let v): try c.encode(v)
    case .string(let v): try c.encode(v)
    case .bool(let v): try c.encode(v)
    }
  }
}
