import HPOCore

extension ReportInput {
  /// One release gate's verdict.
  public struct Gate: Sendable, Equatable {
    public var name: String
    /// What kind of check decided (`metric`, `gap`, `stress`, …): the JUnit
    /// test case's class is `hpo.gates.<kind>`, or `hpo.gates` without one.
    public var kind: String?
    public var passed: Bool
    /// The measured value, when the gate has one.
    public var value: Double?
    /// The threshold in words, e.g. "≥ 0.9".
    public var threshold: String
    /// Why it passed or failed, in a sentence.
    public var detail: String

    public init(name: String, kind: String? = nil, passed: Bool, value: Double?, threshold: String, detail: String) {
      self.name = name
      self.kind = kind
      self.passed = passed
      self.value = value
      self.threshold = threshold
      self.detail = detail
    }
  }

  /// The trial that won.
  public struct Winner: Sendable, Equatable {
    public var trialNumber: Int
    public var configuration: Configuration
    /// Metric name → value, as the HTML report lists them.
    public var metrics: [String: Double]
    /// Where the released model came from ("checkpoint", "retrained", "refit"); nil for a search's report.
    public var origin: String?
    /// The seed the released model was trained with.
    public var seed: UInt64?
    /// The search's validation metrics and the held-out test metrics of the released model.
    public var validation: [Metric: Double]
    public var test: [Metric: Double]

    /// A search's winner: its final metrics, by name.
    public init(trialNumber: Int, configuration: Configuration, metrics: [String: Double]) {
      self.trialNumber = trialNumber
      self.configuration = configuration
      self.metrics = metrics
      self.validation = [:]
      self.test = [:]
    }

    /// A released winner: ``metrics`` names its metrics "validation <metric>" and "test <metric>".
    public init(
      trialNumber: Int, configuration: Configuration, origin: String, seed: UInt64,
      validation: [Metric: Double], test: [Metric: Double]
    ) {
      var metrics: [String: Double] = [:]
      for (metric, value) in validation { metrics["validation \(metric.rawValue)"] = value }
      for (metric, value) in test { metrics["test \(metric.rawValue)"] = value }
      self.init(trialNumber: trialNumber, configuration: configuration, metrics: metrics)
      self.origin = origin
      self.seed = seed
      self.validation = validation
      self.test = test
    }
  }

  /// One trial of the search.
  public struct Trial: Sendable, Equatable {
    public var number: Int
    public var state: TrialState
    /// The objective (final for complete trials, last reported for pruned ones).
    public var value: Double?
    public var configuration: Configuration
    public var epochs: Int
    public var seconds: Double?
    public var reason: String?
    /// The objective after each epoch, in step order.
    public var intermediate: [IntermediateReport]
    /// Other metrics of each epoch, by step.
    public var intermediateMetrics: [Int: [String: Double]]

    public init(
      number: Int, state: TrialState, value: Double?, configuration: Configuration, epochs: Int = 0,
      seconds: Double? = nil, reason: String? = nil, intermediate: [IntermediateReport] = [],
      intermediateMetrics: [Int: [String: Double]] = [:]
    ) {
      self.number = number
      self.state = state
      self.value = value
      self.configuration = configuration
      self.epochs = epochs
      self.seconds = seconds
      self.reason = reason
      self.intermediate = intermediate
      self.intermediateMetrics = intermediateMetrics
    }
  }

  /// The winner against the model in production, on the same test rows.
  public struct Champion: Sendable, Equatable {
    /// The registry entry and the version its `current` pointed at.
    public var entry: String
    public var version: String
    /// The metric compared, and both models' values of it.
    public var metric: Metric
    public var champion: Double
    public var winner: Double
    /// The paired test in one sentence.
    public var test: String

    public init(entry: String, version: String, metric: Metric, champion: Double, winner: Double, test: String) {
      self.entry = entry
      self.version = version
      self.metric = metric
      self.champion = champion
      self.winner = winner
      self.test = test
    }
  }
}
