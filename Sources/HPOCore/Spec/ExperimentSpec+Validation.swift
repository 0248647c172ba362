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
