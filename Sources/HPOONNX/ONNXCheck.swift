import SwiftProtobuf

/// Whether an ONNX file someone else wrote (a command model's `model.onnx`)
/// is a model a runtime can load: hpo runs no ONNX runtime, so it checks
/// what loading needs — a decodable `onnx.ModelProto` with an IR version and
/// an operator set, a graph with inputs, outputs and nodes, and every node
/// input defined before it is used (by a graph input, an initializer or an
/// earlier node's output), as ONNX requires of a topologically sorted graph.
public enum ONNXCheck {
  /// What was found in a model that loads.
  public struct Summary: Sendable, Equatable {
    public var irVersion: Int64
    /// `domain:version` of each imported operator set (`ai.onnx` for the empty domain).
    public var opsets: [String]
    public var inputs: [String]
    public var outputs: [String]
    public var nodes: Int
  }

  /// Checks `bytes` (see the type's documentation).
  /// - Throws: ``ONNXExportError`` `.encoding` naming what is wrong.
  public static func check(_ bytes: [UInt8]) throws(ONNXExportError) -> Summary {
    let model: Onnx_ModelProto
    do { model = try Onnx_ModelProto(serializedBytes: bytes) } catch {
      throw ONNXExportError(.encoding, "is not an ONNX model (onnx.ModelProto): \(error)")
    }
    guard model.irVersion > 0 else { throw ONNXExportError(.encoding, "has no ir_version") }
    guard !model.opsetImport.isEmpty else { throw ONNXExportError(.encoding, "imports no operator set (opset_import is empty)") }
    guard model.hasGraph else { throw ONNXExportError(.encoding, "has no graph") }
    let graph = model.graph
    guard !graph.input.isEmpty, !graph.output.isEmpty else {
      throw ONNXExportError(.encoding, "its graph has \(graph.input.count) inputs and \(graph.output.count) outputs; a model needs at least one of each")
    }
    guard !graph.node.isEmpty else { throw ONNXExportError(.encoding, "its graph has no nodes") }
    var defined = Set(graph.input.map(\.name)).union(graph.initializer.map(\.name)).union(graph.sparseInitializer.map(\.values.name))
    for (i, node) in graph.node.enumerated() {
      guard !node.opType.isEmpty else { throw ONNXExportError(.encoding, "node \(i) (\(node.name)) has no op_type") }
      for input in node.input where !input.isEmpty && !defined.contains(input) {
        throw ONNXExportError(.encoding, "node \(i) (\(node.opType) \(node.name)) reads '\(input)', which no graph input, initializer or earlier node defines")
      }
      defined.formUnion(node.output)
    }
    for output in graph.output where !defined.contains(output.name) {
      throw ONNXExportError(.encoding, "the graph output '\(output.name)' is computed by no node")
    }
    return Summary(
      irVersion: model.irVersion,
      opsets: model.opsetImport.map { "\($0.domain.isEmpty ? "ai.onnx" : $0.domain):\($0.version)" },
      inputs: graph.input.map(\.name), outputs: graph.output.map(\.name), nodes: graph.node.count)
  }
}
