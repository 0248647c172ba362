import Foundation
import HPOCore
import HPOStore

/// One row of `GET /api/experiments/{name}/trials`: what a trial table shows.
struct APITrialRow: Encodable {
  var number: Int
  var state: TrialState
  var value: Double?
  var parameters: [String: APIParameterValue]
  var worker: String?
  var attempts: Int
  var epochs: Int
  var started: Date?
  var finished: Date?
  /// ``StoredTrial/elapsedSeconds``.
  var durationSeconds: Double?
  var reason: String?

  init(_ t: StoredTrial) {
    number = t.number
    state = t.state
    value = t.record.value
    parameters = APIParameterValue.map(t.record.configuration)
    worker = t.worker
    attempts = t.attempts
    epochs = t.epochs
    started = t.startedAt
    finished = t.finishedAt
    durationSeconds = t.elapsedSeconds
    reason = t.reason
  }
}

/// The answer of `GET /api/experiments/{name}/trials`: one page and how to ask for the next.
struct APITrialPage: Encodable {
  var experiment: String
  /// Trials matching the state filter, all pages together.
  var total: Int
  var offset: Int
  var limit: Int
  var sort: String
  var order: String
  var state: TrialState?
  /// The `param.NAME` conditions, by parameter name, as given.
  var filter: [String: String]
  /// The experiment's parameters, in the space's order: the table's columns and filters.
  var space: [APIParameterSpace]
  var trials: [APITrialRow]
}

/// The answer of `GET /api/experiments/{name}/trials/{number}`: everything stored about one trial.
struct APITrialDetail: Encodable {
  var experiment: String
  var number: Int
  var state: TrialState
  var value: Double?
  var parameters: [String: APIParameterValue]
  /// The trial's own seed, as a decimal string (JavaScript numbers lose digits above 2⁵³).
  var seed: String
  var worker: String?
  var attempts: Int
  var epochs: Int
  var rung: Int?
  var reason: String?
  var created: Date
  var started: Date?
  var finished: Date?
  var leaseDeadline: Date?
  var durationSeconds: Double?
  /// Final metrics of a complete trial.
  var metrics: [String: Double]
  /// The per-epoch reports, in step order, each with its other metrics.
  var intermediate: [Step]
  /// The last 4 KB of a failed command's standard error.
  var outputTail: String?
  /// The trial's kept checkpoint file, if it has one.
  var checkpoint: Checkpoint?

  struct Checkpoint: Encodable {
    var path: String
    var sha256: String
    var bytes: Int
    var created: Date
  }

  struct Step: Encodable {
    var step: Int
    var value: Double
    var metrics: [String: Double]
  }

  init(_ t: StoredTrial, checkpoint: StoredCheckpoint?) {
    experiment = t.experiment
    number = t.number
    state = t.state
    value = t.record.value
    parameters = APIParameterValue.map(t.record.configuration)
    seed = String(t.seed)
    worker = t.worker
    attempts = t.attempts
    epochs = t.epochs
    rung = t.rung
    reason = t.reason
    created = t.createdAt
    started = t.startedAt
    finished = t.finishedAt
    leaseDeadline = t.leaseDeadline
    durationSeconds = t.elapsedSeconds
    metrics = t.metrics
    intermediate = t.record.intermediate.map { Step(step: $0.step, value: $0.value, metrics: t.intermediateMetrics[$0.step] ?? [:]) }
    outputTail = t.outputTail
    self.checkpoint = checkpoint.map { Checkpoint(path: $0.path, sha256: $0.sha256, bytes: $0.bytes, created: $0.createdAt) }
  }
}
