import Foundation
import HPOCore
import Testing

@testable import HPODrift

/// Drift decisions of new data against a profile: tests, Holm's correction,
/// min_effect, power, and the odd columns that must not crash a report.
struct DriftCheckTests {
  static let training: [Double] = (0..<1000).map { Double(($0 * 37) % 1000) }

  func profile(_ columns: [(String, [Double])], categorical: [String] = [], missing: MissingPolicy = .reject) -> DataProfile {
    DataProfile(training: dataset(columns), categorical: categorical, missing: missing, seed: 0)
  }

  @Test func theTrainingDataItself_hasNoDrift() {
    let report = DriftCheck.compare(profile: profile([("x", Self.training)]), columns: [Self.training])
    let test = report.features[0].tests[0]
    #expect(test.method == .ksExact && test.statistic == 0 && test.pValue == 1 && test.decision == .stable)
    #expect(report.features[0].psi == 0)
    #expect(report.outcome == .noDrift && report.drifted.isEmpty)
  }

  @Test func aShiftedFeature_drifts_andComesFirst_theOtherDoesNot() {
    let shifted = Self.training.map { $0 + 200 }
    let report = DriftCheck.compare(
      profile: profile([("x", Self.training), ("y", Self.training)]), columns: [Self.training, shifted])
    #expect(report.outcome == .drift && report.drifted == ["y"])
    #expect(report.features.map(\.name) == ["y", "x"])
    let y = report.features[0].tests[0]
    // 0…999 moved by 200: the CDFs differ by 0.2 at most.
    #expect(abs((y.statistic ?? 0) - 0.2) < 1e-12 && y.effect == y.statistic)
    // Two tests: Holm multiplies the smallest p-value by 2.
    #expect(y.pValue < 1e-10 && abs(y.correctedPValue - 2 * y.pValue) < 1e-24)
  }

  @Test func aDataset_isComparedByItsColumns_andMustHaveTheProfilesFeatures() throws {
    let p = profile([("x", Self.training), ("y", Self.training)])
    let report = try DriftCheck.compare(profile: p, dataset: dataset([("x", Self.training), ("y", Self.training.map { $0 + 200 })]))
    #expect(report == DriftCheck.compare(profile: p, columns: [Self.training, Self.training.map { $0 + 200 }]))
    #expect(throws: DriftError.self) {
      try DriftCheck.compare(profile: p, dataset: dataset([("y", Self.training), ("x", Self.training)]))
    }
  }

  @Test func minEffect_keepsASignificantButSmallShiftFromBeingDrift() {
    // 100,000 rows a side, 50/50 against 48/52: p ≈ 1e-19, total-variation distance 0.02.
    let reference = (0..<100_000).map { Double($0 % 2) }
    let new = (0..<100_000).map { $0 % 50 < 24 ? 0.0 : 1.0 }
    let p = profile([("c", reference)], categorical: ["c"])
    let strict = DriftCheck.compare(profile: p, columns: [new], settings: DriftSettings(minEffect: 0.01))
    let usual = DriftCheck.compare(profile: p, columns: [new])
    #expect(strict.outcome == .drift)
    #expect(usual.outcome == .noDrift && usual.features[0].tests[0].decision == .negligible)
    #expect(abs(usual.features[0].tests[0].effect - 0.02) < 1e-12 && usual.features[0].tests[0].correctedPValue < 1e-10)
  }

  @Test func alpha_decides() {
    // A shift with p between 0.01 and 0.05.
    let new = Self.training.map { $0 + 66 }
    let p = profile([("x", Self.training)])
    let pValue = DriftCheck.compare(profile: p, columns: [new]).features[0].tests[0].pValue
    #expect(pValue > 0.01 && pValue < 0.05)
    #expect(DriftCheck.compare(profile: p, columns: [new], settings: DriftSettings(alpha: 0.05)).outcome == .drift)
    #expect(DriftCheck.compare(profile: p, columns: [new], settings: DriftSettings(alpha: 0.01)).outcome == .noDrift)
  }

  @Test func unseenCategories_areCountedNamedAndTested() {
    let reference = (0..<600).map { Double($0 % 3) }
    var new: [Double] = []
    for i in 0..<300 { new.append(i < 30 ? Double(7 + i % 2) : Double(i % 3)) }
    let report = DriftCheck.compare(profile: profile([("c", reference)], categorical: ["c"]), columns: [new])
    let f = report.features[0]
    #expect(f.unseenLevels == 30 && f.unseenDistinct == 2 && f.unseenExamples == [7, 8])
    #expect(f.tests[0].method == .chiSquare && f.tests[0].decision == DriftReport.Decision.drifted)
    #expect(abs(f.tests[0].effect - 0.1) < 1e-12)
    #expect(report.table().contains("(30 unseen: 7, 8)"))
  }

  @Test func smallCategories_areMerged_andTwoLeftWithASmallCellGoToFisher() {
    // The two rare levels merge, then join the next smallest: 3 categories remain.
    let merged = CategoryTest.homogeneity(reference: [500, 480, 60, 3, 2], new: [50, 45, 6, 1, 0])
    #expect(merged.method == .chiSquare && merged.merged == 2 && merged.degreesOfFreedom == 2)
    let table = [[500, 50], [480, 45], [65, 7]]
    let r = 1045.0, n = 102.0, total = 1147.0
    var chi = 0.0
    for row in table {
      let c = Double(row[0] + row[1])
      chi += pow(Double(row[0]) - r * c / total, 2) / (r * c / total) + pow(Double(row[1]) - n * c / total, 2) / (n * c / total)
    }
    #expect(abs((merged.statistic ?? 0) - chi) < 1e-9)
    // Two categories, one of them rare in the new rows: Fisher's exact test on the table itself.
    let fisher = CategoryTest.homogeneity(reference: [900, 100], new: [10, 5])
    #expect(fisher.method == .fisher && abs(fisher.pValue - CategoryTest.fisherExact(900, 100, 10, 5)) < 1e-12)
    // One category on both sides: nothing to test.
    #expect(CategoryTest.homogeneity(reference: [10, 0], new: [4, 0]).method == .none)
  }

  @Test func theMissingRate_isTestedWhenEitherSideHasMissingCells() {
    let reference = Self.training
    let new = Self.training.enumerated().map { $0.offset % 4 == 0 ? .nan : $0.element }
    let report = DriftCheck.compare(profile: profile([("x", reference)], missing: .median), columns: [new])
    let missing = report.features[0].tests.first { $0.aspect == .missing }
    #expect(missing?.method == .twoProportion && missing?.decision == .drifted)
    #expect(abs((missing?.effect ?? 0) - 0.25) < 1e-12)
    #expect(report.features[0].missingFraction == 0.25)
  }

  @Test func oddColumns_giveAClearOutcomeAndAFiniteReport() throws {
    let p = profile([("x", Self.training), ("k", [Double](repeating: 3, count: 1000))], missing: .mean)
    // A column with no values at all, and a constant column equal to training's constant.
    let nothing = DriftCheck.compare(profile: p, columns: [[Double](repeating: .nan, count: 200), [Double](repeating: 3, count: 200)])
    let x = try #require(nothing.features.first { $0.name == "x" })
    #expect(x.note == "no values in the new data" && x.tests[0].decision == .untested)
    #expect(x.tests.first { $0.aspect == .missing }?.decision == .drifted)
    let k = try #require(nothing.features.first { $0.name == "k" })
    #expect(k.tests[0].statistic == 0 && k.tests[0].decision == .stable)
    // A single row: tested (exactly), inconclusive.
    let one = DriftCheck.compare(profile: p, columns: [[500], [3]])
    #expect(one.outcome == .inconclusive && one.features.allSatisfy { $0.tests.allSatisfy { $0.pValue.isFinite } })
    #expect(one.summary.hasPrefix("inconclusive: 1 rows, need ≥ "))
    for report in [nothing, one] {
      let json = report.json()
      #expect(!json.contains("nan") && !json.contains("inf"))
      #expect(try JSONDecoder().decode(DriftReport.self, from: Data(json.utf8)) == report)
    }
  }

  @Test func requiredRows_forAHalfSigmaShiftWith80PercentPower() throws {
    // c(0.05) = 1.3581: (1.3581 + 0.4208)² / 0.19741² ≈ 81.2 effective rows.
    let n = try #require(DriftCheck.requiredRows(alpha: 0.05, reference: 100_000))
    #expect(n == 82 && DriftCheck.requiredRows(alpha: 0.05, reference: 2000) == 85 && DriftCheck.requiredRows(alpha: 0.05, reference: 1800) == 86)
    let strict = try #require(DriftCheck.requiredRows(alpha: 0.01, reference: 2000))
    #expect(strict > n)
    #expect(DriftCheck.requiredRows(alpha: 0.05, reference: 60) == nil)
  }

  @Test func reportTableAndJSON() throws {
    let report = DriftCheck.compare(
      profile: profile([("x", Self.training), ("y", Self.training)]), columns: [Self.training, Self.training.map { $0 + 200 }])
    let table = report.table()
    #expect(table.hasPrefix("feature  kind     test      statistic  p-value"))
    #expect(table.contains("\ny        numeric  ks-exact  0.2000"))
    #expect(table.hasSuffix("drift: y (1 of 2 checked; Holm-corrected p < 0.05 and effect > 0.05) over 1000 rows\n"))
    let object = try JSONSerialization.jsonObject(with: Data(report.json().utf8)) as? [String: Any]
    #expect(object?["drifted_features"] as? [String] == ["y"])
    #expect(object?["outcome"] as? String == "drift")
    #expect((object?["settings"] as? [String: Any])?["alpha"] as? Double == 0.05)
    #expect(try JSONDecoder().decode(DriftReport.self, from: Data(report.json().utf8)) == report)
  }
}
