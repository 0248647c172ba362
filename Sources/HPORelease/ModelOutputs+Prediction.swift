import HPOCore
import HPOData
import HPODrift
import HPOModels

extension ModelOutputs {
  /// The outputs of `prediction`: classes or values.
  public init(_ prediction: Prediction, classCount: Int?) {
    switch prediction.task {
    case .classification: self = .classification(prediction.classes, classCount: classCount ?? prediction.outputs.columns)
    case .regression: self = .regression(prediction.values)
    }
  }

  /// `checkpoint`'s outputs on the raw rows of `input` (read against
  /// `profile`), in the model's precision (as `hpo predict` computes them).
  /// Predicts `chunk` rows at a time, so that the rows are never copied
  /// whole into the model's layout (a million rows of 100 features would
  /// take another 800 MB); the outputs are those of one prediction of every row.
  public static func predicting(
    _ checkpoint: ModelCheckpoint, input: ProfiledInput, profile: DataProfile, chunk: Int = predictionChunk
  ) throws(ModelError) -> ModelOutputs {
    precondition(chunk > 0, "a chunk holds at least one row")
    var classes: [Int] = []
    var values: [Double] = []
    var classCount = checkpoint.classCount
    var task: LearningTask = checkpoint.classCount == nil ? .regression : .classification
    var start = 0
    repeat {
      let rows = start..<min(start + chunk, input.rowCount)
      let prediction = checkpoint.precision == .float32
        ? try checkpoint.predict(input.dataset(profile: profile, as: Float.self, rows: rows))
        : try checkpoint.predict(input.dataset(profile: profile, as: Double.self, rows: rows))
      task = prediction.task
      classCount = classCount ?? prediction.outputs.columns
      classes += prediction.classes
      values += prediction.values
      start = rows.upperBound
    } while start < input.rowCount
    switch task {
    case .classification: return .classification(classes, classCount: classCount ?? 0)
    case .regression: return .regression(values)
    }
  }

  /// Rows predicted at a time by ``predicting(_:input:profile:)``.
  public static let predictionChunk = 65_536

  /// `checkpoint`'s outputs on the test split of `spec`'s data (the split
  /// every worker uses), in the model's precision: what a package stores as
  /// ``ModelOutputs/fileName`` for prediction drift.
  /// - Throws: the pipeline's ``DataError`` or the model's ``ModelError``.
  public static func testSplit(_ checkpoint: ModelCheckpoint, spec: DataSpec) throws -> ModelOutputs {
    let pipeline = DataPipeline(spec: spec, dataPath: spec.path)
    let prediction = checkpoint.precision == .float32
      ? try checkpoint.predict(pipeline.splits(as: Float.self).test)
      : try checkpoint.predict(pipeline.splits(as: Double.self).test)
    return ModelOutputs(prediction, classCount: checkpoint.classCount)
  }
}
