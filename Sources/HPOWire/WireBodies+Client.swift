import HPOCore

/// `hpo submit`: run this experiment.
public struct SubmitRequest: Sendable, Equatable, Codable {
  public var spec: ExperimentSpec
  /// Absolute folder the spec's relative paths start from (on the coordinator's machine).
  public var baseDirectory: String
  /// Continue an experiment of the same name instead of refusing it.
  public var resume: Bool

  public init(spec: ExperimentSpec, baseDirectory: String, resume: Bool) {
    self.spec = spec
    self.baseDirectory = baseDirectory
    self.resume = resume
  }

  enum CodingKeys: String, CodingKey, CaseIterable { case spec, baseDirectory = "base_directory", resume }
}

/// The coordinator's answer to a submission.
public struct SubmitReply: Sendable, Equatable, Codable {
  public var experiment: String
  public var accepted: Bool
  public var message: String

  public init(experiment: String, accepted: Bool, message: String) {
    self.experiment = experiment
    self.accepted = accepted
    self.message = message
  }
}

/// `hpo status` / progress polling: one experiment, or all when `nil`.
public struct StatusRequest: Sendable, Equatable, Codable {
  public var experiment: String?
  /// Include every trial (for `hpo trials`).
  public var includeTrials: Bool

  public init(experiment: String?, includeTrials: Bool = false) {
    self.experiment = experiment
    self.includeTrials = includeTrials
  }

  enum CodingKeys: String, CodingKey, CaseIterable { case experiment, includeTrials = "include_trials" }
}

/// The state of experiments, as `hpo status` shows it.
public struct StatusReply: Sendable, Equatable, Codable {
  public var experiments: [ExperimentStatus]
  public var workers: Int

  public init(experiments: [ExperimentStatus], workers: Int) {
    self.experiments = experiments
    self.workers = workers
  }
}

/// One experiment's progress.
public struct ExperimentStatus: Sendable, Equatable, Codable {
  public var name: String
  public var state: ExperimentState
  public var budget: Int
  /// Trial counts by state (a JSON object keyed by the state's name).
  public var counts: [TrialState: Int]
  public var bestValue: Double?
  public var bestTrial: Int?
  public var bestConfiguration: Configuration?
  public var elapsedSeconds: Double
  public var trials: [TrialSummary]?
  /// The release stage after the search (absent before the search ends and
  /// for coordinators without one).
  public var release: ReleaseStatus?
  /// Why it failed as a whole (state `failed`), when the coordinator knows:
  /// bad data names the file and line (protocol version 2).
  public var failure: ExperimentFailure?
  /// Why no trial runs although some wait, when the coordinator knows (no
  /// connected worker runs commands, for a command experiment).
  public var waiting: String?
  /// Its gang trials running now (`resources.workers_per_trial` above 1),
  /// by trial number: each member by rank (protocol version 4).
  public var gangs: [Int: [GangMember]]?

  public init(
    name: String, state: ExperimentState, budget: Int, counts: [TrialState: Int], bestValue: Double?, bestTrial: Int?,
    bestConfiguration: Configuration?, elapsedSeconds: Double, trials: [TrialSummary]? = nil, release: ReleaseStatus? = nil,
    failure: ExperimentFailure? = nil, waiting: String? = nil, gangs: [Int: [GangMember]]? = nil
  ) {
    self.name = name
    self.state = state
    self.budget = budget
    self.counts = counts
    self.bestValue = bestValue
    self.bestTrial = bestTrial
    self.bestConfiguration = bestConfiguration
    self.elapsedSeconds = elapsedSeconds
    self.trials = trials
    self.release = release
    self.failure = failure
    self.waiting = waiting
    self.gangs = gangs
  }

  enum CodingKeys: String, CodingKey, CaseIterable {
    case name, state, budget, counts, bestValue = "best_value", bestTrial = "best_trial"
    case bestConfiguration = "best_configuration", elapsedSeconds = "elapsed_seconds", trials, release, failure, waiting, gangs
  }
}

/// Where an experiment's release stage is: `running` (held-out evaluation,
/// gates and packaging after the last trial), then `passed`, `gate_failed`
/// (with the failed gates' names), `error` or `skipped`.
public struct ReleaseStatus: Sendable, Equatable, Codable {
  public var state: ReleaseState
  public var failedGates: [String]
  public var message: String
  /// `output.dir/report.md` on the coordinator's machine.
  public var report: String?
  /// The package (passed) or the rejected candidate (gate_failed).
  public var package: String?

  public init(state: ReleaseState, failedGates: [String] = [], message: String, report: String? = nil, package: String? = nil) {
    self.state = state
    self.failedGates = failedGates
    self.message = message
    self.report = report
    self.package = package
  }

  /// Whether the stage has ended.
  public var isFinal: Bool { state.isFinal }

  enum CodingKeys: String, CodingKey, CaseIterable {
    case state, failedGates = "failed_gates", message, report, package
  }
}

/// One row of `hpo trials`.
public struct TrialSummary: Sendable, Equatable, Codable {
  public var number: Int
  public var state: TrialState
  public var configuration: Configuration
  public var value: Double?
  public var metrics: [String: Double]
  public var epochs: Int
  public var attempts: Int
  public var worker: String?
  public var reason: String?
  /// The last 4 KB of a failed command's standard error.
  public var output: String?
  /// With several objectives: whether it is on the Pareto front (complete, feasible,
  /// dominated by no other such trial); `nil` with one objective.
  public var pareto: Bool?
  /// With constraints: whether the complete trial meets them all; `nil` otherwise.
  public var feasible: Bool?
  /// A running gang trial's members by rank (rank 0 is `worker`); `nil` otherwise.
  public var members: [GangMember]?

  public init(
    number: Int, state: TrialState, configuration: Configuration, value: Double?, metrics: [String: Double],
    epochs: Int, attempts: Int, worker: String?, reason: String?, output: String? = nil, pareto: Bool? = nil,
    feasible: Bool? = nil, members: [GangMember]? = nil
  ) {
    self.number = number
    self.state = state
    self.configuration = configuration
    self.value = value
    self.metrics = metrics
    self.epochs = epochs
    self.attempts = attempts
    self.worker = worker
    self.reason = reason
    self.output = output
    self.pareto = pareto
    self.feasible = feasible
    self.members = members
  }
}

/// `hpo logs`: the output of one trial, from byte `offset` of its log.
public struct LogRequest: Sendable, Equatable, Codable {
  public var experiment: String
  public var trial: Int
  /// Where to start in the log (0: its beginning); a follower passes the previous reply's `next`.
  public var offset: Int

  public init(experiment: String, trial: Int, offset: Int = 0) {
    self.experiment = experiment
    self.trial = trial
    self.offset = offset
  }
}

/// A piece of a trial's log (at most 256 KiB) and whether more can come.
public struct LogReply: Sendable, Equatable, Codable {
  public var experiment: String
  public var trial: Int
  /// The log's bytes from the request's offset, as UTF-8 (invalid sequences replaced).
  public var text: String
  /// The offset to ask from next.
  public var next: Int
  /// The trial has ended: once `next` reaches the log's end, nothing more will come.
  public var finished: Bool
  /// Why there is no log (unknown experiment or trial), when there is none.
  public var error: String?

  public init(experiment: String, trial: Int, text: String, next: Int, finished: Bool, error: String? = nil) {
    self.experiment = experiment
    self.trial = trial
    self.text = text
    self.next = next
    self.finished = finished
    self.error = error
  }
}

/// `hpo cancel`: stop an experiment; running trials are stopped at their next report.
public struct CancelRequest: Sendable, Equatable, Codable {
  public var experiment: String

  public init(experiment: String) { self.experiment = experiment }
}
