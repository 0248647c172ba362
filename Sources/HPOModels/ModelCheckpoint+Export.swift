import HPOCore

/// Read-only views of what a checkpoint computes, for exporters (HPOONNX)
/// that rebuild ``ModelCheckpoint/predict(_:)`` elsewhere: the dense layers
/// with their exact weights, the hidden activation and how the last layer's
/// outputs become predictions. The preprocessing is ``ModelCheckpoint/preprocessing``.
///
/// Prediction on raw rows `x` is: `a₀ = preprocessing(x)` (or `x` without
/// one), `zₗ = aₗ·Wₗ + bₗ` for each of ``denseLayers``, `aₗ₊₁ = f(zₗ)` between
/// layers with f = ``hiddenActivation``, then ``readout`` applied to the last `z`.
extension ModelCheckpoint {
  /// One fully connected layer, z = a·W + b on a batch a with one row per sample.
  public struct DenseLayer: Sendable, Equatable {
    /// Units read (rows of ``weights``).
    public var inputCount: Int
    /// Units written (columns of ``weights``, entries of ``bias``).
    public var outputCount: Int
    /// W, row-major `inputCount × outputCount`, exactly as stored (float32
    /// weights widen to `Double` without loss).
    public var weights: [Double]
    /// b, `outputCount` entries.
    public var bias: [Double]
  }

  /// How the last layer's outputs z (N×K) become what ``ModelCheckpoint/predict(_:)`` returns.
  public enum Readout: Sendable, Equatable {
    /// Class probabilities softmax(z) per row; the class is the first
    /// largest probability (softmax and mlp classifiers).
    case softmax
    /// Ridge classification: p = min(max(z, 0), 1) + floor, divided by its
    /// row sum; the class is the first largest p.
    case clippedScores(floor: Double)
    /// Regression: the value z·scale + shift (K = 1), undoing the target
    /// standardisation training used.
    case regression(shift: Double, scale: Double)
  }

  /// The model's layers, input first: ``featureCount`` inputs to the first,
  /// K (classes) or 1 (regression) outputs from the last.
  public var denseLayers: [DenseLayer] {
    (0..<(layerSizes.count - 1)).map { l in
      DenseLayer(
        inputCount: layerSizes[l], outputCount: layerSizes[l + 1], weights: parameters[2 * l].doubles,
        bias: parameters[2 * l + 1].doubles)
    }
  }

  /// The activation between layers; `nil` for one-layer models (ridge, softmax).
  public var hiddenActivation: Activation? { layerSizes.count > 2 ? activation : nil }

  /// The output rule of this checkpoint's kind and task.
  public var readout: Readout {
    switch task {
    case .classification: return kind == .ridge ? .clippedScores(floor: Scoring.ridgeProbabilityFloor) : .softmax
    case .regression: return .regression(shift: targetShift, scale: targetScale)
    }
  }
}
