/// A bound a trial's metric must meet for the trial to be feasible
/// (`{"metric": "model_bytes", "max": 2000000}`): the same shape as a release
/// gate, at least one of `min` and `max`.
public typealias ConstraintSpec = Gate

extension Gate {
  /// How far `value` is outside the bounds: 0 inside, the distance to the
  /// nearer bound outside, +∞ when the value is missing or not finite.
  public func violation(_ value: Double?) -> Double {
    guard let value, value.isFinite else { return .infinity }
    var v = 0.0
    if let max, value > max { v = value - max }
    if let min, value < min { v = Swift.max(v, min - value) }
    return v
  }
}

/// The release section: how the trial to release is picked.
public struct ReleaseSpec: Sendable, Equatable, Codable {
  public var pick: ReleasePick?

  public init(pick: ReleasePick? = nil) { self.pick = pick }
}

/// `{"maximize": "accuracy", "subject_to": [{"metric": "latency_ms", "max": 5}]}`:
/// the complete trial best by one metric among those that meet every bound
/// (and every experiment constraint); or `{"weighted": {"accuracy": 1,
/// "latency_ms": -0.01}, ...}`: the one with the largest weighted sum of its
/// validation metrics. Ties go to the lower trial number.
public struct ReleasePick: Sendable, Equatable, Codable {
  /// One term of a weighted rule.
  public struct Term: Sendable, Equatable, Codable {
    public var metric: Metric
    /// Non-zero and finite; negative for a metric where lower is better.
    public var weight: Double

    public init(metric: Metric, weight: Double) {
      self.metric = metric
      self.weight = weight
    }
  }

  /// The metric of a single-metric rule; with ``weights``, their first metric.
  public var metric: Metric
  /// `.maximize` with ``weights`` (the sum is maximised).
  public var direction: Direction
  public var subjectTo: [ConstraintSpec]
  /// The weighted rule's terms, in the file's order; `nil` for a single metric.
  public var weights: [Term]?

  public init(metric: Metric, direction: Direction, subjectTo: [ConstraintSpec] = []) {
    self.metric = metric
    self.direction = direction
    self.subjectTo = subjectTo
  }

  /// A weighted rule: maximise Σ weight × metric.
  public init(weights: [Term], subjectTo: [ConstraintSpec] = []) {
    precondition(!weights.isEmpty, "a weighted pick needs at least one term")
    self.metric = weights[0].metric
    self.direction = .maximize
    self.subjectTo = subjectTo
    self.weights = weights
  }

  /// Every metric the rule reads.
  public var metrics: [Metric] { weights?.map(\.metric) ?? [metric] }

  /// "accuracy (maximize)" or "1 × accuracy − 0.01 × latency_ms (maximize)".
  public var described: String {
    guard let weights else { return "\(metric.rawValue) (\(direction.rawValue))" }
    var text = ""
    for (i, t) in weights.enumerated() {
      let sign = t.weight < 0 ? (i == 0 ? "−" : " − ") : (i == 0 ? "" : " + ")
      text += "\(sign)\(Wording.number(abs(t.weight))) × \(t.metric.rawValue)"
    }
    return text + " (maximize)"
  }

  enum CodingKeys: String, CodingKey {
    case metric, direction, weights
    case subjectTo = "subject_to"
  }
}

extension ExperimentSpec {
  /// Every objective, first one first (`[objective]` with a single objective).
  public var allObjectives: [ObjectiveSpec] { objectives ?? [objective] }

  /// Whether the search has several objectives (a Pareto front, not one best).
  public var isMultiObjective: Bool { allObjectives.count > 1 }

  /// The experiment's constraints (empty when none).
  public var allConstraints: [ConstraintSpec] { constraints ?? [] }

  /// The objective values of a trial's `metrics`, in ``allObjectives`` order;
  /// a missing metric is NaN (samplers treat it as the worst).
  public func objectiveValues(_ metrics: [String: Double]) -> [Double] {
    allObjectives.map { metrics[$0.metric.rawValue] ?? .nan }
  }

  /// How far a trial's `metrics` violate each constraint, in ``allConstraints`` order.
  public func violations(_ metrics: [String: Double]) -> [Double] {
    allConstraints.map { $0.violation(metrics[$0.metric.rawValue]) }
  }

  /// The metric the release compares on the test split (the champion comparison, `max_gap`):
  /// `release.pick`'s (a single-metric one), else the first objective that is a model-quality metric (hpo's own
  /// measurements — size, latency — are not scored on the test split), else the objective.
  public var releaseObjective: ObjectiveSpec {
    if let pick = release?.pick, pick.weights == nil, !pick.metric.isMeasured { return ObjectiveSpec(metric: pick.metric, direction: pick.direction) }
    return allObjectives.first { !$0.metric.isMeasured } ?? objective
  }
}
