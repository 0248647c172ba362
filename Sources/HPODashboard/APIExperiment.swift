import Foundation
import HPOCore
import HPOStore

/// One experiment as `GET /api/experiments` lists it.
struct APIExperiment: Encodable {
  var name: String
  var state: ExperimentState
  /// The spec's `search.trials`.
  var budget: Int
  /// Trials by state, every state present (0 when none).
  var counts: [TrialState: Int]
  var total: Int
  var objective: String
  var direction: Direction
  /// The best complete trial, or `nil` before one.
  var best: Best?
  /// The release stage: `none` (none owed), `pending` (owed or running), `done` (recorded).
  var release: APIRelease.Stage
  /// When it was submitted.
  var started: Date
  var finished: Date?
  /// Seconds from submission to its end, or to `now` while it has not ended.
  var durationSeconds: Double

  struct Best: Encodable, Equatable, Sendable {
    var trial: Int
    var value: Double
  }

  init(_ e: StoredExperiment, best: TrialValue?, now: Date) {
    name = e.name
    state = e.state
    budget = e.spec.search.trials
    counts = Dictionary(uniqueKeysWithValues: TrialState.allCases.map { ($0, e.trialCounts[$0]) })
    total = e.trialCounts.total
    objective = e.spec.objective.metric.rawValue
    direction = e.spec.objective.direction
    self.best = best.map { Best(trial: $0.number, value: $0.value) }
    started = e.createdAt
    finished = e.finishedAt
    durationSeconds = max(0, (e.finishedAt ?? now).timeIntervalSince(e.createdAt))
    release = APIRelease.Stage(e.releaseStage)
  }
}

/// A parameter value as JSON: numbers, strings and booleans as themselves.
struct APIParameterValue: Encodable {
  var value: ParameterValue

  func encode(to encoder: any Encoder) throws {
    var c = encoder.singleValueContainer()
    switch value {
    case .int(let v): try c.encode(v)
    case .float(let v): try c.encode(v)
    case .string(let v): try c.encode(v)
    case .bool(let v): try c.encode(v)
    }
  }

  static func map(_ configuration: Configuration) -> [String: APIParameterValue] {
    configuration.values.mapValues(APIParameterValue.init)
  }
}
