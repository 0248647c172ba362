/// One point of a search space: parameter name → value, for the active
/// parameters only. Iterates in name order, so its text form is canonical.
public struct Configuration: Sendable, Hashable, CustomStringConvertible {
  public var values: [String: ParameterValue]

  public init(_ values: [String: ParameterValue] = [:]) { self.values = values }

  public subscript(name: String) -> ParameterValue? {
    get { values[name] }
    set { values[name] = newValue }
  }

  /// Entries sorted by parameter name.
  public var sorted: [(name: String, value: ParameterValue)] {
    values.keys.sorted().map { ($0, values[$0]!) }
  }

  /// Canonical JSON object text, keys sorted: `{"layers": 2, "optimizer": "adam"}`.
  public var description: String { json.compactText }

  /// The configuration as a JSON object with keys in name order.
  public var json: JSONValue {
    JSONValue(.object(sorted.map { JSONMember(key: $0.name, value: $0.value.json) }))
  }
}

extension Configuration: Codable {
  public init(from decoder: any Decoder) throws {
    values = try [String: ParameterValue](from: decoder)
  }

  public func encode(to encoder: any Encoder) throws {
    try values.encode(to: encoder)
  }
}
