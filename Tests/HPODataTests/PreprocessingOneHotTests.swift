import HPOCore
import Testing
@testable import HPOData

/// One-hot encoding of declared categorical columns: categories learnt on the
/// training split only, standardisation of the other columns only, exact
/// JSON round trip, and the column checks naming file and column.
@Suite struct PreprocessingOneHotTests {
  /// Columns a (ordinary), colour (codes), b (ordinary); label y.
  static func dataset(_ rows: [[Double]]) -> Dataset<Double> {
    Dataset(
      features: rows.flatMap { $0 }, labels: rows.map { _ in 0 }, featureNames: ["a", "colour", "b"],
      labelName: "y", task: .regression, classCount: nil)
  }

  static let train = dataset([[1, 3, 10], [2, 1, 20], [3, 3, 30], [6, 2.5, 40]])

  @Test func fit_learnsSortedCategories_andStandardisesOnlyTheOtherColumns() throws {
    let p = try Preprocessing.fit(Self.train, categorical: ["colour"])
    #expect(p.categorical == [.init(column: 1, name: "colour", values: [1, 2.5, 3])])
    #expect(p.standardization.means == [3, 0, 25])
    #expect(p.standardization.scales[1] == 1)
    #expect(p.inputCount == 3 && p.outputCount == 5)
    let t = p.apply(to: Self.train)
    #expect(t.featureNames == ["a", "b", "colour=1", "colour=2.5", "colour=3"])
    #expect(t.featureCount == 5 && t.rowCount == 4)
    let sa = p.standardization.scales[0]
    let sb = p.standardization.scales[2]
    #expect(Array(t.row(0)) == [(1 - 3) / sa, (10 - 25) / sb, 0, 0, 1])
    #expect(Array(t.row(3)) == [(6 - 3) / sa, (40 - 25) / sb, 0, 1, 0])
    // The ordinary columns are standardised exactly as without the categorical one.
    let plain = try Preprocessing.fit(Self.train)
    #expect(plain.standardization.means == [3, 2.375, 25])
    #expect(plain.standardization.scales[0] == sa && plain.standardization.scales[2] == sb)
  }

  @Test func unseenCategory_andNaN_mapToAllZeros() throws {
    let p = try Preprocessing.fit(Self.train, categorical: ["colour"])
    let other = p.apply(to: Self.dataset([[3, 7, 25], [3, .nan, 25], [3, 1, 25]]))
    #expect(Array(other.row(0)) == [0, 0, 0, 0, 0])
    #expect(Array(other.row(1)) == [0, 0, 0, 0, 0])
    #expect(Array(other.row(2)) == [0, 0, 1, 0, 0])
  }

  @Test func categoriesComeFromTheTrainingSplitOnly() throws {
    let p = try Preprocessing.fit(Self.dataset([[1, 5, 1], [2, 5, 2]]), categorical: ["colour"])
    #expect(p.categorical[0].values == [5])
    #expect(p.apply(to: Self.dataset([[1, 6, 1]])).features == [-1, -1, 0])
  }

  @Test func floatData_matchesNonIntegerCodesInItsOwnPrecision() throws {
    let train = Dataset<Float>(
      features: [0.1, 1, 0.7, 2, 0.1, 3], labels: [0, 1, 0], featureNames: ["code", "x"], labelName: "y",
      task: .classification, classCount: 2)
    let p = try Preprocessing.fit(train, categorical: ["code"])
    #expect(p.categorical[0].values == [Double(Float(0.1)), Double(Float(0.7))])
    let t = p.apply(to: train)
    #expect(t.featureNames == ["x", "code=\(Double(Float(0.1)))", "code=\(Double(Float(0.7)))"])
    #expect(t.features.enumerated().filter { $0.offset % 3 != 0 }.map(\.element) == [1, 0, 0, 1, 1, 0])
    // The JSON carries the Float-rounded codes exactly: float data still matches after a round trip.
    let back = try Preprocessing(json: p.json, file: "p.json")
    #expect(back.apply(to: train) == t)
  }

  @Test func imputation_fillsACategoricalColumnWithItsMostFrequentValue() throws {
    let train = Self.dataset([[1, 3, 10], [.nan, 2, 20], [3, .nan, 30], [4, 2, .nan], [5, 3, 10]])
    let p = try Preprocessing.fit(train, missing: .mean, categorical: ["colour"])
    #expect(p.imputation?.values == [3.25, 2, 17.5])
    #expect(p.categorical[0].values == [2, 3])
    #expect(Array(p.apply(to: train).row(2))[2...] == [1, 0])
  }

  @Test func json_roundTripsExactly_withCategoricalColumns() throws {
    let p = Preprocessing(
      imputation: .init(strategy: .median, values: [0.1, 3, 1.0 / 3]),
      standardization: .init(means: [1e-300, 0, -2.5], scales: [0.30000000000000004, 1, 1]),
      categorical: [.init(column: 1, name: "colour \"c\"", values: [-1e-300, 0, 0.1, 4])])
    let text = p.json
    #expect(text.contains("\"version\": 2"))
    let back = try Preprocessing(json: text, file: "p.json")
    #expect(back == p)
    #expect(back.json == text)
    let fitted = try Preprocessing.fit(Self.train, categorical: ["colour"])
    #expect(try Preprocessing(json: fitted.json, file: "p.json") == fitted)
  }

  @Test func json_withoutCategoricalPart_isVersion1_andStillReads() throws {
    let old = """
      {"format": "hpo-preprocessing", "version": 1, "imputation": null,
       "standardization": {"means": [1, 2], "scales": [0.5, 4]}}
      """
    let p = try Preprocessing(json: old, file: "old.json")
    #expect(p.categorical.isEmpty)
    #expect(p.standardization == .init(means: [1, 2], scales: [0.5, 4]))
    #expect(p.json.contains("\"version\": 1") && !p.json.contains("categorical"))
  }

  @Test func json_inconsistentCategoricalPart_isRejected() {
    func issues(_ categorical: String) -> [String] {
      thrownIssues { () throws(DataError) in
        _ = try Preprocessing(json: """
          {"format": "hpo-preprocessing", "version": 2, "imputation": null,
           "standardization": {"means": [0, 0], "scales": [1, 1]}, "categorical": \(categorical)}
          """, file: "p.json")
      }
    }
    #expect(issues(#"[{"column": 2, "name": "c", "values": [1]}]"#)
      == ["p.json: categorical column 2 is out of range or order; accepted: ascending columns below 2"])
    #expect(issues(#"[{"column": 0, "name": "c", "values": [2, 1]}]"#)
      == ["p.json: categorical column 0 ('c') needs finite, strictly ascending values"])
    #expect(issues(#"[{"column": 0, "name": "c", "values": []}]"#).count == 1)
    #expect(issues(#"[{"column": "0", "name": "c", "values": [1]}]"#) == ["p.json: field \"column\" must be an integer"])
  }

  @Test func badCategoricalNames_areErrorsNamingFileAndColumn() {
    func issues(_ names: [String]) -> [String] {
      thrownIssues { () throws(DataError) in _ = try Preprocessing.fit(Self.train, categorical: names, file: "data.csv") }
    }
    #expect(issues(["colour", "size"]) == [
      "data.csv: column 'size': is declared categorical but is not a column of the file; accepted: a feature column ('a', 'colour', 'b')",
    ])
    #expect(issues(["y"]) == [
      "data.csv: column 'y': is the label column and cannot be declared categorical; accepted: feature columns",
    ])
    #expect(issues(["b", "b"]) == ["data.csv: column 'b': is declared categorical twice; accepted: distinct column names"])
  }

  /// The data pipeline: the spec's categorical columns reach the stored
  /// preprocessing, which reads back equal; a bad name stops it before any file is written.
  @Test func prepare_storesTheOneHot_andRejectsUnknownColumns() throws {
    let directory = TemporaryDirectory()
    var csv = "a,colour,b,y\n"
    for i in 0..<40 { csv += "\(i),\([7, 8, 9][i % 3]),\(i % 5),\(i % 2)\n" }
    let data = directory.write("data.csv", csv)
    let spec = DataSpec(path: "data.csv", task: .classification, categorical: ["colour"])
    let prepared = try DataPreparer.prepare(spec: spec, dataPath: data, outputDirectory: directory.path + "/out", as: Double.self)
    #expect(prepared.preprocessing.categorical == [.init(column: 1, name: "colour", values: [7, 8, 9])])
    #expect(try prepared.manifest.loadPreprocessing(directory: directory.path + "/out") == prepared.preprocessing)
    #expect(prepared.preprocessing.apply(to: prepared.validation).featureNames == ["a", "b", "colour=7", "colour=8", "colour=9"])

    for (names, expected) in [
      (["shade"], "\(data): column 'shade': is declared categorical but is not a column of the file; accepted: a feature column ('a', 'colour', 'b')"),
      (["y"], "\(data): column 'y': is the label column and cannot be declared categorical; accepted: feature columns"),
    ] {
      let bad = DataSpec(path: "data.csv", task: .classification, categorical: names)
      let issues = thrownIssues { () throws(DataError) in
        _ = try DataPreparer.prepare(spec: bad, dataPath: data, outputDirectory: directory.path + "/bad", as: Float.self)
      }
      #expect(issues == [expected])
    }
  }
}
