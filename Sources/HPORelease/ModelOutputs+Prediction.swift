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
  public static func predicting(
    _ checkpoint: ModelCheckpoint, input: ProfiledInput, profile: DataProfile
  ) throws(ModelError) -> ModelOutputs {
    let prediction = checkpoint.precision == .float32
      ? try checkpoint.predict(input.dataset(profile: profile, as: Float.self))
      : try checkpoint.predict(input.dataset(profile: profile, as: Double.self))
    return ModelOutputs(prediction, classCount: checkpoint.classCount)
  }

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
