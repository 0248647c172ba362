import Foundation
import HPOCore
import HPOData
import Testing

@testable import HPOModels
@testable import HPOONNX

/// The exported bytes decoded back into an `onnx.ModelProto` (no Python
/// needed): header, opset, graph input and outputs, node order, determinism,
/// and the errors for values float32 cannot hold.
@Suite struct ONNXStructureTests {
  static func iris() throws -> (train: Dataset<Float>, validation: Dataset<Float>, test: Dataset<Float>) {
    try Fixtures.splits("iris.csv", task: .classification)
  }

  static func decoded(_ checkpoint: ModelCheckpoint) throws -> Onnx_ModelProto {
    try Onnx_ModelProto(serializedBytes: try ONNXExport.modelData(for: checkpoint))
  }

  /// (name, element type, dims) of a graph input or output; a symbolic dim as its name.
  static func signature(_ v: Onnx_ValueInfoProto) -> (String, Int32, [String]) {
    let t = v.type.tensorType
    return (
      v.name, t.elemType,
      t.shape.dim.map { d in
        if case .dimParam(let p)? = d.value { return p }
        return String(d.dimValue)
      }
    )
  }

  /// Operators of the default domain whose latest version is at most opset 17.
  static let opset17Operators: Set<String> = [
    "IsNaN", "Where", "Cast", "Sub", "Div", "Gather", "Equal", "Concat", "Gemm", "Relu", "Tanh", "Mul", "Add",
    "Erf", "Softmax", "Clip", "ReduceSum", "ArgMax", "Reshape",
  ]

  /// Every node reads only the graph input, initializers or earlier nodes' outputs, and
  /// uses an ai.onnx operator of opset ≤ 17; every graph output is produced.
  static func checkGraph(_ g: Onnx_GraphProto) {
    var defined = Set(g.input.map(\.name) + g.initializer.map(\.name))
    for n in g.node {
      #expect(n.domain.isEmpty && opset17Operators.contains(n.opType), "operator \(n.domain):\(n.opType)")
      for input in n.input { #expect(defined.contains(input), "\(n.name) reads \(input) before it is defined") }
      for output in n.output {
        #expect(!defined.contains(output), "\(output) is defined twice")
        defined.insert(output)
      }
    }
    for o in g.output { #expect(defined.contains(o.name), "output \(o.name) is never computed") }
    #expect(Set(g.node.map(\.name)).count == g.node.count, "node names are unique")
  }

  @Test func classifier_headerInputAndOutputs() throws {
    let d = try Self.iris()
    let checkpoint = try Fixtures.train(.mlp, epochs: 2, ["layers": .int(2)], train: d.train, validation: d.validation)
    let model = try Self.decoded(checkpoint)
    #expect(model.irVersion == 8)
    #expect(model.opsetImport.map { "\($0.domain):\($0.version)" } == [":17"])
    #expect(model.producerName == "hpo" && model.producerVersion == HPOVersion.current)
    let g = model.graph
    #expect(g.input.map(Self.signature).map { "\($0.0) \($0.1) \($0.2)" } == ["input 1 [\"N\", \"4\"]"])
    #expect(
      g.output.map(Self.signature).map { "\($0.0) \($0.1) \($0.2)" } == [
        "label 7 [\"N\"]", "probabilities 1 [\"N\", \"3\"]",
      ])
    Self.checkGraph(g)
    #expect(g.node.filter { $0.opType == "Gemm" }.count == 3)
    #expect(g.node.filter { $0.opType == "Relu" }.count == 2)
    let metadata = Dictionary(uniqueKeysWithValues: model.metadataProps.map { ($0.key, $0.value) })
    #expect(metadata["hpo.model_kind"] == "mlp" && metadata["hpo.task"] == "classification")
    #expect(metadata["hpo.classes"] == "3" && metadata["hpo.input_features"] == "4")
    let digest = checkpoint.encoded().suffix(32).map { String(format: "%02x", $0) }.joined()
    #expect(metadata["hpo.checkpoint_digest"] == digest)
  }

  @Test func regression_onePredictionOutput_andWeightsAsFloat32() throws {
    let d = try Fixtures.splits("diabetes.csv", task: .regression)
    let checkpoint = try Fixtures.train(.ridge, train: d.train, validation: d.validation)
    let model = try Self.decoded(checkpoint)
    let g = model.graph
    #expect(g.input.map(Self.signature).map { "\($0.0) \($0.1) \($0.2)" } == ["input 1 [\"N\", \"10\"]"])
    #expect(g.output.map(Self.signature).map { "\($0.0) \($0.1) \($0.2)" } == ["prediction 1 [\"N\"]"])
    Self.checkGraph(g)
    // The ridge weights (float64 in the checkpoint) are stored as float32, rounded once.
    let layer = try #require(checkpoint.denseLayers.first)
    let w = try #require(g.initializer.first { $0.name.hasPrefix("layer0_weight") })
    #expect(w.dataType == 1 && w.dims == [10, 1])
    let stored = stride(from: 0, to: w.rawData.count, by: 4).map { i in
      Float(bitPattern: w.rawData[i..<(i + 4)].reversed().reduce(UInt32(0)) { $0 << 8 | UInt32($1) })
    }
    #expect(stored == layer.weights.map { Float($0) })
  }

  @Test func sameCheckpoint_sameBytes() throws {
    let d = try Self.iris()
    let checkpoint = try Fixtures.train(
      .softmax, epochs: 3, train: d.train, validation: d.validation, missing: .mean)
    let first = try ONNXExport.modelData(for: checkpoint)
    let again = try ONNXExport.modelData(for: try ModelCheckpoint(decoding: checkpoint.encoded()))
    #expect(first == again)
    let retrained = try Fixtures.train(.softmax, epochs: 3, train: d.train, validation: d.validation, missing: .mean)
    #expect(try ONNXExport.modelData(for: retrained) == first, "seeded training and export are both deterministic")
  }

  @Test func weightBeyondFloat32_isRejectedNamingIt() throws {
    let d = try Self.iris()
    var checkpoint = try Fixtures.train(.ridge, train: d.train, validation: d.validation)
    var values = checkpoint.parameters[0].doubles
    values[5] = 1e39
    checkpoint.parameters[0] = Tensor(rows: 4, columns: 3, storage: .float64(values))
    #expect(throws: ONNXExportError(
      .valueOutOfRange,
      "weight [1, 2] of layer 0 is 1e+39; accepted: finite values within float32's range (±3.4e38)")
    ) { try ONNXExport.modelData(for: checkpoint) }
  }

  @Test func preprocessingValuesThatCannotBeExported_areRejected() throws {
    let d = try Self.iris()
    var checkpoint = try Fixtures.train(.ridge, train: d.train, validation: d.validation)
    var p = try #require(checkpoint.preprocessing)
    p.standardization.means[2] = .infinity
    checkpoint.preprocessing = p
    #expect(throws: ONNXExportError(
      .valueOutOfRange, "the standardisation mean of input feature 2 is inf; accepted: finite values")
    ) { try ONNXExport.modelData(for: checkpoint) }

    p.standardization.means[2] = 0
    p.categorical = [.init(column: 1, name: "code", values: [16_777_216, 16_777_217])]
    checkpoint.preprocessing = p
    #expect(throws: ONNXExportError(
      .valueOutOfRange,
      "categories 16777216.0 and 16777216.0 of column 'code' are equal in float32, the ONNX input's type; accepted: categories distinct as float32")
    ) { try ONNXExport.modelData(for: checkpoint) }
  }
}
