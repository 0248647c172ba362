import Foundation

/// Accumulates an ONNX graph's nodes and constant tensors (initializers) in
/// the order they are added, under names made of a readable stem and a
/// counter, so the same sequence of calls gives the same graph, byte for byte.
struct GraphBuilder {
  private(set) var nodes: [Onnx_NodeProto] = []
  private(set) var initializers: [Onnx_TensorProto] = []
  private var counter = 0

  /// A name not used before in this graph: `stem` and a running number.
  mutating func fresh(_ stem: String) -> String {
    defer { counter += 1 }
    return "\(stem)_\(counter)"
  }

  /// Adds a node of the default (ai.onnx) domain and returns its output's name.
  @discardableResult
  mutating func node(
    _ op: String, _ inputs: [String], _ stem: String, attributes: [Onnx_AttributeProto] = [],
    output: String? = nil
  ) -> String {
    let out = output ?? fresh(stem)
    var n = Onnx_NodeProto()
    n.opType = op
    n.name = "\(op)_\(nodes.count)"
    n.input = inputs
    n.output = [out]
    n.attribute = attributes
    nodes.append(n)
    return out
  }

  /// A float32 constant of `shape` (row-major); returns its name.
  mutating func constant(_ stem: String, floats: [Float], shape: [Int]) -> String {
    add(stem, type: .float, shape: shape, count: floats.count, raw: Self.littleEndian(floats.map(\.bitPattern)))
  }

  /// A float64 constant of `shape` (row-major); returns its name.
  mutating func constant(_ stem: String, doubles: [Double], shape: [Int]) -> String {
    add(stem, type: .double, shape: shape, count: doubles.count, raw: Self.littleEndian(doubles.map(\.bitPattern)))
  }

  /// An int64 constant of `shape` (row-major); returns its name.
  mutating func constant(_ stem: String, int64s: [Int64], shape: [Int]) -> String {
    add(stem, type: .int64, shape: shape, count: int64s.count, raw: Self.littleEndian(int64s))
  }

  private mutating func add(
    _ stem: String, type: Onnx_TensorProto.DataType, shape: [Int], count: Int, raw: Data
  ) -> String {
    precondition(shape.reduce(1, *) == count, "a constant's values must fill its shape")
    let name = fresh(stem)
    var t = Onnx_TensorProto()
    t.name = name
    t.dataType = Int32(type.rawValue)
    t.dims = shape.map { Int64($0) }
    t.rawData = raw
    initializers.append(t)
    return name
  }

  /// The words' bytes, least significant first (ONNX `raw_data`).
  private static func littleEndian<T: FixedWidthInteger>(_ words: [T]) -> Data {
    words.map(\.littleEndian).withUnsafeBytes { Data($0) }
  }
}

extension Onnx_AttributeProto {
  /// An integer attribute.
  static func int(_ name: String, _ value: Int) -> Onnx_AttributeProto {
    var a = Onnx_AttributeProto()
    a.name = name
    a.type = .int
    a.i = Int64(value)
    return a
  }
}

extension Onnx_ValueInfoProto {
  /// A dimension of a graph input or output: a fixed size or a named, free one.
  enum Dimension {
    case fixed(Int)
    case symbolic(String)
  }

  /// A tensor-typed graph input or output.
  static func tensor(
    _ name: String, _ type: Onnx_TensorProto.DataType, _ dims: [Dimension], doc: String
  ) -> Onnx_ValueInfoProto {
    var shape = Onnx_TensorShapeProto()
    shape.dim = dims.map { d in
      var dim = Onnx_TensorShapeProto.Dimension()
      switch d {
      case .fixed(let n): dim.dimValue = Int64(n)
      case .symbolic(let s): dim.dimParam = s
      }
      return dim
    }
    var tensor = Onnx_TypeProto.Tensor()
    tensor.elemType = Int32(type.rawValue)
    tensor.shape = shape
    var typeProto = Onnx_TypeProto()
    typeProto.tensorType = tensor
    var info = Onnx_ValueInfoProto()
    info.name = name
    info.type = typeProto
    info.docString = doc
    return info
  }
}
