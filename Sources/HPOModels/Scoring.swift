import HPOCore
import HPOData
import HPOLinearAlgebra

/// Turning a model's raw outputs into predictions and metrics: one code
/// path for the per-epoch validation metrics and for checkpoint prediction,
/// so they agree exactly.
enum Scoring {
  /// Added to clipped ridge scores before normalising them into probabilities.
  static let ridgeProbabilityFloor = 1e-3

  /// Predictions from the last layer's outputs (probabilities for softmax
  /// heads; linear scores for ridge and regression heads).
  static func prediction(
    _ outputs: Matrix<Double>, kind: ModelKind, task: LearningTask, shift: Double, scale: Double
  ) -> Prediction {
    switch task {
    case .classification:
      var probabilities = outputs
      if kind == .ridge {
        let k = outputs.columns
        probabilities.modifyElements { e in
          for i in 0..<outputs.rows {
            var sum = 0.0
            for j in 0..<k {
              let p = min(max(e[i * k + j], 0), 1) + ridgeProbabilityFloor
              e[i * k + j] = p
              sum += p
            }
            for j in 0..<k { e[i * k + j] /= sum }
          }
        }
      }
      return Prediction(task: task, outputs: probabilities, classes: Metrics.argmax(probabilities), values: [])
    case .regression:
      let values = outputs.elements.map { $0 * scale + shift }
      return Prediction(
        task: task, outputs: try! Matrix(rows: values.count, columns: 1, elements: values), classes: [], values: values)
    }
  }

  /// Every metric of the prediction's task against `labels`.
  static func metrics(_ p: Prediction, labels: [Double]) -> [Metric: Double] {
    switch p.task {
    case .classification: return Metrics.classification(probabilities: p.outputs, labels: labels.map { Int($0) })
    case .regression: return Metrics.regression(predictions: p.values, targets: labels)
    }
  }

  /// `dataset`'s features preprocessed (when `preprocessing` is given) and
  /// converted to `S`, as an n×d matrix (d the preprocessing's output count:
  /// one-hot encoding widens the rows).
  static func features<D: DataScalar, S: ModelScalar>(
    _ dataset: Dataset<D>, preprocessing: Preprocessing?, as type: S.Type
  ) -> Matrix<S> {
    let prepared = preprocessing.map { $0.apply(to: dataset) } ?? dataset
    return matrix(prepared.rowCount, prepared.featureCount, converted(prepared.features, to: S.self))
  }
}

extension ModelCheckpoint {
  /// The network the checkpoint describes, in precision `S`.
  func network<S: ModelScalar>(_ type: S.Type) throws(ModelError) -> Network<S> {
    var parameters: [Matrix<S>] = []
    for t in self.parameters {
      guard let m = t.matrix(S.self) else {
        throw ModelError(.checkpointMismatch, "the checkpoint's weights are \(precision.rawValue), not \(S.precision.rawValue)")
      }
      parameters.append(m)
    }
    let head: OutputHead = kind != .ridge && task == .classification ? .softmax : .regression
    return Network(sizes: layerSizes, activation: activation ?? .relu, head: head, parameters: parameters)
  }

  /// Predictions for the rows of `dataset` (its labels are ignored), from
  /// raw features: the stored preprocessing is applied first.
  /// - Throws: `.invalidData` when the feature count differs from the
  ///   model's raw input (``inputFeatureCount``).
  public func predict<D: DataScalar>(_ dataset: Dataset<D>) throws(ModelError) -> Prediction {
    guard dataset.featureCount == inputFeatureCount else {
      throw ModelError(.invalidData, "the model reads \(inputFeatureCount) features but the data has \(dataset.featureCount)")
    }
    // Convert (generic over the data's type), then predict in code generic
    // only over the model's precision, which the compiler specialises.
    switch precision {
    case .float32: return try predict(Scoring.features(dataset, preprocessing: preprocessing, as: Float.self))
    case .float64: return try predict(Scoring.features(dataset, preprocessing: preprocessing, as: Double.self))
    }
  }

  /// Predictions for `rows` rows of raw row-major `features`.
  /// - Throws: `.invalidData` unless `features.count == rows × inputFeatureCount`.
  public func predict<D: DataScalar>(features: [D], rows: Int) throws(ModelError) -> Prediction {
    let width = inputFeatureCount
    guard rows >= 0, features.count == rows * width else {
      throw ModelError(.invalidData, "\(features.count) values are not \(rows) rows of \(width) features")
    }
    let names = (0..<width).map { "x\($0)" }
    let dataset = Dataset(
      features: features, labels: [Double](repeating: 0, count: rows), featureNames: names, labelName: "label",
      task: task, classCount: classCount)
    return try predict(dataset)
  }

  /// Every metric of the model's task on `dataset` (raw features and labels).
  /// - Throws: `.invalidData` for a feature-count or task mismatch.
  public func evaluate<D: DataScalar>(_ dataset: Dataset<D>) throws(ModelError) -> [Metric: Double] {
    guard dataset.task == task else {
      throw ModelError(.invalidData, "a \(task.rawValue) model cannot be scored on \(dataset.task.rawValue) data")
    }
    if let k = classCount, dataset.labels.contains(where: { !($0 >= 0 && $0 < Double(k)) }) {
      throw ModelError(.invalidData, "the data has class labels outside 0..<\(k)")
    }
    return Scoring.metrics(try predict(dataset), labels: dataset.labels)
  }

  private func predict<S: ModelScalar>(_ x: Matrix<S>) throws(ModelError) -> Prediction {
    let net = try network(S.self)
    let outputs: Matrix<Double>
    do { outputs = try net.outputs(x) } catch { throw ModelError.wrapping(error) }
    return Scoring.prediction(outputs, kind: kind, task: task, shift: targetShift, scale: targetScale)
  }
}
