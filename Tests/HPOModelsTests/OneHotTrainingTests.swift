import HPOCore
import HPOData
import Testing

@testable import HPOModels

/// A categorical column declared in the data spec reaches the model and its
/// checkpoint: the classes are separable only through the column's one-hot
/// encoding, and prediction from the stored checkpoint on raw rows applies
/// the same encoding.
@Suite struct OneHotTrainingTests {
  /// Codes 10, 20, …, 60 with class code/10 mod 3 (not monotone in the code,
  /// so a linear model on the standardised code cannot separate the classes),
  /// plus a noise feature.
  static func data(rows: Int, seed: UInt64) -> Dataset<Double> {
    var rng = SeededGenerator(seed: seed)
    var x: [Double] = []
    var labels: [Double] = []
    for i in 0..<rows {
      let code = 10 * Double(1 + i % 6)
      x += [Network<Double>.normal(&rng), code]
      labels.append(Double((1 + i % 6) % 3))
    }
    return Dataset(
      features: x, labels: labels, featureNames: ["noise", "code"], labelName: "y", task: .classification,
      classCount: 3)
  }

  @Test func softmax_needsTheOneHot_andTheCheckpointPredictsRawRowsAsTrained() throws {
    let train = Self.data(rows: 240, seed: 5)
    let validation = Self.data(rows: 60, seed: 6)
    let model = ModelSpec(kind: .softmax, epochs: 30)
    let config = Configuration(["optimizer": .string("lbfgs")])
    func run(_ categorical: [String]) throws -> TrainingOutcome {
      try Trainer.train(
        model: model, configuration: config, train: train, validation: validation,
        preprocessing: try Preprocessing.fit(train, categorical: categorical, file: "synthetic"), seed: 3)
    }
    let numeric = try run([])
    let oneHot = try run(["code"])
    #expect(try #require(numeric.metrics[.accuracy]) < 0.8)
    #expect(try #require(oneHot.metrics[.accuracy]) >= 0.98)

    let bytes = oneHot.checkpointBytes
    #expect(bytes[8] == 2, "a checkpoint with categorical columns is format version 2")
    #expect(numeric.checkpointBytes[8] == 1, "one without them stays version 1")
    let restored = try ModelCheckpoint(decoding: bytes)
    #expect(restored.encoded() == bytes)
    #expect(restored.preprocessing?.categorical == [.init(column: 1, name: "code", values: [10, 20, 30, 40, 50, 60])])
    #expect(restored.inputFeatureCount == 2 && restored.featureCount == 7)
    // Raw rows in, the training-time evaluation out.
    #expect(try restored.evaluate(validation) == oneHot.metrics)
    #expect(try Trainer.evaluate(checkpoint: bytes, data: validation) == oneHot.metrics)
    let fromRows = try restored.predict(features: validation.features, rows: validation.rowCount)
    #expect(fromRows.classes == (try oneHot.checkpoint.predict(validation)).classes)
    #expect(fromRows.outputs.elements == (try oneHot.checkpoint.predict(validation)).outputs.elements)
    #expect(fromRows.classes == validation.classIndices)
  }
}
