import Foundation
import HPOCore
import Testing

@testable import HPODrift

/// Power at alpha 0.05 with 30 features and the default min_effect: real
/// shifts of one feature are found in at least 90 % of seeded resamples, and
/// a shift visible only in the model's outputs is found by prediction drift.
struct DriftPowerTests {
  static let features = 30
  static let resamples = 100

  /// Share of `resamples` new data sets (feature `target` changed by `change`) in which `target` drifts.
  static func detection(rows: Int, target: Int, seed: UInt64, change: (inout Draws) -> Double) -> Double {
    let profile = SyntheticColumns.profile(features: features, rows: 20_000, seed: 11)
    var draws = Draws(seed: seed, stream: 4)
    var found = 0
    for _ in 0..<resamples {
      var columns = SyntheticColumns.columns(features: features, rows: rows, &draws)
      columns[target] = (0..<rows).map { _ in change(&draws) }
      let report = DriftCheck.compare(profile: profile, columns: columns)
      if report.drifted.contains("f\(target)") { found += 1 }
    }
    return Double(found) / Double(resamples)
  }

  @Test func aHalfSigmaMeanShift_at1000Rows() {
    let rate = Self.detection(rows: 1000, target: 0, seed: 1) { 0.5 + $0.normal() }
    #expect(rate >= 0.9, "detected in \(rate) of resamples")
  }

  @Test func aDoubledVariance_at1000Rows() {
    let rate = Self.detection(rows: 1000, target: 4, seed: 2) { 2.0.squareRoot() * $0.normal() }
    #expect(rate >= 0.9, "detected in \(rate) of resamples")
  }

  @Test func aCategoryFrom10To20Percent_at2000Rows() {
    // Level 3 (10 %) takes 10 points from the others in proportion.
    let moved = SyntheticColumns.levels.enumerated().map { k, p in k == 3 ? 0.2 : p * 0.8 / 0.9 }
    let rate = Self.detection(rows: 2000, target: 2, seed: 3) { $0.category(moved) }
    #expect(rate >= 0.9, "detected in \(rate) of resamples")
  }

  /// A model scoring x₀ + x₄: new rows where x₄ = x₀ (a subpopulation whose
  /// label-relevant mix changed) keep both marginals, so no feature drifts,
  /// but the scores' spread doubles in variance: prediction drift finds it.
  @Test func aShiftOnlyInTheModelsOutputs_isFoundByPredictionDrift() {
    let profile = SyntheticColumns.profile(features: Self.features, rows: 20_000, seed: 11)
    var draws = Draws(seed: 5, stream: 5)
    let test = SyntheticColumns.columns(features: Self.features, rows: 2000, &draws)
    let reference = ModelOutputs.regression(zip(test[0], test[4]).map { $0 + $1 })
    var found = 0, featureFlags = 0
    for _ in 0..<50 {
      var columns = SyntheticColumns.columns(features: Self.features, rows: 2000, &draws)
      columns[4] = columns[0]
      let new = ModelOutputs.regression(zip(columns[0], columns[4]).map { $0 + $1 })
      let report = DriftCheck.compare(
        profile: profile, columns: columns, predictions: DriftCheck.Predictions(reference: reference, new: new))
      if report.features.contains(where: { $0.source == .prediction && $0.drifted }) { found += 1 }
      if report.features.contains(where: { $0.source == .feature && $0.drifted }) { featureFlags += 1 }
    }
    #expect(found >= 45, "prediction drift found in \(found) of 50")
    #expect(featureFlags <= 5, "features flagged in \(featureFlags) of 50")
  }

  /// At the rows ``DriftCheck/requiredRows(alpha:reference:)`` asks for, a
  /// 0.5σ shift of one lone feature is found in about 80 % of resamples.
  @Test func requiredRows_deliverTheStatedPower() throws {
    let profile = SyntheticColumns.profile(features: 1, rows: 20_000, seed: 11)
    let rows = try #require(DriftCheck.requiredRows(alpha: 0.05, reference: 2000))
    var draws = Draws(seed: 6, stream: 6)
    var found = 0
    for _ in 0..<400 {
      let report = DriftCheck.compare(profile: profile, columns: [(0..<rows).map { _ in 0.5 + draws.normal() }])
      if report.outcome == .drift { found += 1 }
    }
    #expect(found >= 300, "found in \(found) of 400 at \(rows) rows")
  }
}
