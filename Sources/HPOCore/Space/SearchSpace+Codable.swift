/// `Codable` in the experiment format: `{"name": {"type": "float", "low": ..., ...}}`.
/// Encoding writes every field explicitly; decoding trusts its input (it is for
/// round trips of already validated specs — user files go through ``ExperimentLoader``).
extension SearchSpace: Codable {
  private struct Key: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
  }

  public init(from decoder: any Decoder) throws {
    let c = try decoder.container(keyedBy: Key.self)
    self.init(try c.allKeys.map { key in
      let p = try c.decode(ParameterEncoding.self, forKey: key)
      return Parameter(name: key.stringValue, domain: try p.domain(codingPath: c.codingPath + [key]),
                       condition: p.when.map(Condition.init(encoding:)), defaultValue: p.default)
    })
  }

  public func encode(to encoder: any Encoder) throws {
    var c = encoder.container(keyedBy: Key.self)
    for p in parameters {
      try c.encode(ParameterEncoding(p), forKey: Key(stringValue: p.name))
    }
  }
}

/// The flat, file-format shape of one parameter.
private struct ParameterEncoding: Codable {
  var type: String
  var low: ParameterValue?
  var high: ParameterValue?
  var log: Bool?
  var step: ParameterValue?
  var gridPoints: Int?
  var choices: [ParameterValue]?
  var value: ParameterValue?
  var when: [String: [ParameterValue]]?
  var `default`: ParameterValue?

  enum CodingKeys: String, CodingKey {
    case type, low, high, log, step
    case gridPoints = "grid_points"
    case choices, value, when, `default`
  }

  init(_ p: Parameter) {
    type = p.domain.kindName
    switch p.domain {
    case .float(let r):
      (low, high, log, step, gridPoints) = (.float(r.low), .float(r.high), r.log, r.step.map(ParameterValue.float), r.gridPoints)
    case .int(let r):
      (low, high, log, step, gridPoints) = (.int(r.low), .int(r.high), r.log, r.step > 1 ? .int(r.step) : nil, r.gridPoints)
    case .categorical(let c): choices = c
    case .fixed(let v): value = v
    }
    when = p.condition.map { c in Dictionary(uniqueKeysWithValues: c.requirements.map { ($0.parent, $0.values) }) }
    self.default = p.defaultValue
  }

  func domain(codingPath: [any CodingKey]) throws -> Domain {
    func number(_ v: ParameterValue?) throws -> Double {
      guard let d = v?.numericValue else {
        throw DecodingError.dataCorrupted(.init(codingPath: codingPath, debugDescription: "missing low/high"))
      }
      return d
    }
    switch type {
    case "float":
      return .float(FloatRange(low: try number(low), high: try number(high), log: log ?? false,
                               step: try step.map { try number($0) }, gridPoints: gridPoints))
    case "int":
      return .int(IntRange(low: Int(try number(low)), high: Int(try number(high)), log: log ?? false,
                           step: Int(try step.map { try number($0) } ?? 1), gridPoints: gridPoints))
    case "categorical": return .categorical(choices ?? [])
    case "fixed":
      guard let value else { throw DecodingError.dataCorrupted(.init(codingPath: codingPath, debugDescription: "missing value")) }
      return .fixed(value)
    default:
      throw DecodingError.dataCorrupted(.init(codingPath: codingPath, debugDescription: "unknown type \(type)"))
    }
  }
}

extension Condition {
  fileprivate init(encoding: [String: [ParameterValue]]) {
    self.init(encoding.map { Requirement(parent: $0.key, values: $0.value) })
  }
}
