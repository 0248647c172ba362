import HPOCore
import HPOData
import HPOModels
import SwiftProtobuf

/// Exports a trained model and its fitted preprocessing as one ONNX graph
/// (`model.onnx` of a release package), so that any ONNX runtime predicts
/// from raw feature rows what ``HPOModels/ModelCheckpoint/predict(_:)`` does.
///
/// The graph (ai.onnx opset ``opsetVersion``, IR version ``irVersion``):
/// - input ``inputName``: float32 [N, `inputFeatureCount`], raw rows in the
///   training data's column order, NaN for a missing value;
/// - the preprocessing: imputation, standardisation (in float64, rounded once
///   to float32, as HPOData does for float32 data), one-hot encoding of categorical columns;
/// - the dense layers in float32 (float64 weights rounded to float32), the
///   hidden activation between them;
/// - outputs, classification: ``labelOutput`` int64 [N] (class index, the first
///   largest probability) and ``probabilitiesOutput`` float32 [N, K];
///   regression: ``predictionOutput`` float32 [N] (target scaling undone, in float64).
///
/// Agreement with `predict` on float32 rows is to float32 rounding of the
/// layers' arithmetic (measured in the tests: probabilities within 1e-4,
/// labels equal). The bytes are deterministic: the same checkpoint gives
/// the same file.
public enum ONNXExport {
  /// The ai.onnx operator set the graph imports.
  public static let opsetVersion = 17
  /// The ONNX IR version written in the model.
  public static let irVersion = 8
  /// `producer_name`; `producer_version` is ``HPOCore/HPOVersion/current``.
  public static let producerName = "hpo"
  /// The graph input: float32 [N, inputFeatureCount] raw rows.
  public static let inputName = "input"
  /// The symbolic batch dimension of the input and outputs.
  public static let batchDimension = "N"
  /// Classification output: int64 [N] class indices 0..<K.
  public static let labelOutput = "label"
  /// Classification output: float32 [N, K] class probabilities.
  public static let probabilitiesOutput = "probabilities"
  /// Regression output: float32 [N] predicted values.
  public static let predictionOutput = "prediction"

  /// The ONNX model (a serialised `onnx.ModelProto`) computing `checkpoint`'s
  /// predictions from raw rows; see the type's documentation for the graph.
  /// Metadata properties name the model kind, task, precision, feature and
  /// class counts, categorical columns and the checkpoint's embedded SHA-256
  /// (`hpo.checkpoint_digest`: the last 32 bytes of `model.hpoc`, hashing the rest).
  ///
  /// - Throws: ``ONNXExportError`` `.valueOutOfRange` (a weight or
  ///   preprocessing value that is not finite or does not fit float32),
  ///   `.unsupportedModel`, `.tooLarge` (over protobuf's 2 GiB), `.encoding`.
  public static func modelData(for checkpoint: ModelCheckpoint) throws(ONNXExportError) -> [UInt8] {
    guard checkpoint.kind != .function else {
      throw ONNXExportError(.unsupportedModel, "a function model has no weights to export; accepted: ridge, softmax, mlp")
    }
    let categories = checkpoint.preprocessing?.categorical.reduce(0) { $0 + $1.values.count } ?? 0
    let estimate = 4 * (checkpoint.parameterCount + categories) + 24 * checkpoint.inputFeatureCount
    guard estimate < Int(Int32.max) - (1 << 20) else {
      throw ONNXExportError(
        .tooLarge,
        "the model needs about \(estimate) bytes; an ONNX file without external data is limited to 2 GiB")
    }

    var g = GraphBuilder()
    let features = try checkpoint.preprocessing.map { p throws(ONNXExportError) in try g.preprocess(inputName, p) }
    let z = try g.dense(features ?? inputName, checkpoint.denseLayers, activation: checkpoint.hiddenActivation)
    g.readout(z, checkpoint.readout)

    var graph = Onnx_GraphProto()
    graph.name = "hpo_\(checkpoint.kind.rawValue)_\(checkpoint.task.rawValue)"
    graph.node = g.nodes
    graph.initializer = g.initializers
    graph.input = [
      .tensor(
        inputName, .float, [.symbolic(batchDimension), .fixed(checkpoint.inputFeatureCount)],
        doc: "raw feature rows in the training data's column order; NaN marks a missing value")
    ]
    switch checkpoint.task {
    case .classification:
      let k = checkpoint.classCount ?? 0
      graph.output = [
        .tensor(labelOutput, .int64, [.symbolic(batchDimension)], doc: "predicted class index, 0..<\(k)"),
        .tensor(
          probabilitiesOutput, .float, [.symbolic(batchDimension), .fixed(k)], doc: "class probabilities, rows sum to 1"),
      ]
    case .regression:
      graph.output = [.tensor(predictionOutput, .float, [.symbolic(batchDimension)], doc: "predicted target value")]
    }

    var model = Onnx_ModelProto()
    model.irVersion = Int64(irVersion)
    var opset = Onnx_OperatorSetIdProto()
    opset.domain = ""
    opset.version = Int64(opsetVersion)
    model.opsetImport = [opset]
    model.producerName = producerName
    model.producerVersion = HPOVersion.current
    model.modelVersion = 1
    model.docString = "hpo \(checkpoint.kind.rawValue) \(checkpoint.task.rawValue) model with its fitted preprocessing"
    model.metadataProps = metadata(checkpoint).map { key, value in
      var entry = Onnx_StringStringEntryProto()
      entry.key = key
      entry.value = value
      return entry
    }
    model.graph = graph

    var options = BinaryEncodingOptions()
    options.useDeterministicOrdering = true
    do {
      return try model.serializedBytes(options: options)
    } catch {
      throw ONNXExportError(.encoding, "swift-protobuf could not encode the model: \(error)")
    }
  }

  /// `hpo.*` metadata properties, in a fixed order.
  static func metadata(_ c: ModelCheckpoint) -> [(String, String)] {
    let digest = c.encoded().suffix(32).map { byte in
      let hex = String(byte, radix: 16)
      return byte < 16 ? "0" + hex : hex
    }.joined()
    var out: [(String, String)] = [
      ("hpo.model_kind", c.kind.rawValue),
      ("hpo.task", c.task.rawValue),
      ("hpo.precision", c.precision.rawValue),
      ("hpo.input_features", String(c.inputFeatureCount)),
      ("hpo.model_features", String(c.featureCount)),
    ]
    if let k = c.classCount { out.append(("hpo.classes", String(k))) }
    if let categorical = c.preprocessing?.categorical, !categorical.isEmpty {
      out.append(("hpo.categorical_columns", categorical.map { "\($0.column):\($0.name)" }.joined(separator: ",")))
    }
    out.append(("hpo.checkpoint_digest", digest))
    return out
  }
}
