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
  public var objective: ObjectiveSpec
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
    resources: ResourcesSpec? = nil
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
  }

  enum CodingKeys: String, CodingKey {
    case name, description, data, model, space, objective, search
    case earlyStopping = "early_stopping"
    case validation, output, resources
  }

  /// Worker slots one trial holds (`resources.slots_per_trial`, default 1).
  public var slotsPerTrial: Int { resources?.slotsPerTrial ?? 1 }
}

/// What one trial takes on a worker.
public struct ResourcesSpec: Sendable, Equatable, Codable {
  /// Slots of one worker a trial holds at once (a command that uses K cores):
  /// 1…1024; more than 1 only for `command` models. The worker runs it only
  /// when K of its slots are free, and tells it K (`HPO_SLOTS`, and the thread
  /// counts of OpenMP, OpenBLAS and MKL unless `model.env` sets them).
  public var slotsPerTrial: Int

  public init(slotsPerTrial: Int = 1) { self.slotsPerTrial = slotsPerTrial }

  enum CodingKeys: String, CodingKey { case slotsPerTrial = "slots_per_trial" }
}

/// Where the data is and how to cut it.
public struct DataSpec: Sendable, Equatable, Codable {
  /// The CSV file, relative to the experiment file.
  public var path: String
  /// The label column's name; `nil` means the last column.
  public var label: String?
  public var task: LearningTask
  public var split: SplitSpec
  /// How many shard files the training split is written as (≥ 1).
  public var shards: Int
  public var missing: MissingPolicy
  /// Feature columns holding category codes (any numbers), one-hot encoded by
  /// the preprocessing instead of standardised. Distinct, non-empty names;
  /// whether each is a feature column of the file is checked by HPOData.
  public var categorical: [String]

  public init(
    path: String, label: String? = nil, task: LearningTask, split: SplitSpec = SplitSpec(),
    shards: Int = 1, missing: MissingPolicy = .reject, categorical: [String] = []
  ) {
    self.path = path
    self.label = label
    self.task = task
    self.split = split
    self.shards = shards
    self.missing = missing
    self.categorical = categorical
  }

  enum CodingKeys: String, CodingKey {
    case path, label, task, split, shards, missing, categorical
  }

  /// Specs stored before `categorical` existed decode with none.
  public init(from decoder: any Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    self.init(
      path: try c.decode(String.self, forKey: .path), label: try c.decodeIfPresent(String.self, forKey: .label),
      task: try c.decode(LearningTask.self, forKey: .task), split: try c.decode(SplitSpec.self, forKey: .split),
      shards: try c.decode(Int.self, forKey: .shards), missing: try c.decode(MissingPolicy.self, forKey: .missing),
      categorical: try c.decodeIfPresent([String].self, forKey: .categorical) ?? [])
  }

  /// `categorical` is written only when non-empty, so the canonical JSON (and
  /// the spec hash the store keeps) of a spec without it is unchanged.
  public func encode(to encoder: any Encoder) throws {
    var c = encoder.container(keyedBy: CodingKeys.self)
    try c.encode(path, forKey: .path)
    try c.encodeIfPresent(label, forKey: .label)
    try c.encode(task, forKey: .task)
    try c.encode(split, forKey: .split)
    try c.encode(shards, forKey: .shards)
    try c.encode(missing, forKey: .missing)
    if !categorical.isEmpty { try c.encode(categorical, forKey: .categorical) }
  }
}

/// Fractions of the rows held out for validation (what the search optimises)
/// and test (what only the winner sees), and the seed of the shuffle.
/// Invariant: each in (0, 1), their sum < 1.
public struct SplitSpec: Sendable, Equatable, Codable {
  public var validation: Double
  public var test: Double
  public var seed: UInt64

  public init(validation: Double = 0.2, test: Double = 0.2, seed: UInt64 = 0) {
    self.validation = validation
    self.test = test
    self.seed = seed
  }
}

/// Supervised learning task.
public enum LearningTask: String, Sendable, Codable, CaseIterable {
  case classification, regression
}

/// What to do with missing or non-finite feature values.
public enum MissingPolicy: String, Sendable, Codable, CaseIterable {
  /// Refuse the data, naming the first bad cell (the default).
  case reject
  /// Impute the training split's mean or median.
  case mean, median
  /// Drop rows with a missing value.
  case drop
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

  public init(
    kind: ModelKind, epochs: Int? = nil, precision: Precision = .float32, function: BuiltinFunction? = nil,
    command: CommandSpec? = nil
  ) {
    self.kind = kind
    self.epochs = epochs
    self.precision = precision
    self.function = function
    self.command = command
  }

  enum CodingKeys: String, CodingKey {
    case kind, epochs, precision, function, command
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

  public init(
    strategy: Strategy, trials: Int, parallel: Int = 1, seed: UInt64 = 0,
    reproducible: Bool = false, tpe: TPEOptions? = nil
  ) {
    self.strategy = strategy
    self.trials = trials
    self.parallel = parallel
    self.seed = seed
    self.reproducible = reproducible
    self.tpe = tpe
  }
}

/// How the next configurations are chosen.
public enum Strategy: String, Sendable, Codable, CaseIterable {
  case grid, random, sobol, tpe, gp
}

/// Options of the tree-structured Parzen estimator.
public struct TPEOptions: Sendable, Equatable, Codable {
  /// Random trials before the model is used (≥ 1).
  public var startupTrials: Int
  /// Candidates drawn from the good density per suggestion (≥ 1).
  public var candidates: Int
  /// Joint kernels over all parameters (true) or one per parameter.
  public var multivariate: Bool
  /// Pending trials count as bad outcomes, so parallel suggestions spread out.
  public var constantLiar: Bool
  /// Fraction of finished trials treated as good, in (0, 1].
  public var gamma: Double

  public init(
    startupTrials: Int = 10, candidates: Int = 24, multivariate: Bool = true,
    constantLiar: Bool = true, gamma: Double = 0.1
  ) {
    self.startupTrials = startupTrials
    self.candidates = candidates
    self.multivariate = multivariate
    self.constantLiar = constantLiar
    self.gamma = gamma
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

/// The release gates the winner must pass on the held-out test split.
public struct ValidationSpec: Sendable, Equatable, Codable {
  public var gates: [Gate]
  /// Largest allowed |validation − test| of the objective metric (overfitting gate).
  public var maxGap: Double?
  /// Registry entry of the model in production, relative to the experiment file.
  public var champion: String?
  /// How much worse than the champion the winner may be.
  public var championTolerance: Double
  /// How much better than the champion the winner must be, if set.
  public var minImprovement: Double?
  /// Refit the winner on train + validation before the test evaluation.
  public var refit: Bool
  /// Stress tests of the winner (extreme and missing inputs, row order); on unless turned off.
  public var stress: Bool
  /// Refit with other seeds and bound the spread of the test metric, if set.
  public var seedStability: SeedStabilitySpec?
  /// A CSV of new (e.g. production) data, relative to the experiment file, for the data gates.
  public var newData: String?
  /// How drift of the new data against the training split is decided, if set.
  public var drift: DriftSpec?
  /// The range regression predictions should stay in, if stated: the stress
  /// tests report extreme inputs that leave it as a warning.
  public var outputRange: OutputRange?

  public init(
    gates: [Gate] = [], maxGap: Double? = nil, champion: String? = nil,
    championTolerance: Double = 0, minImprovement: Double? = nil, refit: Bool = false,
    stress: Bool = true, seedStability: SeedStabilitySpec? = nil, newData: String? = nil, drift: DriftSpec? = nil,
    outputRange: OutputRange? = nil
  ) {
    self.gates = gates
    self.maxGap = maxGap
    self.champion = champion
    self.championTolerance = championTolerance
    self.minImprovement = minImprovement
    self.refit = refit
    self.stress = stress
    self.seedStability = seedStability
    self.newData = newData
    self.drift = drift
    self.outputRange = outputRange
  }

  enum CodingKeys: String, CodingKey {
    case gates
    case maxGap = "max_gap"
    case champion
    case championTolerance = "champion_tolerance"
    case minImprovement = "min_improvement"
    case refit, stress
    case seedStability = "seed_stability"
    case newData = "new_data"
    case drift
    case outputRange = "output_range"
  }

  /// Specs stored before `stress`, `seed_stability`, `new_data` and `drift` existed decode with their defaults.
  public init(from decoder: any Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    self.init(
      gates: try c.decode([Gate].self, forKey: .gates), maxGap: try c.decodeIfPresent(Double.self, forKey: .maxGap),
      champion: try c.decodeIfPresent(String.self, forKey: .champion),
      championTolerance: try c.decode(Double.self, forKey: .championTolerance),
      minImprovement: try c.decodeIfPresent(Double.self, forKey: .minImprovement), refit: try c.decode(Bool.self, forKey: .refit),
      stress: try c.decodeIfPresent(Bool.self, forKey: .stress) ?? true,
      seedStability: try c.decodeIfPresent(SeedStabilitySpec.self, forKey: .seedStability),
      newData: try c.decodeIfPresent(String.self, forKey: .newData), drift: try c.decodeIfPresent(DriftSpec.self, forKey: .drift),
      outputRange: try c.decodeIfPresent(OutputRange.self, forKey: .outputRange))
  }

  /// The newer fields are written only when they differ from their defaults,
  /// so the canonical JSON (and the stored spec hash) of an older spec is unchanged.
  public func encode(to encoder: any Encoder) throws {
    var c = encoder.container(keyedBy: CodingKeys.self)
    try c.encode(gates, forKey: .gates)
    try c.encodeIfPresent(maxGap, forKey: .maxGap)
    try c.encodeIfPresent(champion, forKey: .champion)
    try c.encode(championTolerance, forKey: .championTolerance)
    try c.encodeIfPresent(minImprovement, forKey: .minImprovement)
    try c.encode(refit, forKey: .refit)
    if !stress { try c.encode(stress, forKey: .stress) }
    try c.encodeIfPresent(seedStability, forKey: .seedStability)
    try c.encodeIfPresent(newData, forKey: .newData)
    try c.encodeIfPresent(drift, forKey: .drift)
    try c.encodeIfPresent(outputRange, forKey: .outputRange)
  }
}

/// Seed stability: the winner refitted with `seeds` other seeds; the spread
/// (max − min) of its test objective must be at most `maxSpread`.
public struct SeedStabilitySpec: Sendable, Equatable, Codable {
  /// Other seeds to refit with (1–20).
  public var seeds: Int
  /// Largest allowed max − min of the test objective over the original and the other seeds (≥ 0).
  public var maxSpread: Double

  public init(seeds: Int = 3, maxSpread: Double) {
    self.seeds = seeds
    self.maxSpread = maxSpread
  }

  enum CodingKeys: String, CodingKey {
    case seeds
    case maxSpread = "max_spread"
  }
}

/// How the drift gate decides (`validation.drift`): a feature of the new data
/// drifts when a two-sample test's Holm-corrected p-value is under `alpha`
/// and its effect size over `minEffect` (HPODrift's `DriftCheck`).
/// `psi_max` and `ks_max`, the thresholds this replaced, are read for one
/// release (with a warning) and decide nothing.
public struct DriftSpec: Sendable, Equatable, Codable {
  /// The default family-wise false-alarm rate.
  public static let defaultAlpha = 0.05
  /// The default smallest effect (KS or total-variation distance).
  public static let defaultMinEffect = 0.05

  /// Family-wise false-alarm rate, in (0, 0.5].
  public var alpha: Double
  /// Smallest effect size that counts as drift, in [0, 1].
  public var minEffect: Double
  /// Whether too few new rows for the stated power fail the gate (else it passes with a warning).
  public var requirePower: Bool
  /// Replaced by `alpha` and `minEffect`; kept so that older specs read and store unchanged.
  public var psiMax: Double?
  /// Replaced by `alpha` and `minEffect`; kept so that older specs read and store unchanged.
  public var ksMax: Double?

  public init(
    alpha: Double = defaultAlpha, minEffect: Double = defaultMinEffect, requirePower: Bool = false,
    psiMax: Double? = nil, ksMax: Double? = nil
  ) {
    self.alpha = alpha
    self.minEffect = minEffect
    self.requirePower = requirePower
    self.psiMax = psiMax
    self.ksMax = ksMax
  }

  enum CodingKeys: String, CodingKey {
    case alpha
    case minEffect = "min_effect"
    case requirePower = "require_power"
    case psiMax = "psi_max"
    case ksMax = "ks_max"
  }

  /// Specs stored before `alpha` existed decode with the defaults.
  public init(from decoder: any Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    self.init(
      alpha: try c.decodeIfPresent(Double.self, forKey: .alpha) ?? Self.defaultAlpha,
      minEffect: try c.decodeIfPresent(Double.self, forKey: .minEffect) ?? Self.defaultMinEffect,
      requirePower: try c.decodeIfPresent(Bool.self, forKey: .requirePower) ?? false,
      psiMax: try c.decodeIfPresent(Double.self, forKey: .psiMax), ksMax: try c.decodeIfPresent(Double.self, forKey: .ksMax))
  }

  /// Fields at their defaults are left out, so an older spec's canonical JSON is unchanged.
  public func encode(to encoder: any Encoder) throws {
    var c = encoder.container(keyedBy: CodingKeys.self)
    if alpha != Self.defaultAlpha { try c.encode(alpha, forKey: .alpha) }
    if minEffect != Self.defaultMinEffect { try c.encode(minEffect, forKey: .minEffect) }
    if requirePower { try c.encode(requirePower, forKey: .requirePower) }
    try c.encodeIfPresent(psiMax, forKey: .psiMax)
    try c.encodeIfPresent(ksMax, forKey: .ksMax)
  }
}

/// The range a regression model's predictions should stay in (`validation.output_range`):
/// `{"min": 0}` for prices, either bound or both.
public struct OutputRange: Sendable, Equatable, Codable {
  public var min: Double?
  public var max: Double?

  public init(min: Double? = nil, max: Double? = nil) {
    self.min = min
    self.max = max
  }

  /// Whether `value` is within the stated bounds.
  public func contains(_ value: Double) -> Bool { (min.map { value >= $0 } ?? true) && (max.map { value <= $0 } ?? true) }

  /// `[0, ∞)`, `[-1, 1]`: the range in words.
  public var description: String {
    "[\(min.map { Wording.number($0) } ?? "−∞"), \(max.map { Wording.number($0) } ?? "∞")\(max == nil ? ")" : "]")"
  }
}

/// A threshold on one test-split metric: `min ≤ value ≤ max` (either may be absent, not both).
public struct Gate: Sendable, Equatable, Codable {
  public var metric: Metric
  public var min: Double?
  public var max: Double?

  public init(metric: Metric, min: Double? = nil, max: Double? = nil) {
    self.metric = metric
    self.min = min
    self.max = max
  }
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
