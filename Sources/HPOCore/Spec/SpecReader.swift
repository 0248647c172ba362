/// A JSON value together with its path in the document, the unit that
/// validation walks.
struct SpecNode {
  let value: JSONValue
  let path: String

  /// The path of member `key` of this node.
  func path(of key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

  /// The path of item `index` of this node.
  func path(at index: Int) -> String { "\(path)[\(index)]" }

  /// The value as written, for messages: `"cnn"`, `0.5`, `[1, 2]`.
  var shown: String {
    let text = value.compactText
    return text.count > 60 ? String(text.prefix(57)) + "..." : text
  }
}

/// Collects diagnostics while validation walks a document, and reads typed
/// values from nodes, reporting each mismatch with its path, the value found
/// and what is accepted. Readers return `nil` after reporting.
final class SpecDiagnostics {
  private(set) var items: [SpecDiagnostic] = []

  var hasErrors: Bool { items.contains { $0.severity == .error } }

  func error(_ path: String, _ position: SourcePosition, _ message: String) {
    items.append(SpecDiagnostic(.error, path: path, position: position, message: message))
  }

  func error(_ node: SpecNode, _ message: String) { error(node.path, node.value.position, message) }

  func warning(_ path: String, _ position: SourcePosition, _ message: String) {
    items.append(SpecDiagnostic(.warning, path: path, position: position, message: message))
  }

  /// Reports that `node` has the wrong JSON type.
  func typeMismatch(_ node: SpecNode, expected: String) {
    error(node, "expected \(expected), found \(node.value.typeDescription) \(node.shown)")
  }

  // MARK: Scalars

  func string(_ node: SpecNode, nonEmpty: Bool = true) -> String? {
    guard case .string(let s) = node.value.kind else {
      typeMismatch(node, expected: "a string")
      return nil
    }
    if nonEmpty && s.trimmingSpaces.isEmpty {
      error(node, "must not be empty")
      return nil
    }
    return s
  }

  func bool(_ node: SpecNode) -> Bool? {
    guard case .bool(let b) = node.value.kind else {
      typeMismatch(node, expected: "true or false")
      return nil
    }
    return b
  }

  /// An integer in `min...max`; "accepted" in messages is derived from the bounds.
  func int(_ node: SpecNode, min: Int? = nil, max: Int? = nil) -> Int? {
    let accepted = Self.integerRange(min: min, max: max)
    guard case .number(let n) = node.value.kind else {
      typeMismatch(node, expected: accepted)
      return nil
    }
    guard let i = n.int else {
      error(node, "\(n.literal) is not an integer; accepted: \(accepted)")
      return nil
    }
    if let min, i < min {
      error(node, "\(i) is out of range; accepted: \(accepted)")
      return nil
    }
    if let max, i > max {
      error(node, "\(i) is out of range; accepted: \(accepted)")
      return nil
    }
    return i
  }

  static func integerRange(min: Int?, max: Int?) -> String {
    switch (min, max) {
    case (let lo?, let hi?): return "an integer from \(lo) to \(hi)"
    case (let lo?, nil): return "an integer ≥ \(lo)"
    case (nil, let hi?): return "an integer ≤ \(hi)"
    case (nil, nil): return "an integer"
    }
  }

  /// Any finite number.
  func number(_ node: SpecNode) -> Double? {
    guard case .number(let n) = node.value.kind else {
      typeMismatch(node, expected: "a number")
      return nil
    }
    return n.double
  }

  /// A number that satisfies `isAccepted`, described by `accepted` ("a number in (0, 1)").
  func number(_ node: SpecNode, accepted: String, _ isAccepted: (Double) -> Bool) -> Double? {
    guard case .number(let n) = node.value.kind else {
      typeMismatch(node, expected: accepted)
      return nil
    }
    guard isAccepted(n.double) else {
      error(node, "\(n.literal) is out of range; accepted: \(accepted)")
      return nil
    }
    return n.double
  }

  /// A non-negative integer seed.
  func seed(_ node: SpecNode) -> UInt64? {
    int(node, min: 0).map { UInt64($0) }
  }

  /// One of the raw values of `E`, with a "did you mean" for near misses.
  func choice<E: RawRepresentable & CaseIterable>(_ node: SpecNode, _: E.Type, what: String) -> E?
  where E.RawValue == String {
    let accepted = Wording.list(E.allCases.map { "\"\($0.rawValue)\"" })
    guard case .string(let s) = node.value.kind else {
      typeMismatch(node, expected: "\(what): \(accepted)")
      return nil
    }
    if let e = E(rawValue: s) { return e }
    let hint = Wording.suggestion(for: s, among: E.allCases.map(\.rawValue)).map { "did you mean \"\($0)\"? " } ?? ""
    error(node, "\"\(s)\" is not \(what); \(hint)accepted: \(accepted)")
    return nil
  }
}

/// Reads the members of one JSON object: each key is taken once, and
/// ``finish()`` reports every key that was not taken as unknown, with a
/// "did you mean" drawn from the keys this object accepts.
final class ObjectReader {
  let node: SpecNode
  private let diagnostics: SpecDiagnostics
  private let accepted: [String]
  private let members: [JSONMember]

  /// `nil` (after reporting) when `node` is not an object.
  init?(_ node: SpecNode, accepting accepted: [String], _ diagnostics: SpecDiagnostics, what: String = "an object") {
    guard case .object(let members) = node.value.kind else {
      diagnostics.typeMismatch(node, expected: what)
      return nil
    }
    self.node = node
    self.diagnostics = diagnostics
    self.accepted = accepted
    self.members = members
  }

  /// The member `key`, or `nil` when absent.
  func optional(_ key: String) -> SpecNode? {
    precondition(accepted.contains(key), "reader asked for undeclared key \(key)")
    guard let m = members.first(where: { $0.key == key }) else { return nil }
    return SpecNode(value: m.value, path: node.path(of: key))
  }

  /// The member `key`; when absent, reports it as missing with what it accepts.
  func required(_ key: String, accepted: String) -> SpecNode? {
    if let n = optional(key) { return n }
    diagnostics.error(node.path(of: key), node.value.position, "missing required field; accepted: \(accepted)")
    return nil
  }

  /// Reports members that are not among the accepted keys.
  func finish() {
    for m in members where !accepted.contains(m.key) {
      let hint = Wording.suggestion(for: m.key, among: accepted).map { "did you mean \"\($0)\"? " } ?? ""
      diagnostics.error(
        node.path(of: m.key), m.keyPosition,
        "unknown field \"\(m.key)\"; \(hint)accepted: \(Wording.list(accepted))")
    }
  }
}

extension String {
  /// The string without leading and trailing spaces, tabs and newlines.
  var trimmingSpaces: Substring {
    let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
    guard let start = firstIndex(where: { !isSpace($0) }), let end = lastIndex(where: { !isSpace($0) }) else { return "" }
    return self[start...end]
  }
}
