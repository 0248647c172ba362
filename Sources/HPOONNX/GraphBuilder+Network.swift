import HPOModels

extension GraphBuilder {
  /// Appends the dense layers on float32 `features` (N × inputs) and returns
  /// the last layer's float32 outputs z (N × K): per layer `Gemm(a, W, b)`
  /// with W and b rounded to float32, and `activation` between layers
  /// (`Relu`, `Tanh`, or GELU as `0.5·z·(1 + Erf(z/√2))`, opset 17 having no `Gelu`).
  ///
  /// - Throws: `.valueOutOfRange` for a weight that is not finite or
  ///   overflows float32; `.unsupportedModel` for hidden layers without an activation.
  mutating func dense(
    _ features: String, _ layers: [ModelCheckpoint.DenseLayer], activation: Activation?
  ) throws(ONNXExportError) -> String {
    var a = features
    for (l, layer) in layers.enumerated() {
      let w = try ExportValues.float32(layer.weights) { i in
        "weight [\(i / layer.outputCount), \(i % layer.outputCount)] of layer \(l)"
      }
      let b = try ExportValues.float32(layer.bias) { "bias \($0) of layer \(l)" }
      let weights = constant("layer\(l)_weight", floats: w, shape: [layer.inputCount, layer.outputCount])
      let bias = constant("layer\(l)_bias", floats: b, shape: [layer.outputCount])
      let z = node("Gemm", [a, weights, bias], "layer\(l)_z")
      guard l < layers.count - 1 else { return z }
      guard let activation else {
        throw ONNXExportError(.unsupportedModel, "a \(layers.count)-layer model without a hidden activation; accepted: relu, tanh, gelu")
      }
      a = activate(z, activation, stem: "layer\(l)_\(activation.rawValue)")
    }
    return a
  }

  private mutating func activate(_ z: String, _ f: Activation, stem: String) -> String {
    switch f {
    case .relu: return node("Relu", [z], stem)
    case .tanh: return node("Tanh", [z], stem)
    case .gelu:
      // The order of HPOModels' kernel: (0.5·z)·(1 + erf(z·(1/√2))).
      let half = node("Mul", [z, constant("gelu_half", floats: [0.5], shape: [])], stem + "_halfz")
      let scaled = node("Mul", [z, constant("gelu_rsqrt2", floats: [0.70710678118654752440], shape: [])], stem + "_zs")
      let erf = node("Erf", [scaled], stem + "_erf")
      let onePlus = node("Add", [erf, constant("gelu_one", floats: [1], shape: [])], stem + "_1erf")
      return node("Mul", [half, onePlus], stem)
    }
  }

  /// Appends the readout of the last layer's outputs `z` (N × K) under the
  /// graph output names of ``ONNXExport``: `label` (int64, the first largest
  /// probability, as `ArgMax`) and `probabilities` (float32 N × K) for
  /// classification; `prediction` (float32 N, `z·scale + shift` in float64) for regression.
  mutating func readout(_ z: String, _ rule: ModelCheckpoint.Readout) {
    let float = Onnx_TensorProto.DataType.float.rawValue
    let double = Onnx_TensorProto.DataType.double.rawValue
    switch rule {
    case .softmax:
      let p = node("Softmax", [z], "", attributes: [.int("axis", 1)], output: ONNXExport.probabilitiesOutput)
      label(p)
    case .clippedScores(let floor):
      let low = constant("clip_min", floats: [0], shape: [])
      let high = constant("clip_max", floats: [1], shape: [])
      let clipped = node("Clip", [z, low, high], "clipped")
      let floored = node("Add", [clipped, constant("probability_floor", floats: [Float(floor)], shape: [])], "floored")
      let axis = constant("class_axis", int64s: [1], shape: [1])
      let total = node("ReduceSum", [floored, axis], "row_sum", attributes: [.int("keepdims", 1)])
      let p = node("Div", [floored, total], "", output: ONNXExport.probabilitiesOutput)
      label(p)
    case .regression(let shift, let scale):
      let wide = node("Cast", [z], "z_double", attributes: [.int("to", double)])
      let scaled = node("Mul", [wide, constant("target_scale", doubles: [scale], shape: [])], "z_scaled")
      let shifted = node("Add", [scaled, constant("target_shift", doubles: [shift], shape: [])], "z_shifted")
      let narrow = node("Cast", [shifted], "prediction_column", attributes: [.int("to", float)])
      let flat = constant("flat_shape", int64s: [-1], shape: [1])
      node("Reshape", [narrow, flat], "", output: ONNXExport.predictionOutput)
    }
  }

  private mutating func label(_ probabilities: String) {
    node(
      "ArgMax", [probabilities], "", attributes: [.int("axis", 1), .int("keepdims", 0), .int("select_last_index", 0)],
      output: ONNXExport.labelOutput)
  }
}
