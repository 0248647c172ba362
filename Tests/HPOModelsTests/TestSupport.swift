import HPOCore
import HPOData
import HPOLinearAlgebra
@testable import HPOModels

/// Paths and small fixtures shared by the model tests.
enum Fixtures {
  /// The repository root, from this file's path (Tests/HPOModelsTests/…).
  static let root: String = {
    var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
    parts.removeLast(3)
    return parts.joined(separator: "/")
  }()

  static func dataPath(_ name: String) -> String { root + "/Experiments/data/" + name }

  /// A bundled CSV split as the experiments split it (validation 0.2, test
  /// 0.2, seed 0), with preprocessing fitted on the training split.
  struct Splits<S: DataScalar> {
    var train: Dataset<S>
    var validation: Dataset<S>
    var test: Dataset<S>
    var preprocessing: Preprocessing
  }

  static func splits<S: DataScalar>(
    _ file: String, task: LearningTask, as type: S.Type, seed: UInt64 = 0
  ) throws -> Splits<S> {
    let loaded = try CSVReader.read(path: dataPath(file), options: CSVReadOptions(task: task), as: S.self)
    let d = loaded.dataset
    let idx = try DataSplitter.split(d, spec: SplitSpec(validation: 0.2, test: 0.2, seed: seed))
    let train = d.rows(idx.train)
    return Splits(
      train: train, validation: d.rows(idx.validation), test: d.rows(idx.test),
      preprocessing: try Preprocessing.fit(train))
  }

  /// A small random classification problem: `rows` rows of `features`
  /// Gaussian features, labels from a random linear rule over `classes`.
  static func blobs(rows: Int, features: Int, classes: Int, seed: UInt64) -> Dataset<Double> {
    var rng = SeededGenerator(seed: seed)
    var x = [Double](repeating: 0, count: rows * features)
    var labels = [Double](repeating: 0, count: rows)
    let centres = (0..<(classes * features)).map { _ in 2 * rng.nextUnit() - 1 }
    for i in 0..<rows {
      let c = i % classes
      labels[i] = Double(c)
      for j in 0..<features { x[i * features + j] = 2 * centres[c * features + j] + Network<Double>.normal(&rng) }
    }
    return Dataset(
      features: x, labels: labels, featureNames: (0..<features).map { "f\($0)" }, labelName: "y",
      task: .classification, classCount: classes)
  }

  /// A small random regression problem with a noisy linear target.
  static func linear(rows: Int, features: Int, seed: UInt64) -> Dataset<Double> {
    var rng = SeededGenerator(seed: seed)
    var x = [Double](repeating: 0, count: rows * features)
    var y = [Double](repeating: 0, count: rows)
    let w = (0..<features).map { _ in Network<Double>.normal(&rng) }
    for i in 0..<rows {
      var t = 3.0
      for j in 0..<features {
        let v = Network<Double>.normal(&rng)
        x[i * features + j] = v
        t += w[j] * v
      }
      y[i] = 10 * (t + 0.1 * Network<Double>.normal(&rng))
    }
    return Dataset(
      features: x, labels: y, featureNames: (0..<features).map { "f\($0)" }, labelName: "y", task: .regression,
      classCount: nil)
  }
}
