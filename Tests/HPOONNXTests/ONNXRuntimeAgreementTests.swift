import Foundation
import HPOCore
import HPOData
import HPOModels
import Testing

@testable import HPOONNX

/// Each model kind, trained here on the bundled data, exported to ONNX and
/// run by onnxruntime (Python) on raw float32 rows the model never saw,
/// predicts what `ModelCheckpoint.predict` predicts on the same rows.
/// These tests fail (they do not skip) when onnxruntime is missing.
@Suite(.serialized) struct ONNXRuntimeAgreementTests {
  @Test func ridgeRegression_diabetes() throws {
    let d = try Fixtures.splits("diabetes.csv", task: .regression)
    let checkpoint = try Fixtures.train(.ridge, ["alpha": .float(0.5)], train: d.train, validation: d.validation)
    try expectAgreement(checkpoint, rows: d.test.features)
  }

  @Test func ridgeClassification_iris_clippedScores() throws {
    let d = try Fixtures.splits("iris.csv", task: .classification)
    let checkpoint = try Fixtures.train(.ridge, train: d.train, validation: d.validation)
    #expect(checkpoint.readout == .clippedScores(floor: 1e-3))
    try expectAgreement(checkpoint, rows: d.test.features + d.validation.features)
  }

  @Test func softmax_iris() throws {
    let d = try Fixtures.splits("iris.csv", task: .classification)
    let checkpoint = try Fixtures.train(
      .softmax, epochs: 30, ["optimizer": .string("lbfgs")], train: d.train, validation: d.validation)
    try expectAgreement(checkpoint, rows: d.test.features + d.validation.features)
  }

  /// The digits MLP (two relu hidden layers), with the export's time and size.
  @Test func mlp_digits_twoReluLayers() throws {
    let d = try Fixtures.splits("digits.csv", task: .classification)
    let checkpoint = try Fixtures.train(
      .mlp, epochs: 8, ["layers": .int(2), "hidden_units": .int(64)], train: d.train, validation: d.validation)
    #expect(checkpoint.denseLayers.map(\.outputCount) == [64, 64, 10])
    let clock = ContinuousClock()
    var bytes: [UInt8] = []
    let elapsed = try clock.measure { bytes = try ONNXExport.modelData(for: checkpoint) }
    let worst = try expectAgreement(checkpoint, rows: d.test.features)
    let ms = Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1e3
    print(
      "digits mlp (64-64-64-10, \(checkpoint.parameterCount) parameters): export \(ms) ms, \(bytes.count) bytes, "
        + "\(d.test.rowCount) test rows, largest probability difference onnxruntime vs predict \(worst)")
    // float32 weights dominate the file: 4 bytes each, plus a few KB of graph and preprocessing.
    #expect(bytes.count >= 4 * checkpoint.parameterCount && bytes.count < 4 * checkpoint.parameterCount + 8_192)
  }

  @Test(arguments: [Activation.tanh, .gelu])
  func mlpRegression_diabetes_otherActivations(_ activation: Activation) throws {
    let d = try Fixtures.splits("diabetes.csv", task: .regression)
    let checkpoint = try Fixtures.train(
      .mlp, epochs: 20, ["layers": .int(3), "hidden_units": .int(16), "activation": .string(activation.rawValue)],
      train: d.train, validation: d.validation)
    #expect(checkpoint.hiddenActivation == activation)
    try expectAgreement(checkpoint, rows: d.test.features)
  }

  @Test func mlpFloat64_iris_gelu() throws {
    let d = try Fixtures.splits("iris.csv", task: .classification)
    let preprocessing = try Preprocessing.fit(d.train)
    let checkpoint = try Trainer.train(
      model: ModelSpec(kind: .mlp, epochs: 30, precision: .float64),
      configuration: Configuration(["activation": .string("gelu"), "hidden_units": .int(8)]), train: d.train,
      validation: d.validation, preprocessing: preprocessing, seed: 0
    ).checkpoint
    #expect(checkpoint.precision == .float64)
    try expectAgreement(checkpoint, rows: d.test.features + d.validation.features)
  }

  /// A model trained without preprocessing reads the raw rows directly.
  @Test func withoutPreprocessing_rawRowsGoStraightToTheLayers() throws {
    let d = try Fixtures.splits("wine.csv", task: .classification)
    let checkpoint = try Trainer.train(
      model: ModelSpec(kind: .softmax, epochs: 20), configuration: Configuration(["optimizer": .string("lbfgs")]),
      train: d.train, validation: d.validation, seed: 0
    ).checkpoint
    #expect(checkpoint.preprocessing == nil)
    let graph = try Onnx_ModelProto(serializedBytes: try ONNXExport.modelData(for: checkpoint)).graph
    #expect(graph.node.first?.opType == "Gemm" && graph.node.first?.input.first == "input")
    try expectAgreement(checkpoint, rows: d.test.features)
  }

  /// Missing values imputed with the training split's mean or median: rows
  /// with NaN cells (in every column) predict as `predict` imputes them.
  @Test(arguments: [MissingPolicy.mean, .median])
  func imputation_rowsWithMissingValues(_ policy: MissingPolicy) throws {
    var d = try Fixtures.splits("diabetes.csv", task: .regression)
    func punch(_ data: inout Dataset<Float>, every step: Int) {
      let width = data.featureCount
      for i in stride(from: 0, to: data.rowCount, by: step) { data.features[i * width + (i / step) % width] = .nan }
    }
    punch(&d.train, every: 5)
    punch(&d.test, every: 2)
    let checkpoint = try Fixtures.train(.ridge, train: d.train, validation: d.validation, missing: policy)
    let imputation = try #require(checkpoint.preprocessing?.imputation)
    #expect(imputation.strategy == policy)
    #expect(d.test.features.contains { $0.isNaN })
    try expectAgreement(checkpoint, rows: d.test.features)
    // A row of nothing but missing values is the imputed row.
    try expectAgreement(checkpoint, rows: [Float](repeating: .nan, count: checkpoint.inputFeatureCount))
  }

  /// A CSV with two categorical columns (numeric codes) and missing cells:
  /// the export one-hot encodes them as `predict` does, including an unseen
  /// code (all zeros) and a missing code (imputed with the most frequent).
  @Test func categoricalColumns_oneHotWithMissingAndUnseenCodes() throws {
    let dir = try Fixtures.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    var rng = SeededGenerator(seed: 11)
    var lines = ["x,colour,size,y"]
    let colours = [1.0, 2.0, 3.0, 7.0]
    for i in 0..<300 {
      let colour = colours[i % 4]
      let size = i % 3 == 0 ? 10 : 20
      let x = 2 * rng.nextUnit() - 1
      // Class from colour, not monotone in its code: only the one-hot separates it.
      let y = (colour == 2 || colour == 7 ? 1 : 0) + (size == 10 && x > 0 ? 1 : 0)
      let xText = i % 17 == 0 ? "" : String(x)
      let colourText = i % 23 == 0 ? "" : String(colour)
      lines.append("\(xText),\(colourText),\(size),\(y)")
    }
    let path = dir.appendingPathComponent("shapes.csv").path
    try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)

    let d = try Fixtures.splits(path: path, task: .classification, missing: .mean)
    let checkpoint = try Fixtures.train(
      .softmax, epochs: 40, ["optimizer": .string("lbfgs")], train: d.train, validation: d.validation,
      missing: .mean, categorical: ["colour", "size"])
    let preprocessing = try #require(checkpoint.preprocessing)
    #expect(preprocessing.categorical.map(\.name) == ["colour", "size"])
    #expect(preprocessing.categorical.map(\.values) == [[1, 2, 3, 7], [10, 20]])
    #expect(checkpoint.inputFeatureCount == 3 && checkpoint.featureCount == 7)
    #expect(try #require(checkpoint.evaluate(d.test)[.accuracy]) > 0.9, "the one-hot encoding is what separates the classes")

    let extra: [Float] = [
      0.5, 5, 10,  // unseen colour code
      0.5, .nan, 10,  // missing colour: the most frequent
      .nan, 2, 20,  // missing x: the mean
      -0.3, 7, 30,  // unseen size code
      0.25, -0.0, 20,  // −0 is not a category here
    ]
    try expectAgreement(checkpoint, rows: d.test.features + extra)
  }
}
