import Foundation
import HPOCore
import HPOStore

/// The answer of `GET /api/experiments/{name}/columns`: every trial as columns (index `i` is
/// trial `number[i]`), what the charts of all trials draw — parallel coordinates, slices,
/// contours, the objective's distribution, the timeline. Times are seconds after `origin` (the
/// first trial's start), so they stay short numbers; `now` is the time of the answer on that
/// scale (where a running trial's bar ends).
struct APITrialColumns: Encodable {
  var experiment: String
  var objective: String
  var direction: Direction
  /// The searched parameters (fixed ones left out), in the space's order.
  var parameters: [Axis]
  var number: [Int]
  var state: [TrialState]
  var value: [Double?]
  var worker: [String?]
  var origin: Date?
  var now: Double
  var started: [Double?]
  var finished: [Double?]
  /// Per parameter: a number per trial (a categorical parameter's: the index of its choice in
  /// `choices`), `null` where the trial has none.
  var values: [String: [Double?]]

  /// A parameter as an axis: `kind` `float`, `int` (`low`, `high`, `log`) or `categorical` (`choices`, as text).
  struct Axis: Encodable {
    var name: String
    var kind: String
    var low: Double?
    var high: Double?
    var log: Bool?
    var choices: [String]?
  }

  init(experiment: String, spec: ExperimentSpec, columns: TrialColumns, now: Date) {
    self.experiment = experiment
    objective = spec.objective.metric.rawValue
    direction = spec.objective.direction
    let searched = Self.searched(spec.space)
    parameters = searched.map(Self.axis)
    number = columns.number
    state = columns.state
    value = columns.value
    worker = columns.worker
    origin = columns.started.compactMap { $0 }.min()
    let start = origin ?? now
    self.now = now.timeIntervalSince(start)
    started = columns.started.map { $0.map { $0.timeIntervalSince(start) } }
    finished = columns.finished.map { $0.map { $0.timeIntervalSince(start) } }
    values = [:]
    for parameter in searched {
      let column = columns.parameters[parameter.name] ?? []
      values[parameter.name] = column.map { Self.number($0, in: parameter.domain) }
    }
  }

  /// The parameters a chart has an axis for: every one but the fixed ones.
  static func searched(_ space: SearchSpace) -> [Parameter] {
    space.parameters.filter { if case .fixed = $0.domain { false } else { true } }
  }

  static func axis(_ p: Parameter) -> Axis {
    switch p.domain {
    case .float(let r): Axis(name: p.name, kind: "float", low: r.low, high: r.high, log: r.log)
    case .int(let r): Axis(name: p.name, kind: "int", low: Double(r.low), high: Double(r.high), log: r.log)
    case .categorical(let choices): Axis(name: p.name, kind: "categorical", choices: choices.map(\.plainText))
    case .fixed(let v): Axis(name: p.name, kind: "fixed", choices: [v.plainText])
    }
  }

  /// A value as a number on its axis: itself for a number, its choice's index for a choice.
  static func number(_ value: ParameterValue?, in domain: Domain) -> Double? {
    guard let value else { return nil }
    if case .categorical(let choices) = domain {
      return choices.firstIndex(of: value.wholeNumbersAsInt).map(Double.init)
    }
    return value.numericValue
  }
}
