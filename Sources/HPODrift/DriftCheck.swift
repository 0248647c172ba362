import Foundation
import HPOData
import Synchronization

/// Compares new data with a ``DataProfile``, feature by feature, with
/// two-sample tests whose false-alarm rate is stated (``DriftSettings``).
///
/// Per feature: numeric values present — the Kolmogorov–Smirnov test against
/// the profile's KS sample (``KolmogorovSmirnov``: exact p-value up to 10,000
/// values a side, asymptotic above); categorical values present — the
/// chi-square test of the level counts against the training split's, with a
/// bucket for levels training never saw and small categories merged, or
/// Fisher's exact test (``CategoryTest/homogeneity(reference:new:)``); the
/// missing rate, when either side has missing cells — the two-proportion
/// test. Optionally the model's outputs on the new data against its outputs
/// on the test split (``compare(profile:columns:settings:predictions:)``).
///
/// Across all those tests Holm's correction controls the family-wise error:
/// on data from the training distribution the chance of any flag is at most
/// alpha. A test flags drift when its corrected p-value is under alpha and its
/// effect over min_effect, so that very large files do not flag harmless
/// shifts. Without a flag, fewer rows than ``requiredRows(alpha:reference:)``
/// make the outcome inconclusive rather than "no drift".
public enum DriftCheck {
  /// A model's outputs to compare: on the test split (reference) and on the new data.
  public struct Predictions: Sendable, Equatable {
    public var reference: ModelOutputs
    public var new: ModelOutputs

    public init(reference: ModelOutputs, new: ModelOutputs) {
      self.reference = reference
      self.new = new
    }
  }

  /// Most unseen levels a report names per feature.
  public static let unseenExampleLimit = 10

  /// Compares the columns of `input` (read against `profile`) with the profile.
  public static func compare(
    profile: DataProfile, input: ProfiledInput, settings: DriftSettings = DriftSettings(),
    predictions: Predictions? = nil, notes: [String] = []
  ) -> DriftReport {
    compare(profile: profile, columns: input.columns, settings: settings, predictions: predictions, notes: notes)
  }

  /// Compares the features of `dataset` (raw rows, e.g. the test split) with the profile.
  /// - Throws: ``DriftError`` `.schema` when its feature names are not the
  ///   profile's, in the profile's order.
  public static func compare<S: DataScalar>(
    profile: DataProfile, dataset: Dataset<S>, settings: DriftSettings = DriftSettings()
  ) throws(DriftError) -> DriftReport {
    guard dataset.featureNames == profile.featureNames else {
      throw DriftError(
        .schema, file: "data",
        message: "has the features \(dataset.featureNames.map { "'\($0)'" }.joined(separator: ", ")); the profile describes \(profile.featureNames.map { "'\($0)'" }.joined(separator: ", "))")
    }
    return compare(profile: profile, columns: (0..<dataset.featureCount).map(dataset.column), settings: settings)
  }

  /// Compares `columns` (one per profile feature, in its order, NaN missing).
  /// Precondition: `columns.count == profile.features.count`.
  public static func compare(
    profile: DataProfile, columns: [[Double]], settings: DriftSettings = DriftSettings(),
    predictions: Predictions? = nil, notes: [String] = []
  ) -> DriftReport {
    precondition(columns.count == profile.features.count, "one column per profile feature")
    var features = compareInParallel(profile: profile, columns: columns)
    if let predictions { features.append(compare(predictions)) }
    decide(&features, settings: settings)
    let rows = columns.first?.count ?? predictions?.new.count ?? 0
    let reference = profile.features.compactMap { $0.ksSample?.count }.min() ?? profile.rows
    let required = requiredRows(alpha: settings.alpha, reference: reference)
    let outcome: DriftReport.Outcome =
      features.contains(where: \.drifted) ? .drift : (required.map { rows >= $0 } ?? false) ? .noDrift : .inconclusive
    return DriftReport(
      settings: settings, rows: rows, requiredRows: required, outcome: outcome, features: features, notes: notes)
  }

  /// Each feature's tests, uncorrected, in the profile's order: the features
  /// are independent, so they are tested on every core at once.
  static func compareInParallel(profile: DataProfile, columns: [[Double]]) -> [DriftReport.Feature] {
    let results = Mutex<[DriftReport.Feature?]>(Array(repeating: nil, count: columns.count))
    DispatchQueue.concurrentPerform(iterations: columns.count) { k in
      let feature = compare(profile.features[k], columns[k], trainingRows: profile.rows)
      results.locked { $0[k] = feature }
    }
    return results.locked { $0.map { $0! } }
  }

  /// Applies Holm's correction over every test run and the decision rule,
  /// then sorts by evidence.
  static func decide(_ features: inout [DriftReport.Feature], settings: DriftSettings) {
    var positions: [(Int, Int)] = []
    var pValues: [Double] = []
    for (i, f) in features.enumerated() {
      for (k, t) in f.tests.enumerated() where t.method != .none {
        positions.append((i, k))
        pValues.append(t.pValue)
      }
    }
    for ((i, k), corrected) in zip(positions, MultipleTesting.holm(pValues)) {
      var t = features[i].tests[k]
      t.correctedPValue = corrected
      t.decision = corrected >= settings.alpha ? .stable : t.effect > settings.minEffect ? .drifted : .negligible
      features[i].tests[k] = t
    }
    features = features.enumerated().sorted { x, y in
      let (a, b) = (x.element, y.element)
      if a.evidence != b.evidence { return a.evidence < b.evidence }
      let ea = a.tests.map(\.effect).max() ?? 0, eb = b.tests.map(\.effect).max() ?? 0
      if ea != eb { return ea > eb }
      return x.offset < y.offset
    }.map(\.element)
  }

  /// Rows of new data needed for the KS test at level `alpha` to detect a
  /// 0.5σ shift of a normal mean (KS distance δ = 2Φ(0.25) − 1 ≈ 0.197) with
  /// 80 % power against a training sample of `reference` values: the least m
  /// with √(rm/(r+m))·δ ≥ c_α + 0.8416·½, c_α the Kolmogorov distribution's
  /// upper-α point and ½ the largest standard deviation of √(rm/(r+m))·D
  /// around δ. nil when even unlimited rows are not enough (a tiny sample).
  public static func requiredRows(alpha: Double, reference: Int) -> Int? {
    let delta = 2 * (1 - Probability.normalSurvival(0.25)) - 1
    let needed = (Probability.kolmogorovInverseSurvival(alpha) + 0.8416 * 0.5) / delta
    let effective = needed * needed  // rm/(r+m) must reach this
    let r = Double(reference)
    guard r > effective else { return nil }
    return Int((effective * r / (r - effective)).rounded(.up))
  }

  static func untested(_ aspect: DriftReport.Aspect, effect: Double = 0) -> DriftReport.Test {
    DriftReport.Test(aspect: aspect, method: .none, statistic: nil, pValue: 1, correctedPValue: 1, effect: effect, decision: .untested)
  }

  static func test(_ aspect: DriftReport.Aspect, _ c: CategoryTest) -> DriftReport.Test {
    guard c.method != .none else { return untested(aspect, effect: c.effect) }
    return DriftReport.Test(
      aspect: aspect, method: method(c.method), statistic: c.statistic, pValue: c.pValue, correctedPValue: c.pValue,
      effect: c.effect, decision: .stable)
  }

  static func method(_ m: CategoryTest.Method) -> DriftReport.Method {
    switch m {
    case .chiSquare: .chiSquare
    case .fisher: .fisher
    case .twoProportion: .twoProportion
    case .none: .none
    }
  }

  static func test(_ ks: KolmogorovSmirnov) -> DriftReport.Test {
    DriftReport.Test(
      aspect: .distribution, method: ks.exact ? .ksExact : .ksAsymptotic, statistic: ks.statistic, pValue: ks.pValue,
      correctedPValue: ks.pValue, effect: ks.statistic, decision: .stable)
  }

  /// One feature's tests, uncorrected.
  static func compare(_ feature: DataProfile.FeatureProfile, _ column: [Double], trainingRows: Int) -> DriftReport.Feature {
    let present = RadixSort.sorted(column.filter { !$0.isNaN })
    let missing = column.count - present.count
    let trainingMissing = Int((feature.missingFraction * Double(trainingRows)).rounded())
    var tests: [DriftReport.Test] = []
    var note: String?
    var unseen = 0
    var unseenValues: Set<Double> = []
    let psi: Double
    let histogram: DriftReport.Histogram
    let reference = trainingCounts(feature, rows: trainingRows)
    switch feature.kind {
    case .numeric:
      let counts = DriftStatistics.binCounts(sorted: present, missing: missing, edges: feature.binEdges ?? [])
      psi = DriftStatistics.psi(expected: feature.fractions, actual: DriftStatistics.smoothedFractions(counts))
      histogram = .bins(edges: feature.binEdges ?? [], reference: reference, new: counts)
      let sample = feature.ksSample ?? []
      if present.isEmpty || sample.isEmpty {
        note = present.isEmpty ? "no values in the new data" : "no values in the training data"
        tests.append(untested(.distribution))
      } else {
        tests.append(test(KolmogorovSmirnov(sorted: sample, present)))
      }
    case .categorical:
      let levels = feature.levels ?? []
      let counts = DriftStatistics.levelCounts(column, levels: levels)
      histogram = .levels(levels, reference: reference, new: counts)
      psi = DriftStatistics.psi(expected: feature.fractions, actual: DriftStatistics.smoothedFractions(counts))
      unseen = counts[levels.count]
      if unseen > 0 {
        let known = Set(levels)
        unseenValues = Set(present.filter { !known.contains($0) })
      }
      let result = CategoryTest.homogeneity(
        reference: Array(reference.prefix(levels.count + 1)), new: Array(counts.prefix(levels.count + 1)))
      if result.method == .none {
        note = present.isEmpty ? "no values in the new data" : "every value in one category on both sides"
      }
      tests.append(test(.distribution, result))
    }
    if missing > 0 || trainingMissing > 0 {
      tests.append(test(.missing, CategoryTest.proportions(trainingMissing, of: trainingRows, against: missing, of: column.count)))
    }
    return DriftReport.Feature(
      name: feature.name, kind: feature.kind, source: .feature, rows: column.count,
      missingFraction: column.isEmpty ? 0 : Double(missing) / Double(column.count),
      trainingMissingFraction: feature.missingFraction, unseenLevels: unseen, unseenDistinct: unseenValues.count,
      unseenExamples: Array(unseenValues.sorted().prefix(unseenExampleLimit)), psi: psi,
      tests: tests, note: note, histogram: histogram)
  }

  /// The training split's counts per bucket of a feature (numeric: bins,
  /// missing; categorical: levels, unseen, missing), recovered from its ε-smoothed fractions and row count.
  static func trainingCounts(_ feature: DataProfile.FeatureProfile, rows: Int) -> [Int] {
    let eps = DataProfile.psiEpsilon
    let norm = 1 + eps * Double(feature.fractions.count)
    return feature.fractions.map { f in max(0, Int(((f * norm - eps) * Double(rows)).rounded())) }
  }

  /// The model's outputs on the new data against those on the test split.
  static func compare(_ p: Predictions) -> DriftReport.Feature {
    let name = "prediction"
    switch (p.reference.task, p.reference.classCounts, p.new.classCounts) {
    case (.classification, let reference?, let new?) where reference.count == new.count:
      let result = CategoryTest.homogeneity(reference: reference, new: new)
      return DriftReport.Feature(
        name: name, kind: .categorical, source: .prediction, rows: p.new.count, missingFraction: 0,
        trainingMissingFraction: 0, psi: nil, tests: [test(.distribution, result)],
        note: result.method == .none ? "every prediction in one class on both sides" : nil,
        histogram: .classes(reference: reference, new: new))
    default:
      let a = RadixSort.sorted(p.reference.values ?? []), b = RadixSort.sorted((p.new.values ?? []).filter(\.isFinite))
      guard !a.isEmpty, !b.isEmpty else {
        return DriftReport.Feature(
          name: name, kind: .numeric, source: .prediction, rows: p.new.count, missingFraction: 0,
          trainingMissingFraction: 0, psi: nil, tests: [untested(.distribution)], note: "no finite predictions to compare")
      }
      return DriftReport.Feature(
        name: name, kind: .numeric, source: .prediction, rows: p.new.count, missingFraction: 0,
        trainingMissingFraction: 0, psi: nil, tests: [test(KolmogorovSmirnov(sorted: a, b))],
        histogram: .values(reference: a, new: b))
    }
  }
}
