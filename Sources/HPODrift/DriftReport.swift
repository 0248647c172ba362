import Foundation

/// The result of a drift check: per feature (and for the model's output) the
/// tests run, their p-values before and after Holm's correction, effect sizes
/// and decisions, sorted by evidence (smallest corrected p-value first); and
/// the outcome: drift, no drift, or inconclusive (too few rows for the
/// stated power).
public struct DriftReport: Sendable, Equatable, Codable {
  /// What the check concluded.
  public enum Outcome: String, Sendable, Equatable, Codable {
    /// No test rejected and the rows were enough for the stated power.
    case noDrift = "no-drift"
    /// At least one feature (or the model's output) drifted.
    case drift
    /// No test rejected, but there were too few rows to detect a 0.5σ shift
    /// with 80 % power: absence of evidence, not evidence of absence.
    case inconclusive
  }

  /// What one test looked at.
  public enum Aspect: String, Sendable, Equatable, Codable {
    /// The distribution of the values present (KS, chi-square or Fisher).
    case distribution
    /// The share of missing cells (two-proportion or Fisher).
    case missing
  }

  /// A test's verdict.
  public enum Decision: String, Sendable, Equatable, Codable {
    /// Corrected p-value under alpha and effect over min_effect.
    case drifted
    /// Significant, but the effect is under min_effect.
    case negligible
    /// Not significant after correction.
    case stable
    /// Nothing could be tested (see the method `none` and the note).
    case untested
  }

  /// Where a compared column comes from.
  public enum Source: String, Sendable, Equatable, Codable {
    case feature
    /// The packaged model's outputs on the new data against those on the test split.
    case prediction
  }

  /// How a test's p-value was computed (JSON: its raw value).
  public enum Method: String, Sendable, Equatable, Codable {
    /// Kolmogorov–Smirnov, exact p-value (up to 10,000 values a side).
    case ksExact = "ks-exact"
    /// Kolmogorov–Smirnov, the asymptotic Kolmogorov distribution.
    case ksAsymptotic = "ks-asymptotic"
    /// Pearson's chi-square test of homogeneity (``CategoryTest``).
    case chiSquare = "chi-square"
    /// Fisher's exact test on a 2×2 table.
    case fisher
    /// The pooled two-proportion z-test.
    case twoProportion = "two-proportion"
    /// Nothing was tested (decision ``Decision/untested``).
    case none
  }

  /// One test.
  public struct Test: Sendable, Equatable, Codable {
    public var aspect: Aspect
    public var method: Method
    /// KS distance, chi-square or z statistic; nil for Fisher's exact test and none.
    public var statistic: Double?
    public var pValue: Double
    /// Holm-corrected across every test of the report (1 for untested).
    public var correctedPValue: Double
    /// KS distance, total-variation distance, or difference of missing rates.
    public var effect: Double
    public var decision: Decision

    enum CodingKeys: String, CodingKey {
      case aspect, method, statistic, effect, decision
      case pValue = "p_value"
      case correctedPValue = "corrected_p_value"
    }
  }

  /// One feature, or the model's output.
  public struct Feature: Sendable, Equatable, Codable {
    public var name: String
    public var kind: DataProfile.Kind
    public var source: Source
    /// Rows compared (new data).
    public var rows: Int
    public var missingFraction: Double
    public var trainingMissingFraction: Double
    /// Categorical: values that are no training level; how many distinct
    /// ones; the smallest 10 of those.
    public var unseenLevels: Int
    public var unseenDistinct: Int
    public var unseenExamples: [Double]
    /// The population stability index (features only; informative, it decides nothing).
    public var psi: Double?
    public var tests: [Test]
    /// Why something was not tested, when it was not.
    public var note: String?
    /// The training data's and the new data's share of rows per bucket (what
    /// the HTML report draws for a drifted feature); nil when there was
    /// nothing to count (a model without finite predictions).
    public var histogram: Histogram?

    /// Whether any of its tests found drift.
    public var drifted: Bool { tests.contains { $0.decision == .drifted } }
    /// The smallest corrected p-value of its tests (1 without tests).
    public var evidence: Double { tests.map(\.correctedPValue).min() ?? 1 }

    enum CodingKeys: String, CodingKey {
      case name, kind, source, rows, psi, tests, note, drifted, histogram
      case missingFraction = "missing_fraction"
      case trainingMissingFraction = "training_missing_fraction"
      case unseenLevels = "unseen_levels"
      case unseenExamples = "unseen_examples"
      case unseenDistinct = "unseen_distinct"
    }

    public init(
      name: String, kind: DataProfile.Kind, source: Source, rows: Int, missingFraction: Double,
      trainingMissingFraction: Double, unseenLevels: Int = 0, unseenDistinct: Int = 0, unseenExamples: [Double] = [], psi: Double?,
      tests: [Test], note: String? = nil, histogram: Histogram? = nil
    ) {
      self.name = name
      self.kind = kind
      self.source = source
      self.rows = rows
      self.missingFraction = missingFraction
      self.trainingMissingFraction = trainingMissingFraction
      self.unseenLevels = unseenLevels
      self.unseenDistinct = unseenDistinct
      self.unseenExamples = unseenExamples
      self.psi = psi
      self.tests = tests
      self.note = note
      self.histogram = histogram
    }

    public init(from decoder: any Decoder) throws {
      let c = try decoder.container(keyedBy: CodingKeys.self)
      self.init(
        name: try c.decode(String.self, forKey: .name), kind: try c.decode(DataProfile.Kind.self, forKey: .kind),
        source: try c.decode(Source.self, forKey: .source), rows: try c.decode(Int.self, forKey: .rows),
        missingFraction: try c.decode(Double.self, forKey: .missingFraction),
        trainingMissingFraction: try c.decode(Double.self, forKey: .trainingMissingFraction),
        unseenLevels: try c.decode(Int.self, forKey: .unseenLevels),
        unseenDistinct: try c.decode(Int.self, forKey: .unseenDistinct),
        unseenExamples: try c.decode([Double].self, forKey: .unseenExamples),
        psi: try c.decodeIfPresent(Double.self, forKey: .psi), tests: try c.decode([Test].self, forKey: .tests),
        note: try c.decodeIfPresent(String.self, forKey: .note),
        histogram: try c.decodeIfPresent(Histogram.self, forKey: .histogram))
    }

    public func encode(to encoder: any Encoder) throws {
      var c = encoder.container(keyedBy: CodingKeys.self)
      try c.encode(name, forKey: .name)
      try c.encode(kind, forKey: .kind)
      try c.encode(source, forKey: .source)
      try c.encode(rows, forKey: .rows)
      try c.encode(missingFraction, forKey: .missingFraction)
      try c.encode(trainingMissingFraction, forKey: .trainingMissingFraction)
      try c.encode(unseenLevels, forKey: .unseenLevels)
      try c.encode(unseenDistinct, forKey: .unseenDistinct)
      try c.encode(unseenExamples, forKey: .unseenExamples)
      try c.encodeIfPresent(psi, forKey: .psi)
      try c.encode(tests, forKey: .tests)
      try c.encodeIfPresent(note, forKey: .note)
      try c.encodeIfPresent(histogram, forKey: .histogram)
      try c.encode(drifted, forKey: .drifted)
    }
  }

  public var settings: DriftSettings
  /// Rows of the new data.
  public var rows: Int
  /// Rows needed to detect a 0.5σ shift of one numeric feature with 80 %
  /// power at level alpha; nil when no number of rows is enough (the
  /// training sample is too small).
  public var requiredRows: Int?
  public var outcome: Outcome
  /// Every feature (and the model's output, when checked), by evidence.
  public var features: [Feature]
  /// What was not checked and why (e.g. a package without test outputs).
  public var notes: [String]

  /// The names of the drifted features, by evidence.
  public var drifted: [String] { features.filter(\.drifted).map(\.name) }
  /// Whether anything drifted.
  public var hasDrift: Bool { outcome == .drift }

  enum CodingKeys: String, CodingKey {
    case settings, rows, outcome, features, notes
    case requiredRows = "required_rows"
    case driftedFeatures = "drifted_features"
  }

  public init(settings: DriftSettings, rows: Int, requiredRows: Int?, outcome: Outcome, features: [Feature], notes: [String]) {
    self.settings = settings
    self.rows = rows
    self.requiredRows = requiredRows
    self.outcome = outcome
    self.features = features
    self.notes = notes
  }

  public init(from decoder: any Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    self.init(
      settings: try c.decode(DriftSettings.self, forKey: .settings), rows: try c.decode(Int.self, forKey: .rows),
      requiredRows: try c.decodeIfPresent(Int.self, forKey: .requiredRows), outcome: try c.decode(Outcome.self, forKey: .outcome),
      features: try c.decode([Feature].self, forKey: .features), notes: try c.decode([String].self, forKey: .notes))
  }

  public func encode(to encoder: any Encoder) throws {
    var c = encoder.container(keyedBy: CodingKeys.self)
    try c.encode(settings, forKey: .settings)
    try c.encode(rows, forKey: .rows)
    try c.encodeIfPresent(requiredRows, forKey: .requiredRows)
    try c.encode(outcome, forKey: .outcome)
    try c.encode(features, forKey: .features)
    try c.encode(notes, forKey: .notes)
    try c.encode(drifted, forKey: .driftedFeatures)
  }

  /// The report as JSON with sorted keys (what `hpo drift --format json` prints).
  public func json() -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
    // Every number of a report is finite (p-values, effects and statistics of
    // untested columns are 1, 0 and absent), so encoding cannot fail.
    guard let data = try? encoder.encode(self) else { preconditionFailure("a drift report holds only finite numbers") }
    return String(decoding: data, as: UTF8.self) + "\n"
  }

  /// The outcome in one sentence.
  public var summary: String {
    let limits = "Holm-corrected p < \(Self.number(settings.alpha)) and effect > \(Self.number(settings.minEffect))"
    let count = features.filter { $0.source == .feature }.count
    switch outcome {
    case .drift:
      return "drift: \(drifted.joined(separator: ", ")) (\(drifted.count) of \(features.count) checked; \(limits)) over \(rows) rows"
    case .noDrift:
      return "no drift: none of \(features.count) checked (\(count) features\(features.count > count ? " and the model's output" : "")) drifted (\(limits)) over \(rows) rows"
    case .inconclusive:
      let need = requiredRows.map { "need ≥ \($0)" } ?? "no number of rows is enough with a training sample this small"
      return "inconclusive: \(rows) rows, \(need) to detect a 0.5σ shift with 80% power at alpha \(Self.number(settings.alpha)); nothing drifted (\(limits))"
    }
  }

  static func number(_ x: Double) -> String { String(format: "%g", x) }
}
