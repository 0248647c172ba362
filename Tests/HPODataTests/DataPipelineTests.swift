import Foundation
import HPOCore
import Testing
@testable import HPOData

/// Every path to a spec's training data is ``DataPipeline``: what
/// ``DataPreparer`` shards for the coordinator and winner evaluation is what
/// the pipeline gives `hpo train` and a data profile, split for split, bit
/// for bit.
@Suite struct DataPipelineTests {
  let directory = TemporaryDirectory()

  /// A file with missing cells and a categorical column.
  func messyFile() -> String {
    var csv = "a,colour,b,y\n"
    for i in 0..<60 {
      let a = i % 11 == 3 ? "NA" : "\(Double(i) * 0.37)"
      csv += "\(a),\([7, 8, 9][i % 3]),\(i % 5 == 0 ? "" : String(i * i % 17)),\(i % 2)\n"
    }
    return directory.write("messy.csv", csv)
  }

  func specs() -> [(DataSpec, String)] {
    let iris = bundledDataDirectory + "/iris.csv"
    let diabetes = bundledDataDirectory + "/diabetes.csv"
    let messy = messyFile()
    return [
      (DataSpec(path: iris, task: .classification, split: SplitSpec(validation: 0.25, test: 0.25, seed: 1), shards: 3), iris),
      (DataSpec(path: diabetes, task: .regression, split: SplitSpec(seed: 9), categorical: ["sex"]), diabetes),
      (DataSpec(path: messy, task: .classification, shards: 2, missing: .mean, categorical: ["colour"]), messy),
      (DataSpec(path: messy, task: .classification, missing: .median), messy),
      (DataSpec(path: messy, task: .classification, split: SplitSpec(seed: 4), missing: .drop), messy),
    ]
  }

  /// A dataset's values bit for bit (so that NaN, a missing value, equals
  /// itself), with its names, task and class count.
  func bytes<S: DataScalar>(_ d: Dataset<S>) -> ([UInt8], [UInt8], [String], LearningTask, Int?) {
    (d.features.withUnsafeBytes(Array.init), d.labels.withUnsafeBytes(Array.init), d.featureNames + [d.labelName],
     d.task, d.classCount)
  }

  func expectPreparedEqualsPipeline<S: DataScalar>(_ type: S.Type) throws {
    for (i, (spec, path)) in specs().enumerated() {
      let prepared = try DataPreparer.prepare(
        spec: spec, dataPath: path, outputDirectory: directory.path + "/out-\(S.dataType)-\(i)", as: S.self)
      let fitted = try DataPipeline(spec: spec, dataPath: path).fitted(as: S.self)
      let splits = fitted.splits
      #expect(prepared.split == splits.indices, "\(i)")
      #expect(bytes(prepared.train) == bytes(splits.train), "\(i)")
      #expect(bytes(prepared.validation) == bytes(splits.validation), "\(i)")
      #expect(bytes(prepared.test) == bytes(splits.test), "\(i)")
      #expect(prepared.statistics == fitted.statistics, "\(i)")
      #expect(prepared.preprocessing == fitted.preprocessing, "\(i)")
      #expect(prepared.report == splits.report, "\(i)")
      // The shards hold the pipeline's training rows, in order.
      let shards = try prepared.manifest.train.map { info throws(DataError) in
        try ShardReader.read(path: directory.path + "/out-\(S.dataType)-\(i)/" + info.file, as: S.self)
      }
      #expect(shards.flatMap(\.features).withUnsafeBytes(Array.init) == splits.train.features.withUnsafeBytes(Array.init), "\(i)")
      #expect(shards.flatMap(\.labels) == splits.train.labels, "\(i)")
    }
  }

  @Test func preparedData_isThePipelines_float32() throws { try expectPreparedEqualsPipeline(Float.self) }
  @Test func preparedData_isThePipelines_float64() throws { try expectPreparedEqualsPipeline(Double.self) }

  @Test func theReadStageReportsBeforeLaterStagesFail() {
    let path = directory.write("c.csv", "a,b,y\n1,7,1\n2,7,2\n3,7,3\n4,7,4\n")
    let spec = DataSpec(path: path, task: .regression, categorical: ["shade"])
    var seen: [String] = []
    let issues = thrownIssues { () throws(DataError) in
      _ = try DataPipeline(spec: spec, dataPath: path).fitted(as: Double.self) { seen += $0.issues.map(\.description) }
    }
    #expect(seen == [path + ": column 'b': is constant (every value is 7); it carries no information, and standardisation leaves it at 0"])
    #expect(issues == [path + ": column 'shade': is declared categorical but is not a column of the file; accepted: a feature column ('a', 'b')"])
  }
}
