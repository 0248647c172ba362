import HPOCore
import HPOData

/// A trained (or partly trained) model: everything needed to predict and to
/// resume training exactly — weights, optimizer state, the position in the
/// run (epochs and steps, which with the seed fix every later random draw),
/// the resolved hyperparameters and the preprocessing fitted on the
/// training split.
///
/// Bytes ↔ value is an exact round trip: `ModelCheckpoint(decoding: c.encoded()) == c`
/// and `ModelCheckpoint(decoding: b).encoded() == b` for every accepted `b`
/// (the decoder rejects non-canonical encodings). Equality is of the
/// encodings, so floating-point values compare bit for bit. See
/// `ModelCheckpoint+Format.swift` for the layout.
public struct ModelCheckpoint: Sendable, Equatable {
  /// The newest format version this build writes and reads. Version 2 adds
  /// the preprocessing's categorical columns; a checkpoint without them is
  /// still written as version 1 (byte for byte as before), and both are read.
  public static let formatVersion: UInt32 = 2
  /// The first 8 bytes of every checkpoint: `HPOMODEL`.
  public static let magic: [UInt8] = Array("HPOMODEL".utf8)

  public internal(set) var kind: ModelKind
  /// The precision of the weights (ridge is always float64).
  public internal(set) var precision: Precision
  public internal(set) var task: LearningTask
  /// K for classification, `nil` for regression.
  public internal(set) var classCount: Int?
  /// Features the model reads: the preprocessing's output (wider than the
  /// raw rows when it one-hot encodes categorical columns).
  public internal(set) var featureCount: Int
  /// Features of the raw rows that ``predict(_:)`` takes: the preprocessing's
  /// input count, or ``featureCount`` without preprocessing.
  public var inputFeatureCount: Int { preprocessing?.inputCount ?? featureCount }
  /// Every hyperparameter the model used, defaults included.
  public internal(set) var hyperparameters: Configuration
  /// The trial seed every random draw derives from.
  public internal(set) var seed: UInt64
  /// Epochs trained so far (0 for ridge).
  public internal(set) var epochsCompleted: Int
  /// The run's planned epochs (the learning-rate schedule's horizon).
  public internal(set) var totalEpochs: Int
  /// Fitted on the training split; applied to raw rows before predicting.
  public internal(set) var preprocessing: Preprocessing?
  /// Validation metrics after the last completed epoch.
  public internal(set) var validationMetrics: [Metric: Double]

  /// Optimizer steps taken so far.
  var stepsCompleted: Int
  /// Units per layer, input first.
  var layerSizes: [Int]
  /// Hidden activation (mlp only).
  var activation: Activation?
  /// Regression outputs are trained on (y − shift)/scale; predictions undo it.
  var targetShift: Double
  var targetScale: Double
  /// W₀, b₀, W₁, b₁, … in ``precision``.
  var parameters: [Tensor]
  /// `nil` for ridge.
  var optimizerKind: OptimizerKind?
  var optimizerStep: Int
  var optimizerFirst: [Tensor]
  var optimizerSecond: [Tensor]
  var lbfgs: LBFGSState?

  init(
    kind: ModelKind, precision: Precision, task: LearningTask, classCount: Int?, featureCount: Int,
    hyperparameters: Configuration, seed: UInt64, epochsCompleted: Int, totalEpochs: Int,
    preprocessing: Preprocessing?, validationMetrics: [Metric: Double], stepsCompleted: Int,
    layerSizes: [Int], activation: Activation?, targetShift: Double, targetScale: Double,
    parameters: [Tensor], optimizerKind: OptimizerKind?, optimizerStep: Int, optimizerFirst: [Tensor],
    optimizerSecond: [Tensor], lbfgs: LBFGSState?
  ) {
    self.kind = kind
    self.precision = precision
    self.task = task
    self.classCount = classCount
    self.featureCount = featureCount
    self.hyperparameters = hyperparameters
    self.seed = seed
    self.epochsCompleted = epochsCompleted
    self.totalEpochs = totalEpochs
    self.preprocessing = preprocessing
    self.validationMetrics = validationMetrics
    self.stepsCompleted = stepsCompleted
    self.layerSizes = layerSizes
    self.activation = activation
    self.targetShift = targetShift
    self.targetScale = targetScale
    self.parameters = parameters
    self.optimizerKind = optimizerKind
    self.optimizerStep = optimizerStep
    self.optimizerFirst = optimizerFirst
    self.optimizerSecond = optimizerSecond
    self.lbfgs = lbfgs
  }

  /// Equal when the encodings are equal (bit-exact).
  public static func == (a: ModelCheckpoint, b: ModelCheckpoint) -> Bool { a.encoded() == b.encoded() }

  /// Number of trainable parameters (weights and biases).
  public var parameterCount: Int { parameters.reduce(0) { $0 + $1.rows * $1.columns } }

  /// Checks the invariants that the rest of the module relies on; the
  /// decoder calls it, so a checkpoint value is always usable.
  func validate() throws(ModelError) {
    func bad(_ why: String) -> ModelError { ModelError(.corruptCheckpoint, why) }
    let layers = layerSizes.count - 1
    guard layers >= 1, layerSizes.allSatisfy({ $0 >= 1 }) else {
      throw bad("layer sizes \(layerSizes) must be at least two positive counts")
    }
    guard layerSizes[0] == featureCount else {
      throw bad("the first layer reads \(layerSizes[0]) features but featureCount is \(featureCount)")
    }
    let outputs = layerSizes[layers]
    switch task {
    case .classification:
      guard let k = classCount, k >= 2 else { throw bad("a classifier needs a class count ≥ 2") }
      guard outputs == k else { throw bad("a \(k)-class model has \(outputs) outputs") }
    case .regression:
      guard classCount == nil, outputs == 1 else { throw bad("a regression model has one output and no class count") }
    }
    switch kind {
    case .ridge:
      guard precision == .float64, layers == 1, optimizerKind == nil, activation == nil else {
        throw bad("a ridge model is one float64 linear layer without optimizer state")
      }
    case .softmax:
      guard task == .classification, layers == 1, activation == nil, optimizerKind != nil else {
        throw bad("a softmax model is one classification layer with optimizer state")
      }
    case .mlp:
      guard layers >= 2, activation != nil, optimizerKind != nil else {
        throw bad("an mlp has hidden layers, an activation and optimizer state")
      }
    case .function, .command:
      throw bad("\(kind.rawValue) models have no checkpoints of this format")
    }
    if let p = preprocessing {
      if let problem = p.inconsistency { throw bad("the preprocessing is inconsistent: \(problem)") }
      guard p.outputCount == featureCount else {
        throw bad("the preprocessing outputs \(p.outputCount) features but the model reads \(featureCount)")
      }
    }
    guard targetScale.isFinite, targetScale > 0, targetShift.isFinite else {
      throw bad("the target scaling must be finite with a positive scale")
    }
    let shapes = (0..<layers).flatMap { l in [(layerSizes[l], layerSizes[l + 1]), (1, layerSizes[l + 1])] }
    func check(_ tensors: [Tensor], _ name: String, dtype: Precision) throws(ModelError) {
      guard tensors.count == shapes.count else { throw bad("\(name) has \(tensors.count) tensors; the layers need \(shapes.count)") }
      for (t, shape) in zip(tensors, shapes) {
        guard t.rows == shape.0, t.columns == shape.1, t.storage.count == t.rows * t.columns else {
          throw bad("\(name) has a \(t.rows)x\(t.columns) tensor where the layers need \(shape.0)x\(shape.1)")
        }
        let isDouble: Bool
        if case .float64 = t.storage { isDouble = true } else { isDouble = false }
        guard isDouble == (dtype == .float64) else { throw bad("\(name) is not stored in \(dtype.rawValue)") }
      }
    }
    try check(parameters, "the parameters", dtype: precision)
    switch optimizerKind {
    case nil, .lbfgs?:
      guard optimizerFirst.isEmpty, optimizerSecond.isEmpty else { throw bad("this optimizer keeps no moments") }
    case .sgd?:
      try check(optimizerFirst, "the SGD velocity", dtype: precision)
      guard optimizerSecond.isEmpty else { throw bad("SGD keeps one moment") }
    case .adam?:
      try check(optimizerFirst, "Adam's first moment", dtype: precision)
      try check(optimizerSecond, "Adam's second moment", dtype: precision)
    }
    guard (optimizerKind == .lbfgs) == (lbfgs != nil) else { throw bad("L-BFGS state goes with the lbfgs optimizer only") }
    if let state = lbfgs {
      let n = parameterCount
      guard state.gradient.isEmpty || state.gradient.count == n, state.s.count == state.y.count,
        state.s.count <= LBFGSState.historySize, (state.s + state.y).allSatisfy({ $0.count == n })
      else { throw bad("the L-BFGS history does not match the \(n) parameters") }
    }
    guard epochsCompleted >= 0, stepsCompleted >= 0, optimizerStep >= 0, totalEpochs >= epochsCompleted || kind == .ridge
    else { throw bad("negative or inconsistent epoch and step counts") }
  }
}
