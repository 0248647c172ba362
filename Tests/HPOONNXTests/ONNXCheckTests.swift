import Foundation
import HPOCore
import HPOData
import Testing

@testable import HPOModels
@testable import HPOONNX

/// ``ONNXCheck``: what hpo checks of a `model.onnx` a command wrote before it
/// goes into a package — every model hpo exports passes; bytes that are no
/// model, and models a runtime could not load, fail naming what is wrong.
@Suite struct ONNXCheckTests {
  static func exported(_ kind: ModelKind) throws -> [UInt8] {
    let d = try ONNXStructureTests.iris()
    let checkpoint = try Fixtures.train(kind, epochs: 2, kind == .mlp ? ["layers": .int(1)] : [:], train: d.train, validation: d.validation)
    return try ONNXExport.modelData(for: checkpoint)
  }

  @Test(arguments: [ModelKind.ridge, .softmax, .mlp])
  func everyExportedModel_loads(_ kind: ModelKind) throws {
    let summary = try ONNXCheck.check(try Self.exported(kind))
    #expect(summary.irVersion == 8 && summary.opsets == ["ai.onnx:17"])
    #expect(summary.inputs == [ONNXExport.inputName] && summary.nodes > 0)
  }

  @Test func notAModel_orAModelARuntimeCannotLoad_failsNamingWhy() throws {
    func failure(_ bytes: [UInt8]) -> String? {
      do {
        _ = try ONNXCheck.check(bytes)
        return nil
      } catch {
        return error.message
      }
    }
    #expect(failure(Array("this is not an ONNX model".utf8))?.hasPrefix("is not an ONNX model (onnx.ModelProto)") == true)
    #expect(failure([]) == "has no ir_version")
    let good = try Onnx_ModelProto(serializedBytes: try Self.exported(.softmax))

    var noOpset = good
    noOpset.opsetImport = []
    #expect(failure(try noOpset.serializedBytes()) == "imports no operator set (opset_import is empty)")

    var noGraph = good
    noGraph.clearGraph()
    #expect(failure(try noGraph.serializedBytes()) == "has no graph")

    var dangling = good
    dangling.graph.node[0].input[0] = "nowhere"
    let message = try #require(failure(try dangling.serializedBytes()))
    #expect(message.contains("reads 'nowhere', which no graph input, initializer or earlier node defines"), "\(message)")

    var reversed = good
    reversed.graph.node.reverse()
    #expect(failure(try reversed.serializedBytes())?.contains("which no graph input, initializer or earlier node defines") == true)

    var unproduced = good
    unproduced.graph.output[0].name = "ghost"
    #expect(failure(try unproduced.serializedBytes()) == "the graph output 'ghost' is computed by no node")

    // Truncated bytes of a good model are never accepted as one.
    let bytes = try good.serializedBytes() as [UInt8]
    #expect(failure(Array(bytes.prefix(bytes.count / 2))) != nil)
  }
}
