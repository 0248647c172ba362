import HPOCore
import HPOData
import HPOLinearAlgebra

/// The single entry point a worker calls to train one configuration, and to
/// predict from a stored checkpoint.
public enum Trainer {
  /// Trains a model of `model.kind` with `configuration` on `train`,
  /// reporting validation metrics on `validation` after every epoch.
  ///
  /// - Parameters:
  ///   - model: Kind, precision (iterative models; ridge always solves in
  ///     float64) and planned epochs.
  ///   - configuration: Hyperparameters; any the model reads but the
  ///     configuration leaves out take ``Hyperparameters``' defaults.
  ///   - train, validation: Raw splits (same features and task). Labels are
  ///     classes 0..<K for classification.
  ///   - preprocessing: Fitted on the training split; applied here to both
  ///     splits and stored in the checkpoint (so prediction takes raw rows).
  ///     `nil` trains on the features as given.
  ///   - seed: The trial seed; every random draw (initial weights, shuffles,
  ///     dropout) derives from it.
  ///   - epochs: Overrides `model.epochs` (default ``Hyperparameters/defaultEpochs``);
  ///     the total the run should reach, resumed epochs included.
  ///   - checkpoint: Continue this run instead of starting afresh; it must
  ///     be of the same model, hyperparameters, seed, data shape and
  ///     preprocessing. Stop-after-k-then-resume gives bit-identical weights
  ///     to an uninterrupted run when BLAS runs one thread
  ///     (`BLASInfo.setThreadCount(1)`).
  ///   - checkpoints: Hands out the run's state every so many epochs (see
  ///     ``PeriodicCheckpoints``); `nil`, the default: never.
  ///   - onEpoch: Called after each epoch; return `false` to stop. Not
  ///     called for ridge (closed form, no epochs).
  /// - Returns: The final validation metrics, epochs, history and checkpoint.
  /// - Throws: ``ModelError``: `.unknownHyperparameter`/`.invalidHyperparameter`,
  ///   `.invalidData` (empty splits, mismatched features, task or classes),
  ///   `.unsupported` (softmax on regression, a `function` model),
  ///   `.checkpointMismatch`, `.diverged` (non-finite loss), `.linearAlgebra`.
  public static func train<D: DataScalar>(
    model: ModelSpec, configuration: Configuration, train: Dataset<D>, validation: Dataset<D>,
    preprocessing: Preprocessing? = nil, seed: UInt64, epochs: Int? = nil,
    resumingFrom checkpoint: ModelCheckpoint? = nil, checkpoints: PeriodicCheckpoints? = nil,
    onEpoch: (EpochReport) -> Bool = { _ in true }
  ) throws(ModelError) -> TrainingOutcome {
    let hyper = try Hyperparameters.resolve(kind: model.kind, configuration: configuration)
    return try Self.train(
      model: model, hyperparameters: hyper, train: train, validation: validation, preprocessing: preprocessing,
      seed: seed, epochs: epochs, resumingFrom: checkpoint, checkpoints: checkpoints, onEpoch: onEpoch)
  }

  /// As ``train(model:configuration:train:validation:preprocessing:seed:epochs:resumingFrom:checkpoints:onEpoch:)``
  /// with hyperparameters already resolved, which also allows what a search
  /// configuration cannot say (``Hyperparameters/hiddenLayerSizes``).
  /// - Throws: as the configuration form, with `.invalidHyperparameter` for
  ///   out-of-range values (e.g. hidden layer sizes below 1).
  public static func train<D: DataScalar>(
    model: ModelSpec, hyperparameters hyper: Hyperparameters, train: Dataset<D>, validation: Dataset<D>,
    preprocessing: Preprocessing? = nil, seed: UInt64, epochs: Int? = nil,
    resumingFrom checkpoint: ModelCheckpoint? = nil, checkpoints: PeriodicCheckpoints? = nil,
    onEpoch: (EpochReport) -> Bool = { _ in true }
  ) throws(ModelError) -> TrainingOutcome {
    let clock = ContinuousClock()
    let started = clock.now
    guard model.kind != .function else {
      throw ModelError(.unsupported, "a function model is evaluated, not trained; HPOModels trains ridge, softmax and mlp")
    }
    // A configuration round trip re-checks every value against the model's rules.
    let resolved = hyper.configuration(for: model.kind)
    _ = try Hyperparameters.resolve(kind: model.kind, configuration: resolved)
    let hidden = hyper.hiddenLayers(for: model.kind)
    guard hidden.allSatisfy({ $0 >= 1 }), (1...4).contains(hidden.count) || model.kind != .mlp else {
      throw ModelError(.invalidHyperparameter, "hidden layer sizes \(hidden) are not accepted; accepted: 1 to 4 widths ≥ 1")
    }
    try check(train: train, validation: validation, kind: model.kind, preprocessing: preprocessing)
    let totalEpochs = epochs ?? model.epochs ?? Hyperparameters.defaultEpochs
    if let every = checkpoints?.every, every < 0 {
      throw ModelError(.invalidHyperparameter, "a checkpoint every \(every) epochs is not accepted; accepted: 0 (never) or more")
    }
    guard totalEpochs >= 1 || model.kind == .ridge else {
      throw ModelError(.invalidHyperparameter, "epochs = \(totalEpochs) is not accepted; accepted: an integer ≥ 1")
    }
    if let c = checkpoint {
      try checkResumable(
        c, kind: model.kind, precision: model.kind == .ridge ? .float64 : model.precision, configuration: resolved,
        seed: seed, train: train, preprocessing: preprocessing)
      guard Array(c.layerSizes.dropFirst().dropLast()) == hidden else {
        throw ModelError(.checkpointMismatch, "the checkpoint cannot resume this run: the hidden layer sizes differ")
      }
    }
    var outcome: TrainingOutcome
    switch (model.kind, model.precision) {
    case (.ridge, _):
      outcome = try fitRidge(hyper, resolved, train, validation, preprocessing, seed)
    case (_, .float32):
      // Convert here (generic over the data's type), then train in code generic
      // only over the model's precision, so the compiler specialises it.
      let x = Scoring.features(train, preprocessing: preprocessing, as: Float.self)
      let vx = Scoring.features(validation, preprocessing: preprocessing, as: Float.self)
      outcome = try iterate(model.kind, hyper, resolved, x, train.labels, vx, validation.labels, train.task, train.classCount, preprocessing, seed, totalEpochs, checkpoint, checkpoints, onEpoch)
    case (_, .float64):
      let x = Scoring.features(train, preprocessing: preprocessing, as: Double.self)
      let vx = Scoring.features(validation, preprocessing: preprocessing, as: Double.self)
      outcome = try iterate(model.kind, hyper, resolved, x, train.labels, vx, validation.labels, train.task, train.classCount, preprocessing, seed, totalEpochs, checkpoint, checkpoints, onEpoch)
    }
    outcome.seconds = (clock.now - started).seconds
    return outcome
  }

  /// Predictions for raw rows from checkpoint bytes; see
  /// ``ModelCheckpoint/predict(_:)``.
  /// - Throws: everything ``ModelCheckpoint/init(decoding:)`` throws, and `.invalidData`.
  public static func predict<D: DataScalar>(checkpoint bytes: [UInt8], data: Dataset<D>) throws(ModelError) -> Prediction {
    try ModelCheckpoint(decoding: bytes).predict(data)
  }

  /// Metrics on raw labelled rows from checkpoint bytes; see
  /// ``ModelCheckpoint/evaluate(_:)``.
  public static func evaluate<D: DataScalar>(checkpoint bytes: [UInt8], data: Dataset<D>) throws(ModelError) -> [Metric: Double] {
    try ModelCheckpoint(decoding: bytes).evaluate(data)
  }

  // MARK: - Paths

  private static func iterate<S: ModelScalar>(
    _ kind: ModelKind, _ hyper: Hyperparameters, _ resolved: Configuration, _ x: Matrix<S>, _ labels: [Double],
    _ vx: Matrix<S>, _ validationLabels: [Double], _ task: LearningTask, _ classCount: Int?,
    _ preprocessing: Preprocessing?, _ seed: UInt64, _ totalEpochs: Int, _ checkpoint: ModelCheckpoint?,
    _ checkpoints: PeriodicCheckpoints?, _ onEpoch: (EpochReport) -> Bool
  ) throws(ModelError) -> TrainingOutcome {
    var run: IterativeRun<S>
    if let checkpoint {
      run = try IterativeRun(resuming: checkpoint, hyper: hyper, totalEpochs: totalEpochs)
    } else {
      run = IterativeRun(
        kind: kind, hyper: hyper, seed: seed, totalEpochs: totalEpochs, task: task, classCount: classCount,
        featureCount: x.columns, preprocessing: preprocessing, trainLabels: labels)
    }
    let (history, stopped) = try run.run(
      train: x, labels: labels, validation: vx, validationLabels: validationLabels, checkpoints: checkpoints,
      configuration: resolved, onEpoch: onEpoch)
    let measured = run.measured.isEmpty ? try InferenceProbe.measure(run.network, rows: vx) : run.measured
    return TrainingOutcome(
      metrics: run.lastMetrics, measured: measured, epochs: run.epochsCompleted, stoppedEarly: stopped, history: history,
      checkpoint: run.checkpoint(configuration: resolved), seconds: 0)
  }

  private static func fitRidge<D: DataScalar>(
    _ hyper: Hyperparameters, _ resolved: Configuration, _ train: Dataset<D>, _ validation: Dataset<D>,
    _ preprocessing: Preprocessing?, _ seed: UInt64
  ) throws(ModelError) -> TrainingOutcome {
    let x = Scoring.features(train, preprocessing: preprocessing, as: Double.self)
    let y = ridgeTargets(train)
    let solution = try RidgeSolver.fit(x, y, alpha: hyper.alpha)
    return try ridgeOutcome(solution, resolved, task: train.task, classCount: train.classCount, validation, preprocessing, seed)
  }

  /// The one-hot (classification) or plain targets of `train`, as ridge fits them.
  static func ridgeTargets<D: DataScalar>(_ train: Dataset<D>) -> Matrix<Double> {
    let targetCount = train.classCount ?? 1
    var y = Matrix<Double>(rows: train.rowCount, columns: targetCount)
    y.modifyElements { e in
      if train.task == .classification {
        for (i, label) in train.labels.enumerated() { e[i * targetCount + Int(label)] = 1 }
      } else {
        e = train.labels
      }
    }
    return y
  }

  /// A fitted ridge model's checkpoint, validation metrics and measured costs.
  static func ridgeOutcome<D: DataScalar>(
    _ solution: RidgeSolver.Solution, _ resolved: Configuration, task: LearningTask, classCount: Int?,
    _ validation: Dataset<D>, _ preprocessing: Preprocessing?, _ seed: UInt64
  ) throws(ModelError) -> TrainingOutcome {
    let (features, targetCount) = (solution.coefficients.rows, solution.coefficients.columns)
    let bias = matrix(1, targetCount, solution.intercepts)
    var checkpoint = ModelCheckpoint(
      kind: .ridge, precision: .float64, task: task, classCount: classCount,
      featureCount: features, hyperparameters: resolved, seed: seed, epochsCompleted: 0, totalEpochs: 0,
      preprocessing: preprocessing, validationMetrics: [:], stepsCompleted: 0,
      layerSizes: [features, targetCount], activation: nil, targetShift: 0, targetScale: 1,
      parameters: [Tensor(solution.coefficients), Tensor(bias)], optimizerKind: nil, optimizerStep: 0,
      optimizerFirst: [], optimizerSecond: [], lbfgs: nil)
    checkpoint.validationMetrics = try checkpoint.evaluate(validation)
    let measured = try InferenceProbe.measure(
      try checkpoint.network(Double.self), rows: Scoring.features(validation, preprocessing: preprocessing, as: Double.self))
    return TrainingOutcome(
      metrics: checkpoint.validationMetrics, measured: measured, epochs: 0, stoppedEarly: false, history: [], checkpoint: checkpoint,
      seconds: 0)
  }

  // MARK: - Checks

  static func check<D: DataScalar>(
    train: Dataset<D>, validation: Dataset<D>, kind: ModelKind, preprocessing: Preprocessing?
  ) throws(ModelError) {
    guard train.rowCount >= 1, validation.rowCount >= 1, train.featureCount >= 1 else {
      throw ModelError(
        .invalidData,
        "training needs at least one feature and one row in each split; got \(train.rowCount) training and \(validation.rowCount) validation rows of \(train.featureCount) features")
    }
    guard train.featureCount == validation.featureCount else {
      throw ModelError(.invalidData, "the training split has \(train.featureCount) features but the validation split \(validation.featureCount)")
    }
    guard train.task == validation.task, train.classCount == validation.classCount else {
      throw ModelError(.invalidData, "the training and validation splits disagree on the task or the number of classes")
    }
    if let p = preprocessing, p.standardization.means.count != train.featureCount {
      throw ModelError(.invalidData, "the preprocessing was fitted on \(p.standardization.means.count) features but the data has \(train.featureCount)")
    }
    switch train.task {
    case .classification:
      guard let k = train.classCount, k >= 2 else {
        throw ModelError(.invalidData, "classification needs a class count K ≥ 2")
      }
      for (name, split) in [("training", train.labels), ("validation", validation.labels)] {
        if let bad = split.first(where: { !($0 >= 0 && $0 < Double(k) && $0 == $0.rounded()) }) {
          throw ModelError(.invalidData, "the \(name) split has label \(bad); classes must be integers 0..<\(k)")
        }
      }
    case .regression:
      if kind == .softmax {
        throw ModelError(.unsupported, "softmax is a classifier; use ridge or mlp for a regression task")
      }
      if train.labels.contains(where: { !$0.isFinite }) || validation.labels.contains(where: { !$0.isFinite }) {
        throw ModelError(.invalidData, "regression targets must be finite")
      }
    }
  }

  static func checkResumable<D: DataScalar>(
    _ c: ModelCheckpoint, kind: ModelKind, precision: Precision, configuration: Configuration, seed: UInt64,
    train: Dataset<D>, preprocessing: Preprocessing?
  ) throws(ModelError) {
    func mismatch(_ what: String) -> ModelError {
      ModelError(.checkpointMismatch, "the checkpoint cannot resume this run: \(what) differs")
    }
    guard c.kind == kind else { throw mismatch("the model kind (\(c.kind.rawValue) vs \(kind.rawValue))") }
    guard kind != .ridge else { throw ModelError(.unsupported, "ridge is closed form; there is nothing to resume") }
    guard c.precision == precision else { throw mismatch("the precision (\(c.precision.rawValue) vs \(precision.rawValue))") }
    guard c.task == train.task, c.classCount == train.classCount, c.inputFeatureCount == train.featureCount else {
      throw mismatch("the task, class count or feature count")
    }
    guard c.hyperparameters == configuration else {
      throw mismatch("the configuration (\(c.hyperparameters) vs \(configuration))")
    }
    guard c.seed == seed else { throw mismatch("the seed (\(c.seed) vs \(seed))") }
    guard c.preprocessing == preprocessing else { throw mismatch("the preprocessing") }
  }
}
