import HPOData

/// Compares new data with a ``DataProfile`` feature by feature.
///
/// Numeric features: the PSI over the profile's quantile bins plus a missing
/// bucket, and the two-sample KS statistic between the non-missing new values
/// and the profile's KS sample (with its asymptotic p-value). Categorical
/// features: the PSI over the training levels plus one bucket for unseen
/// levels and one for missing values; no KS statistic (codes have no order
/// that means anything). A feature drifts when its PSI is above `psiMax` or
/// its KS statistic above `ksMax`.
///
/// Small files make both statistics noisy: with m new rows the KS statistic
/// of data drawn from the training distribution itself is typically about
/// 0.87/√m (its median), so `ksMax` 0.1 needs a few hundred rows to be quiet.
public enum DriftCheck {
  /// The thresholds above which a feature counts as drifted.
  public struct Thresholds: Sendable, Equatable {
    public var psiMax: Double
    public var ksMax: Double

    public init(psiMax: Double = 0.2, ksMax: Double = 0.1) {
      self.psiMax = psiMax
      self.ksMax = ksMax
    }
  }

  /// Compares the columns of `input` (read against `profile`) with the profile.
  public static func compare(
    profile: DataProfile, input: ProfiledInput, thresholds: Thresholds = Thresholds()
  ) -> DriftReport {
    compare(profile: profile, columns: input.columns, thresholds: thresholds)
  }

  /// Compares the features of `dataset` (raw rows, e.g. the test split or a
  /// new-data file read by HPOData) with the profile.
  /// - Throws: ``DriftError`` `.schema` when its feature names are not the
  ///   profile's, in the profile's order.
  public static func compare<S: DataScalar>(
    profile: DataProfile, dataset: Dataset<S>, thresholds: Thresholds = Thresholds()
  ) throws(DriftError) -> DriftReport {
    guard dataset.featureNames == profile.featureNames else {
      throw DriftError(
        .schema, file: "data",
        message: "has the features \(dataset.featureNames.map { "'\($0)'" }.joined(separator: ", ")); the profile describes \(profile.featureNames.map { "'\($0)'" }.joined(separator: ", "))")
    }
    return compare(profile: profile, columns: (0..<dataset.featureCount).map(dataset.column), thresholds: thresholds)
  }

  /// Compares `columns` (one per profile feature, in its order, NaN missing).
  /// Precondition: `columns.count == profile.features.count`.
  public static func compare(
    profile: DataProfile, columns: [[Double]], thresholds: Thresholds = Thresholds()
  ) -> DriftReport {
    precondition(columns.count == profile.features.count, "one column per profile feature")
    var results: [DriftReport.Feature] = []
    for (feature, column) in zip(profile.features, columns) {
      let present = column.filter { !$0.isNaN }.sorted()
      let actual: [Double]
      var ks: Double?
      var pValue: Double?
      var unseen = 0
      switch feature.kind {
      case .numeric:
        actual = DriftStatistics.smoothedFractions(DriftStatistics.binCounts(column, edges: feature.binEdges ?? []))
        let sample = feature.ksSample ?? []
        if !present.isEmpty && !sample.isEmpty {
          let d = DriftStatistics.ksStatistic(sample, present)
          ks = d
          pValue = DriftStatistics.ksPValue(d, n: sample.count, m: present.count)
        }
      case .categorical:
        let levels = feature.levels ?? []
        let counts = DriftStatistics.levelCounts(column, levels: levels)
        unseen = counts[levels.count]
        actual = DriftStatistics.smoothedFractions(counts)
      }
      let psi = DriftStatistics.psi(expected: feature.fractions, actual: actual)
      let drifted = psi > thresholds.psiMax || (ks.map { $0 > thresholds.ksMax } ?? false)
      results.append(DriftReport.Feature(
        name: feature.name, kind: feature.kind, rows: column.count,
        missingFraction: column.isEmpty ? 0 : Double(column.count - present.count) / Double(column.count),
        trainingMissingFraction: feature.missingFraction, unseenLevels: unseen, psi: psi, ks: ks,
        ksPValue: pValue, drifted: drifted))
    }
    return DriftReport(thresholds: thresholds, rows: columns.first?.count ?? 0, features: results)
  }
}
