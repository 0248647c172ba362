/// What a drift check found, as plain facts for ``DriftPage`` (the page of
/// `hpo drift --html`) and the drift section of `report.html`: the caller
/// maps its drift report into these values, so this module knows nothing of
/// how the tests were run.
public struct DriftPageInput: Sendable, Equatable {
  /// What the check concluded.
  public enum Outcome: String, Sendable, Equatable {
    case noDrift = "no-drift"
    case drift
    /// Nothing drifted, but too few rows for the stated power.
    case inconclusive
  }

  /// A test's verdict.
  public enum Decision: String, Sendable, Equatable {
    case drifted, negligible, stable, untested
  }

  /// One test of one column.
  public struct Test: Sendable, Equatable {
    /// What it looked at: `distribution` or `missing`.
    public var aspect: String
    /// How the p-value was computed (`ks-exact`, `chi-square`, …, `none`).
    public var method: String
    public var statistic: Double?
    /// nil when nothing was tested.
    public var pValue: Double?
    public var correctedPValue: Double?
    public var effect: Double
    public var decision: Decision

    public init(
      aspect: String, method: String, statistic: Double?, pValue: Double?, correctedPValue: Double?, effect: Double,
      decision: Decision
    ) {
      self.aspect = aspect
      self.method = method
      self.statistic = statistic
      self.pValue = pValue
      self.correctedPValue = correctedPValue
      self.effect = effect
      self.decision = decision
    }
  }

  /// Each bucket's share of the reference rows and of the new rows.
  public struct Histogram: Sendable, Equatable {
    public var labels: [String]
    public var reference: [Double]
    public var new: [Double]

    public init(labels: [String], reference: [Double], new: [Double]) {
      precondition(labels.count == reference.count && labels.count == new.count, "one label and two fractions per bucket")
      self.labels = labels
      self.reference = reference
      self.new = new
    }
  }

  /// One feature, or the model's output.
  public struct Feature: Sendable, Equatable {
    public var name: String
    /// `numeric` or `categorical`.
    public var kind: String
    /// True for the model's output rather than a feature.
    public var isPrediction: Bool
    public var tests: [Test]
    /// Why it was not tested, or (categorical) the levels training never saw:
    /// shown beside the decision of its distribution test.
    public var note: String?
    /// Drawn when the feature drifted.
    public var histogram: Histogram?

    public init(name: String, kind: String, isPrediction: Bool, tests: [Test], note: String?, histogram: Histogram?) {
      self.name = name
      self.kind = kind
      self.isPrediction = isPrediction
      self.tests = tests
      self.note = note
      self.histogram = histogram
    }

    /// Whether any of its tests found drift.
    public var drifted: Bool { tests.contains { $0.decision == .drifted } }
  }

  /// The new data file that was checked.
  public var data: String
  public var outcome: Outcome
  /// The outcome in one sentence.
  public var summary: String
  /// Rows of the new data, and the rows needed for the stated power (nil: no number is enough).
  public var rows: Int
  public var requiredRows: Int?
  public var alpha: Double
  public var minEffect: Double
  /// What was not checked and why.
  public var notes: [String]
  /// Every feature (and the model's output), by evidence, strongest first: shown in this order.
  public var features: [Feature]

  public init(
    data: String, outcome: Outcome, summary: String, rows: Int, requiredRows: Int?, alpha: Double, minEffect: Double,
    notes: [String], features: [Feature]
  ) {
    self.data = data
    self.outcome = outcome
    self.summary = summary
    self.rows = rows
    self.requiredRows = requiredRows
    self.alpha = alpha
    self.minEffect = minEffect
    self.notes = notes
    self.features = features
  }
}
