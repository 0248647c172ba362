import HPOCore
import HPOData
import HPOLinearAlgebra

extension Trainer {
  /// Ridge trained by a gang (`resources.workers_per_trial`): each member
  /// passes only its own training rows (`train`, possibly none) and the same
  /// `allReduce`; see ``RidgeSolver/fitDataParallel(_:_:alpha:allReduce:)``.
  /// `train.classCount` must be the gang's (the same on every member).
  ///
  /// The member given `validation` (rank 0) evaluates the model and gets the
  /// outcome, checkpoint included, as ``train(model:configuration:train:validation:preprocessing:seed:epochs:resumingFrom:checkpoints:onEpoch:)``
  /// would give it; the others get `nil`.
  /// - Throws: ``ModelError`` as the single-member form; any error of `allReduce`, as it is.
  public static func trainRidgeDataParallel<D: DataScalar>(
    configuration: Configuration, train: Dataset<D>, validation: Dataset<D>?, preprocessing: Preprocessing?, seed: UInt64,
    allReduce: AllReduceSum
  ) throws -> TrainingOutcome? {
    let hyper = try Hyperparameters.resolve(kind: .ridge, configuration: configuration)
    let resolved = hyper.configuration(for: .ridge)
    if let p = preprocessing, p.standardization.means.count != train.featureCount {
      throw ModelError(.invalidData, "the preprocessing was fitted on \(p.standardization.means.count) features but the data has \(train.featureCount)")
    }
    if let validation { try check(train: validation, validation: validation, kind: .ridge, preprocessing: preprocessing) }
    let x = Scoring.features(train, preprocessing: preprocessing, as: Double.self)
    let solution = try RidgeSolver.fitDataParallel(x, ridgeTargets(train), alpha: hyper.alpha, allReduce: allReduce)
    guard let validation else { return nil }
    return try ridgeOutcome(solution, resolved, task: train.task, classCount: train.classCount, validation, preprocessing, seed)
  }
}
