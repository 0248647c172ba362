import Foundation
import HPOCore
import HPOData
import Testing

@testable import HPODrift

/// A classification dataset from columns (row i of each column is row i).
func dataset(_ columns: [(String, [Double])], labels: [Double]? = nil) -> Dataset<Double> {
  let rows = columns.first?.1.count ?? 0
  var features: [Double] = []
  for i in 0..<rows { for c in columns { features.append(c.1[i]) } }
  let y = labels ?? (0..<rows).map { Double($0 % 2) }
  return Dataset(
    features: features, labels: y, featureNames: columns.map(\.0), labelName: "label", task: .classification,
    classCount: Int((y.max() ?? 1) + 1))
}

struct DriftProfileTests {
  @Test func numericFeature_statisticsBinsAndFractionsByHand() {
    let values = (1...10).map(Double.init)
    let profile = DataProfile(training: dataset([("x", values)]), categorical: [], missing: .reject, seed: 0)
    let f = profile.features[0]
    #expect(f.kind == .numeric)
    #expect(f.count == 10 && f.missingFraction == 0)
    #expect(f.min == 1 && f.max == 10 && f.mean == 5.5)
    #expect(abs(f.std - 8.25.squareRoot()) < 1e-12)
    // Deciles of 1…10 by linear interpolation: 1.9, 2.8, …, 9.1.
    let expected = (1...9).map { 1 + 0.9 * Double($0) }
    #expect(zip(f.binEdges ?? [], expected).allSatisfy { abs($0 - $1) < 1e-12 })
    #expect(f.binEdges?.count == 9)
    // One value per bin, none missing.
    let one = (0.1 + 1e-4) / (1 + 11e-4), none = 1e-4 / (1 + 11e-4)
    #expect(f.fractions.count == 11)
    #expect(f.fractions.dropLast().allSatisfy { abs($0 - one) < 1e-15 })
    #expect(abs((f.fractions.last ?? 0) - none) < 1e-15)
    #expect(f.ksSample == values)
    #expect(profile.label.classes == ["0", "1"])
  }

  @Test func quantileEdges_mergeTies() {
    // Quantiles of [1, 1, 1, 1, 2]: 1 up to 70 %, then 1.2 and 1.6.
    #expect(DataProfile.quantileEdges([1, 1, 1, 1, 2], bins: 10) == [1, 1.2000000000000002, 1.6])
    #expect(DataProfile.quantileEdges([3, 3, 3], bins: 10) == [3])
  }

  @Test func categoricalFeature_levelsAndFractions() {
    let profile = DataProfile(
      training: dataset([("c", [2, 0, 0, 2, 2, -0.0]), ("x", [1, 2, 3, 4, 5, 6])]), categorical: ["c"], missing: .reject,
      seed: 0)
    let c = profile.features[0]
    #expect(c.kind == .categorical)
    #expect(c.levels == [0, 2])
    #expect(c.binEdges == nil && c.ksSample == nil)
    #expect(c.fractions == DriftStatistics.smoothedFractions([3, 3, 0, 0]))
    #expect(profile.features[1].kind == .numeric)
  }

  @Test func ksSample_isASeededSortedSubsetOfAtMost2000() {
    let values = (0..<5000).map { Double(($0 * 7919) % 5000) }
    let a = DataProfile(training: dataset([("x", values)]), categorical: [], missing: .reject, seed: 1)
    let b = DataProfile(training: dataset([("x", values)]), categorical: [], missing: .reject, seed: 1)
    let c = DataProfile(training: dataset([("x", values)]), categorical: [], missing: .reject, seed: 2)
    let sample = a.features[0].ksSample ?? []
    #expect(sample.count == 2000)
    #expect(sample == sample.sorted())
    #expect(Set(sample).count == 2000 && Set(sample).isSubset(of: Set(values)))
    #expect(sample == b.features[0].ksSample)
    #expect(sample != c.features[0].ksSample)
    // A uniform subset: its KS distance to the full data is small (DKW: < 0.031 with 95 %).
    #expect(KolmogorovSmirnov(sorted: sample, values.sorted()).statistic < 0.031)
  }

  @Test func missingValues_areCountedInTheirBucket() {
    let profile = DataProfile(training: dataset([("x", [1, .nan, 3, 4])]), categorical: [], missing: .mean, seed: 0)
    let f = profile.features[0]
    #expect(f.count == 3 && f.missingFraction == 0.25)
    #expect(f.mean == 8.0 / 3)
    #expect(abs((f.fractions.last ?? 0) - (0.25 + 1e-4) / (1 + Double(f.fractions.count) * 1e-4)) < 1e-15)
    #expect(profile.acceptsMissing)
  }

  @Test func json_isDeterministicVersionedSortedAndRoundTrips() throws {
    let d = dataset([("b", [3, 1, 2, 5, 4, 6]), ("a", [0, 1, 0, 1, 0, 1])])
    let profile = DataProfile(training: d, categorical: ["a"], missing: .reject, seed: 3)
    let text = profile.json()
    #expect(text == DataProfile(training: d, categorical: ["a"], missing: .reject, seed: 3).json())
    #expect(text.contains("\"format\" : 1"))
    let top = ["features", "format", "label", "missing", "rows", "seed"].map { text.range(of: "\n  \"\($0)\"")?.lowerBound }
    #expect(top.allSatisfy { $0 != nil })
    #expect(top.compactMap { $0 } == top.compactMap { $0 }.sorted())
    let back = try DataProfile(json: Array(text.utf8), file: "p.json")
    #expect(back == profile)
    #expect(back.json() == text)
  }

  @Test func json_refusesOtherVersionsAndInconsistentProfiles() {
    let profile = DataProfile(training: dataset([("x", [1, 2, 3, 4])]), categorical: [], missing: .reject, seed: 0)
    let v2 = profile.json().replacingOccurrences(of: "\"format\" : 1", with: "\"format\" : 2")
    #expect(throws: DriftError(.badProfile, file: "p.json", message: "has profile format 2; this build reads format 1")) {
      try DataProfile(json: Array(v2.utf8), file: "p.json")
    }
    var broken = profile
    broken.features[0].fractions.removeLast()
    #expect(throws: DriftError.self) { try DataProfile(json: Array(broken.json().utf8), file: "p.json") }
    do {
      _ = try DataProfile(json: Array("{\"format\": 1}".utf8), file: "p.json")
      Issue.record("an incomplete profile was accepted")
    } catch {
      #expect(error.code == .badProfile)
      #expect(error.description.hasPrefix("p.json: is not a data profile this build reads: "))
    }
  }

  @Test func make_profilesTheTrainingSplitOfABundledDataSet() throws {
    let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().appendingPathComponent("Experiments/data/iris.csv").path
    let spec = DataSpec(path: path, task: .classification, split: SplitSpec(validation: 0.25, test: 0.25, seed: 1))
    let profile = try DataProfile.make(spec: spec, dataPath: path)
    let read = try CSVReader.read(path: path, options: CSVReadOptions(spec: spec), as: Double.self)
    let indices = try DataSplitter.split(read.dataset, spec: spec.split, file: path)
    #expect(profile.rows == indices.train.count)
    #expect(profile.featureNames == read.dataset.featureNames)
    let statistics = FeatureStatistics.compute(read.dataset.rows(indices.train))
    for (f, s) in zip(profile.features, statistics) {
      #expect(f.min == s.min && f.max == s.max && abs(f.mean - s.mean) < 1e-12 && abs(f.std - s.std) < 1e-12)
    }
    #expect(profile.label.classes == ["0", "1", "2"])
  }
}
