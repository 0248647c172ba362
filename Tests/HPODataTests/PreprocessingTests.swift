import HPOCore
import Testing
@testable import HPOData

/// Preprocessing and statistics: fitted on the training split only.
@Suite struct PreprocessingTests {
  static func dataset(_ rows: [[Double]]) -> Dataset<Double> {
    Dataset(
      features: rows.flatMap { $0 }, labels: rows.map { _ in 0 }, featureNames: (0..<rows[0].count).map { "f\($0)" },
      labelName: "y", task: .regression, classCount: nil)
  }

  @Test func standardisation_usesTrainingStatisticsOnly() throws {
    let train = Self.dataset([[1, 10, 5], [2, 20, 5], [3, 30, 5]])
    let other = Self.dataset([[100, -10, 7]])
    let p = try Preprocessing.fit(train)
    #expect(p.standardization.means == [2, 20, 5])
    #expect(p.standardization.scales[0] == (2.0 / 3).squareRoot())
    #expect(p.standardization.scales[2] == 1, "a constant column keeps scale 1")
    let t = p.apply(to: train)
    #expect(Array(t.row(0)) == [-1 / (2.0 / 3).squareRoot(), -10 / (200.0 / 3).squareRoot(), 0])
    let o = p.apply(to: other)
    #expect(o.features == [98 / (2.0 / 3).squareRoot(), -30 / (200.0 / 3).squareRoot(), 2])
    // Fitting on the other split would have given different numbers.
    #expect(try Preprocessing.fit(other) != p)
  }

  @Test func standardisation_onPreparedIris_isZeroMeanUnitStdOnTrainOnly() throws {
    let directory = TemporaryDirectory()
    let prepared = try DataPreparer.prepare(
      spec: DataSpec(path: "iris.csv", task: .classification), dataPath: bundledDataDirectory + "/iris.csv",
      outputDirectory: directory.path, as: Double.self)
    let train = prepared.preprocessing.apply(to: prepared.train)
    for s in FeatureStatistics.compute(train) {
      #expect(abs(s.mean) < 1e-12)
      #expect(abs(s.std - 1) < 1e-12)
    }
    let means = FeatureStatistics.compute(prepared.train).map(\.mean)
    #expect(prepared.preprocessing.standardization.means == means)
    let test = prepared.preprocessing.apply(to: prepared.test)
    #expect(FeatureStatistics.compute(test).contains { abs($0.mean) > 1e-3 })
  }

  @Test func imputation_meanAndMedian_fromTrain() throws {
    let train = Self.dataset([[1, .nan], [2, 4], [9, 6], [.nan, 20]])
    let mean = try Preprocessing.fit(train, missing: .mean)
    #expect(mean.imputation == .init(strategy: .mean, values: [4, 10]))
    let median = try Preprocessing.fit(train, missing: .median)
    #expect(median.imputation == .init(strategy: .median, values: [2, 6]))
    let filled = median.apply(to: Self.dataset([[.nan, .nan]]))
    #expect(filled.features == [(2 - median.standardization.means[0]) / median.standardization.scales[0],
                                (6 - median.standardization.means[1]) / median.standardization.scales[1]])
    let none = try Preprocessing.fit(train, missing: .reject)
    #expect(none.imputation == nil)
  }

  @Test func preprocessing_jsonRoundTrip_isExact() throws {
    let p = Preprocessing(
      imputation: .init(strategy: .median, values: [0.1, 1.0 / 3]),
      standardization: .init(means: [1e-300, -2.5], scales: [0.30000000000000004, 1]))
    #expect(try Preprocessing(json: p.json, file: "p.json") == p)
  }

  @Test func statistics_quantilesAndMoments() {
    let s = FeatureStatistics(name: "x", values: (1...100).map(Double.init) + [.nan])
    #expect(s.count == 100 && s.missing == 1)
    #expect(s.mean == 50.5)
    #expect(s.std == (9999.0 / 12).squareRoot())
    #expect(s.min == 1 && s.max == 100)
    #expect(s.quantiles == [1.99, 5.95, 25.75, 50.5, 75.25, 95.05, 99.01])
  }

  @Test func statistics_jsonRoundTrip() throws {
    let stats = [
      FeatureStatistics(name: "a", values: [1, 2, 3.25]),
      FeatureStatistics(name: "empty", values: [.nan]),
    ]
    let parsed = try FeatureStatistics.parse(FeatureStatistics.json(stats, rows: 3), file: "s.json")
    #expect(parsed[0] == stats[0])
    #expect(parsed[1].count == 0 && parsed[1].mean.isNaN)
  }
}
