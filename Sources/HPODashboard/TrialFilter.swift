import HPOCore
import HPOStore

/// Which trials a page of the trial table shows: one state (or all), and for any parameters a
/// range (`float` and `int` parameters: `param.lr=0.001..0.01`, either end may be left out,
/// both ends included) or a value (`categorical` and `fixed` ones: `param.optimizer=adam`).
/// Trials without the parameter (a conditional one) do not pass its condition.
struct TrialFilter: Hashable, Sendable {
  /// One parameter's condition.
  enum Condition: Hashable, Sendable {
    case range(low: Double?, high: Double?)
    case equals(TrialSortKeys.Scalar)

    func admits(_ value: TrialSortKeys.Scalar?) -> Bool {
      switch self {
      case .range(let low, let high):
        guard case .number(let x) = value else { return false }
        return low.map { x >= $0 } ?? true && high.map { x <= $0 } ?? true
      case .equals(let wanted):
        return value == wanted
      }
    }
  }

  /// A condition on the parameter at `index` of the space's parameters.
  struct Clause: Hashable, Sendable {
    var index: Int
    var condition: Condition
  }

  var state: TrialState?
  var conditions: [Clause] = []

  /// Whether any trial could fail the filter.
  var isEmpty: Bool { state == nil && conditions.isEmpty }

  func admits(_ trial: TrialSortKeys) -> Bool {
    if let state, trial.state != state { return false }
    return conditions.allSatisfy { $0.condition.admits(trial.parameters[$0.index]) }
  }

  /// The condition that `param.NAME=text` states on `parameter`.
  /// - Throws: ``APIError`` 400 naming the parameter, the text and what is accepted.
  static func condition(_ text: String, on parameter: Parameter) throws(APIError) -> Condition {
    let item = "param.\(parameter.name)=\(text)"
    switch parameter.domain {
    case .float, .int:
      let accepted = "give a range LO..HI of numbers, either end may be left out (0.001..0.01, 0.001.., ..0.01)"
      let parts = text.split(separator: "..", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
      guard parts.count == 2, !(parts[0].isEmpty && parts[1].isEmpty) else { throw .badRequest("\(item): not a range; \(accepted)") }
      let bound = { (s: String) throws(APIError) -> Double? in
        if s.isEmpty { return nil }
        guard let x = Double(s), x.isFinite else { throw .badRequest("\(item): \"\(s)\" is not a finite number; \(accepted)") }
        return x
      }
      let low = try bound(parts[0])
      let high = try bound(parts[1])
      if let low, let high, low > high { throw .badRequest("\(item): the range is empty (\(parts[0]) > \(parts[1])); \(accepted)") }
      return .range(low: low, high: high)
    case .categorical(let choices):
      guard let choice = choices.first(where: { $0.plainText == text }) else {
        throw .badRequest("\(item): not a choice of \(parameter.name); accepted: \(choices.map(\.plainText).joined(separator: ", "))")
      }
      return .equals(TrialSortKeys.Scalar(choice))
    case .fixed(let value):
      guard value.plainText == text else {
        throw .badRequest("\(item): \(parameter.name) is fixed; accepted: \(value.plainText)")
      }
      return .equals(TrialSortKeys.Scalar(value))
    }
  }
}
