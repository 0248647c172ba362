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

extension Trainer {
  /// Softmax or MLP trained by a gang (member `rank` of `size`), each member
  /// passing only its own training rows (`train.classCount` must be the gang's):
  /// - with L-BFGS, every iteration's full-batch loss and gradient are summed
  ///   over the members' rows (`allReduce`, the same bits on every member),
  ///   so each member takes the same steps: the iterates of one worker on all
  ///   the rows, up to the order of floating-point summation;
  /// - with SGD or Adam, synchronous data-parallel mini-batches: `batch_size`
  ///   is the global batch, split over the members, and every step's
  ///   gradient is the mean over the union of their batches (see
  ///   `IterativeRun.dataParallelMiniBatchEpoch`).
  /// A regression's targets are standardised on the gang's rows. A float32
  /// model's mini-batch gradients go through `allReduceFloat` when given (half
  /// the bytes), else through `allReduce` as `Double`s.
  ///
  /// Validation is distributed: `validation` is this member's share of a
  /// split of `validationRows` rows (rows `rank`, `rank + size`, … in the
  /// split's order; possibly none), every member predicts its rows after each
  /// epoch, one all-reduce gathers the predictions, and every member computes
  /// the metrics on the whole split, exactly as one worker would from the same
  /// predictions. Every member calls `onEpoch` after each iteration (an epoch)
  /// with those metrics; only rank 0 measures the inference latency and gets
  /// the outcome (the others: `nil`).
  /// `onEpoch` must return the same answer on every member (the caller
  /// broadcasts rank 0's). `checkpoint` resumes every member from the same
  /// state; `checkpoints` is for rank 0.
  /// - Throws: ``ModelError``: as the single-member form; `.unsupported` for
  ///   a model other than softmax and mlp; `.invalidHyperparameter` for a
  ///   `batch_size` smaller than the gang; `.collective` when a sum over the
  ///   gang failed.
  public static func trainIterativeDataParallel<D: DataScalar>(
    model: ModelSpec, configuration: Configuration, train: Dataset<D>, validation: Dataset<D>, validationRows: Int,
    preprocessing: Preprocessing?, seed: UInt64, epochs: Int?, resumingFrom checkpoint: ModelCheckpoint?,
    checkpoints: PeriodicCheckpoints?, rank: Int, size: Int, allReduce: @escaping AllReduceSum,
    allReduceFloat: ((inout [Float]) throws -> Void)? = nil, onEpoch: (EpochReport) -> Bool
  ) throws(ModelError) -> TrainingOutcome? {
    let hyper = try Hyperparameters.resolve(kind: model.kind, configuration: configuration)
    guard model.kind == .softmax || model.kind == .mlp else {
      throw ModelError(.unsupported, "a gang trains softmax and mlp iteratively; got \(model.kind.rawValue)")
    }
    let resolved = hyper.configuration(for: model.kind)
    if let p = preprocessing, p.standardization.means.count != train.featureCount {
      throw ModelError(.invalidData, "the preprocessing was fitted on \(p.standardization.means.count) features but the data has \(train.featureCount)")
    }
    guard validationRows >= 1, validation.rowCount == (validationRows - rank + size - 1) / size else {
      throw ModelError(
        .invalidData,
        "member \(rank) of \(size) holds \(validation.rowCount) validation rows of \(validationRows); accepted: rows \(rank), \(rank + size), … of at least one")
    }
    if validation.rowCount > 0 { try check(train: validation, validation: validation, kind: model.kind, preprocessing: preprocessing) }
    let totalEpochs = epochs ?? model.epochs ?? Hyperparameters.defaultEpochs
    // Rows, and the label sums a regression's target standardisation needs, over the gang.
    var sums = [Double(train.rowCount), train.labels.reduce(0, +), train.labels.reduce(0) { $0 + $1 * $1 }]
    do { try allReduce(&sums) } catch { throw ModelError(.collective, "\(error)") }
    let parallel = DataParallelRun(
      allReduce: allReduce, allReduceFloat: allReduceFloat, rank: rank, size: size, totalRows: Int(sums[0]),
      validationRows: validationRows, reports: rank == 0)
    guard parallel.totalRows >= 1 else { throw ModelError(.invalidData, "the gang holds no training rows") }
    if hyper.optimizer != .lbfgs, hyper.batchSize < size {
      throw ModelError(
        .invalidHyperparameter,
        "batch_size \(hyper.batchSize) is smaller than the gang (\(size) members, each taking a share of every batch); accepted: \(size) or more")
    }
    let targets = (mean: sums[1] / sums[0], meanOfSquares: sums[2] / sums[0])
    switch model.precision {
    case .float32:
      return try iterateDataParallel(
        Float.self, model.kind, hyper, resolved, train, validation, preprocessing, seed, totalEpochs, checkpoint, checkpoints, parallel, targets, onEpoch)
    case .float64:
      return try iterateDataParallel(
        Double.self, model.kind, hyper, resolved, train, validation, preprocessing, seed, totalEpochs, checkpoint, checkpoints, parallel, targets, onEpoch)
    }
  }

  private static func iterateDataParallel<S: ModelScalar, D: DataScalar>(
    _: S.Type, _ kind: ModelKind, _ hyper: Hyperparameters, _ resolved: Configuration, _ train: Dataset<D>,
    _ validation: Dataset<D>, _ preprocessing: Preprocessing?, _ seed: UInt64, _ totalEpochs: Int,
    _ checkpoint: ModelCheckpoint?, _ checkpoints: PeriodicCheckpoints?, _ parallel: DataParallelRun,
    _ targets: (mean: Double, meanOfSquares: Double), _ onEpoch: (EpochReport) -> Bool
  ) throws(ModelError) -> TrainingOutcome? {
    let x = Scoring.features(train, preprocessing: preprocessing, as: S.self)
    let vx = Scoring.features(validation, preprocessing: preprocessing, as: S.self)
    var run: IterativeRun<S>
    if let checkpoint {
      try checkResumable(
        checkpoint, kind: kind, precision: S.precision, configuration: resolved, seed: seed, train: train, preprocessing: preprocessing)
      run = try IterativeRun(resuming: checkpoint, hyper: hyper, totalEpochs: totalEpochs)
    } else {
      run = IterativeRun(
        kind: kind, hyper: hyper, seed: seed, totalEpochs: totalEpochs, task: train.task, classCount: train.classCount,
        featureCount: x.columns, preprocessing: preprocessing, trainLabels: train.labels)
      if train.task == .regression {
        // Standardised on the whole training split, as one worker holding it would.
        let variance = targets.meanOfSquares - targets.mean * targets.mean
        run.targetShift = targets.mean
        run.targetScale = variance > 0 && variance.isFinite ? variance.squareRoot() : 1
      }
    }
    run.parallel = parallel
    let (history, stopped) = try run.run(
      train: x, labels: train.labels, validation: vx, validationLabels: validation.labels, checkpoints: checkpoints,
      configuration: resolved, onEpoch: onEpoch)
    guard parallel.reports else { return nil }
    let measured = run.measured.isEmpty ? try InferenceProbe.measure(run.network, rows: vx) : run.measured
    return TrainingOutcome(
      metrics: run.lastMetrics, measured: measured, epochs: run.epochsCompleted, stoppedEarly: stopped, history: history,
      checkpoint: run.checkpoint(configuration: resolved), seconds: 0)
  }
}
