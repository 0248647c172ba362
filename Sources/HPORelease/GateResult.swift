import HPOCore
import HPOReports

/// One release gate's verdict, as the reports, the manifest and the wire show it.
public struct GateResult: Sendable, Equatable, Codable {
  /// What kind of check decided.
  public enum Kind: String, Sendable, Codable, CaseIterable {
    case metric, gap, champion, stress, seedStability = "seed_stability", data, drift
    /// A command model's `model.onnx` loads (``HPOONNX/ONNXCheck``).
    case onnx
    /// Some complete trial meets the constraints and `release.pick.subject_to`.
    case pick
  }

  /// A short unique name: `accuracy ≥ 0.9`, `gap`, `champion`, `stress.extremes`, …
  public var name: String
  public var kind: Kind
  public var passed: Bool
  /// The measured value, when the gate measures one.
  public var value: Double?
  /// The threshold in words (`≥ 0.9`, `≤ 0.05`, …).
  public var threshold: String
  /// Why it passed or failed, in a sentence.
  public var detail: String
  /// The drift gate's full check, for the drift section of `report.html`;
  /// nil for other gates. Not part of the gate's JSON.
  public var drift: DriftPageInput? = nil

  enum CodingKeys: String, CodingKey {
    case name, kind, passed, value, threshold, detail
  }

  public init(name: String, kind: Kind, passed: Bool, value: Double? = nil, threshold: String, detail: String) {
    self.name = name
    self.kind = kind
    self.passed = passed
    self.value = value
    self.threshold = threshold
    self.detail = detail
  }

  var json: JSONValue {
    JSONValue(.object([
      JSONMember(key: "name", value: .string(name)),
      JSONMember(key: "kind", value: .string(kind.rawValue)),
      JSONMember(key: "passed", value: JSONValue(.bool(passed))),
      JSONMember(key: "value", value: .number(value)),
      JSONMember(key: "threshold", value: .string(threshold)),
      JSONMember(key: "detail", value: .string(detail)),
    ]))
  }
}

/// Why the release stage could not decide (not a gate failure): bad or missing
/// inputs, a model that cannot be trained, a file that cannot be written.
public struct ReleaseError: Error, CustomStringConvertible, Sendable {
  public var message: String
  public init(_ message: String) { self.message = message }
  public var description: String { message }
}

extension JSONValue {
  static func string(_ s: String) -> JSONValue { JSONValue(.string(s)) }
  static func number(_ x: Double?) -> JSONValue {
    guard let x, x.isFinite else { return JSONValue(.null) }
    return JSONValue(.number(JSONNumber(x)))
  }
  static func int(_ x: Int) -> JSONValue { JSONValue(.number(JSONNumber(x))) }
  static func object(_ members: [(String, JSONValue)]) -> JSONValue {
    JSONValue(.object(members.map { JSONMember(key: $0.0, value: $0.1) }))
  }
  static func array(_ items: [JSONValue]) -> JSONValue { JSONValue(.array(items)) }
  static func metrics(_ m: [Metric: Double]) -> JSONValue {
    .object(Metric.allCases.compactMap { k in m[k].map { (k.rawValue, .number($0)) } })
  }
}

/// Short decimal text of a metric value, as the reports write it (``ReportText/fixed(_:)``).
func formatted(_ x: Double?) -> String { ReportText.fixed(x) }

/// A threshold as written: up to 6 significant digits, no trailing zeros.
func short(_ x: Double) -> String { String(format: "%.6g", x) }
