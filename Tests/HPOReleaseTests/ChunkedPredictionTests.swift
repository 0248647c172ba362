import HPOCore
import HPOData
import HPODrift
import HPOModels
import Testing

@testable import HPORelease

/// `hpo drift` predicts a large file a chunk of rows at a time; the outputs
/// are those of one prediction of the whole file.
@Suite struct ChunkedPredictionTests {
  static func data(rows: Int, task: LearningTask) -> Dataset<Double> {
    var rng = SeededGenerator(seed: 11)
    var x = [Double](repeating: 0, count: rows * 3)
    var y = [Double](repeating: 0, count: rows)
    for i in 0..<rows {
      for j in 0..<3 { x[i * 3 + j] = Double(rng.next() % 1000) / 100 - 5 }
      let score = x[i * 3] - 0.5 * x[i * 3 + 1] + 0.1 * x[i * 3 + 2]
      y[i] = task == .classification ? (score > 0 ? 1 : 0) : score
    }
    return Dataset(
      features: x, labels: y, featureNames: ["a", "b", "c"], labelName: "y", task: task,
      classCount: task == .classification ? 2 : nil)
  }

  @Test(arguments: [(ModelKind.softmax, LearningTask.classification), (.ridge, .regression), (.mlp, .classification)])
  func chunks_giveTheOutputsOfOnePrediction(_ kind: ModelKind, _ task: LearningTask) throws {
    let train = Self.data(rows: 80, task: task)
    let outcome = try Trainer.train(
      model: ModelSpec(kind: kind, epochs: 3, precision: .float32), configuration: Configuration([:]),
      train: train, validation: train, preprocessing: try Preprocessing.fit(train), seed: 5)
    let checkpoint = try ModelCheckpoint(decoding: outcome.checkpointBytes)
    let profile = DataProfile(training: train, categorical: [], missing: .reject, seed: 0)
    let rows = Self.data(rows: 53, task: task)
    var csv = "a,b,c\n"
    for i in 0..<rows.rowCount { csv += (0..<3).map { "\(rows.features[i * 3 + $0])" }.joined(separator: ",") + "\n" }
    let input = try ProfiledInput.check(Array(csv.utf8), file: "new.csv", profile: profile)
    let whole = try ModelOutputs.predicting(checkpoint, input: input, profile: profile, chunk: 1000)
    let once = checkpoint.precision == .float32
      ? try checkpoint.predict(input.dataset(profile: profile, as: Float.self))
      : try checkpoint.predict(input.dataset(profile: profile, as: Double.self))
    #expect(whole == ModelOutputs(once, classCount: checkpoint.classCount))
    for chunk in [1, 7, 53] {
      #expect(try ModelOutputs.predicting(checkpoint, input: input, profile: profile, chunk: chunk) == whole, "chunk \(chunk)")
    }
  }
}
