/// An experiment as its file describes it: what to train on, which model, the
/// space to search, the objective, the search budget, early stopping, the
/// release gates and where the results go.
///
/// Values are as written in the file (paths stay relative to the file; see
/// ``LoadedExperiment`` for resolved paths), with defaults filled in. A spec
/// only exists after ``ExperimentLoader`` has validated it in full, so code
/// downstream may rely on every documented invariant.
public struct ExperimentSpec: Sendable, Equatable, Codable {
  /// Letters, digits, `.`, `_` and `-`; names the output folder and the registry entry.
  public var name: String
  public var description: String?
  /// The data; absent only for the `function` model kind, which trains on
  /// nothing, and optionally for `command`, whose code may read its own.
  public var data: DataSpec?
  public var model: ModelSpec
  public var space: SearchSpace
  /// The first (with one objective, the only) objective: a trial's `value`.
  public var objective: ObjectiveSpec
  /// Every objective, as the file's `objectives` lists them (the first is
  /// `objective`); `nil` when the file has the single `objective`. See ``allObjectives``.
  public var objectives: [ObjectiveSpec]?
  /// Bounds on metrics a trial must meet to be feasible; `nil` when none.
  public var constraints: [ConstraintSpec]?
  /// How the trial to release is picked; `nil`: the best by `objective`.
  public var release: ReleaseSpec?
  public var search: SearchSpec
  public var earlyStopping: EarlyStoppingSpec?
  public var validation: ValidationSpec?
  public var output: OutputSpec
  /// What one trial takes on a worker; `nil`: one slot.
  public var resources: ResourcesSpec?

  public init(
    name: String, description: String? = nil, data: DataSpec?, model: ModelSpec,
    space: SearchSpace, objective: ObjectiveSpec, search: SearchSpec,
    earlyStopping: EarlyStoppingSpec? = nil, validation: ValidationSpec? = nil, output: OutputSpec,
    resources: ResourcesSpec? = nil, objectives: [ObjectiveSpec]? = nil, constraints: [ConstraintSpec]? = nil,
    release: ReleaseSpec? = nil
  ) {
    self.name = name
    self.description = description
    self.data = data
    self.model = model
    self.space = space
    self.objective = objective
    self.search = search
    self.earlyStopping = earlyStopping
    self.validation = validation
    self.output = output
    self.resources = resources
    self.objectives = objectives
    self.constraints = constraints
    self.release = release
  }

  enum CodingKeys: String, CodingKey {
    case name, description, data, model, space, objective, objectives, constraints, release, search
    case earlyStopping = "early_stopping"
    case validation, output, resources
  }

  /// Worker slots one trial holds (`resources.slots_per_trial`, default 1).
  public var slotsPerTrial: Int { resources?.slotsPerTrial ?? 1 }
  /// Worker processes that train one trial together, a gang
  /// (`resources.workers_per_trial`, default 1).
  public var workersPerTrial: Int { resources?.workersPerTrial ?? 1 }
}

/// What one trial takes on a worker.
public struct ResourcesSpec: Sendable, Equatable, Codable {
  /// Slots of one worker a trial holds at once (a command that uses K cores):
  /// 1…1024; more than 1 only for `command` models. The worker runs it only
  /// when K of its slots are free, and tells it K (`HPO_SLOTS`, and the thread
  /// counts of OpenMP, OpenBLAS and MKL unless `model.env` sets them).
  public var slotsPerTrial: Int
  /// Worker processes that run one trial together (a gang, one slot on each
  /// of N distinct workers, talking directly to each other): 1…256; more than
  /// 1 only for model kind `function` so far. `nil` (absent): 1, and the
  /// spec encodes as it did before the field existed.
  public var workersPerTrial: Int?

  public init(slotsPerTrial: Int = 1, workersPerTrial: Int? = nil) {
    self.slotsPerTrial = slotsPerTrial
    self.workersPerTrial = workersPerTrial
  }

  enum CodingKeys: String, CodingKey {
    case slotsPerTrial = "slots_per_trial"
    case workersPerTrial = "workers_per_trial"
  }
}

/// The model family and its training budget.
public struct ModelSpec: Sendable, Equatable, Codable {
  public var kind: ModelKind
  /// Maximum epochs (the early-stopping resource); `nil` for closed-form models.
  public var epochs: Int?
  public var precision: Precision
  /// The function evaluated by the `function` kind.
  public var function: BuiltinFunction?
  /// The user's commands: present exactly when `kind` is `command`.
  public var command: CommandSpec?
  /// `checkpoint_every`: softmax and mlp only; `nil` leaves the default (see
  /// ``checkpointCadence``).
  public var checkpointEvery: Int?

  public init(
    kind: ModelKind, epochs: Int? = nil, precision: Precision = .float32, function: BuiltinFunction? = nil,
    command: CommandSpec? = nil, checkpointEvery: Int? = nil
  ) {
    self.kind = kind
    self.epochs = epochs
    self.precision = precision
    self.function = function
    self.command = command
    self.checkpointEvery = checkpointEvery
  }

  enum CodingKeys: String, CodingKey {
    case kind, epochs, precision, function, command
    case checkpointEvery = "checkpoint_every"
  }

  /// Every how many epochs a running softmax or mlp trial sends its state to
  /// the coordinator, so a later attempt (its worker died or lost the lease)
  /// resumes there instead of at epoch 0: `checkpoint_every`, default 1;
  /// 0 for every other kind, and when set to 0 (only the final checkpoint).
  public var checkpointCadence: Int {
    kind.isIterative ? (checkpointEvery ?? 1) : 0
  }

  /// `command` is written only when present, so the canonical JSON (and the
  /// spec hash the store keeps) of every other model is unchanged.
  public func encode(to encoder: any Encoder) throws {
    var c = encoder.container(keyedBy: CodingKeys.self)
    try c.encode(kind, forKey: .kind)
    try c.encodeIfPresent(epochs, forKey: .epochs)
    try c.encode(precision, forKey: .precision)
    try c.encodeIfPresent(function, forKey: .function)
    try c.encodeIfPresent(command, forKey: .command)
    try c.encodeIfPresent(checkpointEvery, forKey: .checkpointEvery)
  }

  /// Whether trials report per epoch (iterative models, and functions and commands given epochs).
  public var hasEpochs: Bool { epochs != nil }
}

/// Floating-point precision of iterative training.
public enum Precision: String, Sendable, Codable, CaseIterable {
  case float32, float64
}

/// The metric to optimise on the validation split, and which way.
public struct ObjectiveSpec: Sendable, Equatable, Codable {
  public var metric: Metric
  public var direction: Direction

  public init(metric: Metric, direction: Direction? = nil) {
    self.metric = metric
    self.direction = direction ?? metric.naturalDirection
  }
}

/// Whether larger or smaller objective values are better.
public enum Direction: String, Sendable, Codable, CaseIterable {
  case minimize, maximize
}

/// The search strategy and its budget.
public struct SearchSpec: Sendable, Equatable, Codable {
  public var strategy: Strategy
  /// Total number of trials (≥ 1).
  public var trials: Int
  /// Trials running at once (≥ 1).
  public var parallel: Int
  /// Seed of every random choice of the search.
  public var seed: UInt64
  /// Same trial table and winner whatever the number of workers and their timing.
  public var reproducible: Bool
  /// Options of the TPE sampler (only with `strategy: tpe`).
  public var tpe: TPEOptions?
  /// Options of NSGA-II (only with `strategy: nsga2`; nil: its defaults).
  public var nsga2: NSGA2Spec?

  public init(
    strategy: Strategy, trials: Int, parallel: Int = 1, seed: UInt64 = 0,
    reproducible: Bool = false, tpe: TPEOptions? = nil, nsga2: NSGA2Spec? = nil
  ) {
    self.strategy = strategy
    self.trials = trials
    self.parallel = parallel
    self.seed = seed
    self.reproducible = reproducible
    self.tpe = tpe
    self.nsga2 = nsga2
  }
}

/// Options of NSGA-II as an experiment file writes them (`search.nsga2`), with
/// Optuna 5's `NSGAIISampler` defaults; HPOSearch turns them into its options.
public struct NSGA2Spec: Sendable, Equatable, Codable {
  /// How two parents' numeric parameters are recombined.
  public enum Crossover: String, Sendable, Codable, CaseIterable {
    /// Each parameter from one parent or the other.
    case uniform
    /// Simulated binary crossover in each parameter's unit coordinate.
    case sbx
  }

  /// Trials per generation and elite size (2 to 10000; default 50).
  public var populationSize: Int
  /// Probability that a child is a crossover of two parents (default 0.9).
  public var crossoverProbability: Double
  /// Uniform crossover: probability of taking a parameter from the second parent (default 0.5).
  public var swappingProbability: Double
  /// Probability of redrawing each parameter from its prior; nil: 1 / searched parameters.
  public var mutationProbability: Double?
  public var crossover: Crossover
  /// SBX distribution index (≥ 0; default 20, as Optuna with several objectives).
  public var sbxEta: Double

  public init(
    populationSize: Int = 50, crossoverProbability: Double = 0.9, swappingProbability: Double = 0.5,
    mutationProbability: Double? = nil, crossover: Crossover = .uniform, sbxEta: Double = 20
  ) {
    self.populationSize = populationSize
    self.crossoverProbability = crossoverProbability
    self.swappingProbability = swappingProbability
    self.mutationProbability = mutationProbability
    self.crossover = crossover
    self.sbxEta = sbxEta
  }

  enum CodingKeys: String, CodingKey {
    case populationSize = "population_size"
    case crossoverProbability = "crossover_probability"
    case swappingProbability = "swapping_probability"
    case mutationProbability = "mutation_probability"
    case crossover
    case sbxEta = "sbx_eta"
  }
}

/// How the next configurations are chosen.
public enum Strategy: String, Sendable, Codable, CaseIterable {
  case grid, random, sobol, tpe, gp, nsga2
}

/// Options of the tree-structured Parzen estimator.
public struct TPEOptions: Sendable, Equatable, Codable {
  /// Random trials before the model is used (≥ 1).
  public var startupTrials: Int
  /// Candidates drawn from the good density per suggestion (≥ 1).
  public var candidates: Int
  /// Joint kernels over all parameters (true) or one per parameter (false);
  /// nil (not written): joint with one objective, one per parameter with
  /// several (as Optuna's multi-objective TPE; ``multivariate(objectives:)``).
  public var multivariate: Bool?
  /// Pending trials count as bad outcomes, so parallel suggestions spread out.
  public var constantLiar: Bool
  /// Fraction of finished trials treated as good, in (0, 1].
  public var gamma: Double

  public init(
    startupTrials: Int = 10, candidates: Int = 24, multivariate: Bool? = nil,
    constantLiar: Bool = true, gamma: Double = 0.1
  ) {
    self.startupTrials = startupTrials
    self.candidates = candidates
    self.multivariate = multivariate
    self.constantLiar = constantLiar
    self.gamma = gamma
  }

  /// Whether kernels are joint for an experiment with `objectives` objectives:
  /// the written choice, else joint for one objective and one per parameter
  /// for several. Measured (`hpo bench pareto`, 10 seeds): on DTLZ2 joint
  /// kernels leave 4 of 10 searches stuck (median hypervolume 9.53, 8.35 at
  /// worst) where one per parameter reaches 9.61 (9.39 at worst).
  public func multivariate(objectives: Int) -> Bool {
    multivariate ?? (objectives == 1)
  }

  enum CodingKeys: String, CodingKey {
    case startupTrials = "startup_trials"
    case candidates, multivariate
    case constantLiar = "constant_liar"
    case gamma
  }
}

/// Early stopping of bad trials, with epochs as the resource.
public struct EarlyStoppingSpec: Sendable, Equatable, Codable {
  public var scheduler: SchedulerKind
  /// Epochs before the first decision (the first rung), ≥ 1 and ≤ `model.epochs`.
  public var minEpochs: Int
  /// η: each rung keeps the top 1/η (≥ 2).
  public var reductionFactor: Int
  /// Median rule: epochs during which no trial is stopped.
  public var warmupEpochs: Int
  /// Median rule: other trials that must have reported at an epoch before a trial is stopped there.
  public var minTrials: Int

  public init(
    scheduler: SchedulerKind, minEpochs: Int = 1, reductionFactor: Int = 3,
    warmupEpochs: Int = 0, minTrials: Int = 5
  ) {
    self.scheduler = scheduler
    self.minEpochs = minEpochs
    self.reductionFactor = reductionFactor
    self.warmupEpochs = warmupEpochs
    self.minTrials = minTrials
  }

  enum CodingKeys: String, CodingKey {
    case scheduler
    case minEpochs = "min_epochs"
    case reductionFactor = "reduction_factor"
    case warmupEpochs = "warmup_epochs"
    case minTrials = "min_trials"
  }
}

/// Early-stopping schedulers.
public enum SchedulerKind: String, Sendable, Codable, CaseIterable {
  case median, asha, hyperband, bohb
}

/// Where results go.
public struct OutputSpec: Sendable, Equatable, Codable {
  /// Output folder, relative to the experiment file.
  public var dir: String
  /// How many of the best checkpoints are kept on disk (≥ 0).
  public var keepTop: Int

  public init(dir: String, keepTop: Int = 3) {
    self.dir = dir
    self.keepTop = keepTop
  }

  enum CodingKeys: String, CodingKey {
    case dir
    case keepTop = "keep_top"
  }
}
