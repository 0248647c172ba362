import Foundation
import HPOCore
import Testing

@testable import HPODrift

/// The reference-against-new histograms a drift report carries per column
/// (drawn by `hpo drift --html`): the buckets the check counted, each side's
/// share of rows, on inputs small enough to count by hand.
struct DriftHistogramTests {
  func profile(_ columns: [(String, [Double])], categorical: [String] = []) -> DataProfile {
    DataProfile(training: dataset(columns), categorical: categorical, missing: .mean, seed: 0)
  }

  func sumsToOne(_ fractions: [Double]) -> Bool { abs(fractions.reduce(0, +) - 1) < 1e-12 }

  @Test func numeric_theProfilesBins_andAMissingBucket() throws {
    // Training 0…9: deciles 0.9, 1.8, … 8.1 put one value in each of 10 bins.
    let p = profile([("x", (0..<10).map(Double.init))])
    let report = DriftCheck.compare(profile: p, columns: [[0, 0, 5, 9, .nan]])
    let h = try #require(report.features[0].histogram)
    #expect(h.labels == ["≤ 0.9", "(0.9, 1.8]", "(1.8, 2.7]", "(2.7, 3.6]", "(3.6, 4.5]", "(4.5, 5.4]", "(5.4, 6.3]",
                         "(6.3, 7.2]", "(7.2, 8.1]", "> 8.1", "missing"])
    #expect(h.edges?.count == 9)
    #expect(h.reference.map { ($0 * 10).rounded() } == [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0])
    // 0, 0 → first bin; 5 → (4.5, 5.4]; 9 → last bin; NaN → missing: of 5 rows.
    #expect(h.new == [0.4, 0, 0, 0, 0, 0.2, 0, 0, 0, 0.2, 0.2])
    #expect(sumsToOne(h.reference) && sumsToOne(h.new))
  }

  @Test func categorical_levels_unseen_andMissing() throws {
    let p = profile([("c", [1, 1, 2, 2, 2, 3])], categorical: ["c"])
    let report = DriftCheck.compare(profile: p, columns: [[1, 4, 4, .nan]])
    let h = try #require(report.features[0].histogram)
    #expect(h.labels == ["1", "2", "3", "unseen", "missing"] && h.edges == nil)
    #expect(zip(h.reference, [2.0 / 6, 3.0 / 6, 1.0 / 6, 0, 0]).allSatisfy { abs($0 - $1) < 1e-12 })
    #expect(h.new == [0.25, 0, 0, 0.5, 0.25])
    #expect(sumsToOne(h.reference) && sumsToOne(h.new))
  }

  @Test func predictions_classesOrDecileBinsOfTheTestSplitsOutputs() throws {
    let p = profile([("x", (0..<10).map(Double.init))])
    let x = (0..<10).map(Double.init)
    let classes = DriftCheck.compare(
      profile: p, columns: [x],
      predictions: .init(reference: .classification([0, 0, 1, 2], classCount: 3), new: .classification([2, 2, 2, 1], classCount: 3)))
    let c = try #require(classes.features.first { $0.source == .prediction }?.histogram)
    #expect(c.labels == ["class 0", "class 1", "class 2"])
    #expect(c.reference == [0.5, 0.25, 0.25] && c.new == [0, 0.25, 0.75])

    let values = DriftCheck.compare(
      profile: p, columns: [x], predictions: .init(reference: .regression(x), new: .regression([9, 9.5, 20, 0])))
    let v = try #require(values.features.first { $0.source == .prediction }?.histogram)
    #expect(v.labels.count == 10 && v.labels.first == "≤ 0.9" && v.labels.last == "> 8.1")
    #expect(v.reference.allSatisfy { abs($0 - 0.1) < 1e-12 })
    #expect(v.new == [0.25, 0, 0, 0, 0, 0, 0, 0, 0, 0.75])
  }

  @Test func aSideWithoutRows_hasZeroFractions() {
    #expect(DriftReport.Histogram.fractions([0, 0, 0]) == [0, 0, 0])
    #expect(DriftReport.Histogram.fractions([1, 3]) == [0.25, 0.75])
  }

  @Test func json_addsHistogram_andKeepsEveryOtherKey() throws {
    let p = profile([("c", [1, 1, 2, 2, 2, 3])], categorical: ["c"])
    let report = DriftCheck.compare(profile: p, columns: [[1, 4, 4, 3]])
    let object = try JSONSerialization.jsonObject(with: Data(report.json().utf8)) as? [String: Any]
    let feature = try #require((object?["features"] as? [[String: Any]])?.first)
    #expect(Set(feature.keys) == [
      "name", "kind", "source", "rows", "missing_fraction", "training_missing_fraction", "unseen_levels",
      "unseen_distinct", "unseen_examples", "psi", "tests", "drifted", "histogram",
    ])
    let histogram = try #require(feature["histogram"] as? [String: Any])
    #expect(Set(histogram.keys) == ["labels", "reference", "new"])
    #expect(histogram["labels"] as? [String] == ["1", "2", "3", "unseen", "missing"])
    // The method enum is written as its raw value, as the string was.
    #expect((feature["tests"] as? [[String: Any]])?.first?["method"] as? String == "fisher")
    #expect(try JSONDecoder().decode(DriftReport.self, from: Data(report.json().utf8)) == report)
  }

  @Test func json_withoutHistogram_stillDecodes() throws {
    let p = profile([("x", (0..<10).map(Double.init))])
    var report = DriftCheck.compare(profile: p, columns: [[0, 5, 9]])
    report.features[0].histogram = nil
    #expect(!report.json().contains("histogram"))
    #expect(try JSONDecoder().decode(DriftReport.self, from: Data(report.json().utf8)) == report)
  }
}
