import HPOCore
import HPOData
import HPOLinearAlgebra

/// The state and epoch loop of an iterative model (softmax or mlp) in
/// precision `S`: what a checkpoint captures, and the code that advances it.
///
/// Randomness: initial weights come from `SeededGenerator(seed:, stream: initStream)`;
/// epoch e (0-based) draws its shuffle and dropout masks, in that order,
/// from `SeededGenerator(seed:, stream: epochStream + e)`. So the RNG state
/// at an epoch boundary is (seed, epochs completed), and a run stopped after
/// epoch k and resumed reproduces the uninterrupted run bit for bit (given
/// deterministic BLAS, i.e. one thread).
struct IterativeRun<S: ModelScalar> {
  static var initStream: UInt64 { 0x494E_4954 }  // "INIT"
  static var epochStream: UInt64 { 0x4550_4F43_0000_0000 }  // "EPOC" << 32

  let kind: ModelKind
  let hyper: Hyperparameters
  let seed: UInt64
  var totalEpochs: Int
  let task: LearningTask
  let classCount: Int?
  let preprocessing: Preprocessing?
  var network: Network<S>
  var optimizer: OptimizerState<S>
  var lbfgs: LBFGSState?
  var epochsCompleted = 0
  var stepsCompleted = 0
  var targetShift = 0.0
  var targetScale = 1.0
  var lastMetrics: [Metric: Double] = [:]
  /// `params` and `latency_ms` (``InferenceProbe``), measured after the first epoch of a run.
  var measured: [Metric: Double] = [:]
  /// Set on a member of a gang: its full-batch sums are summed over the gang.
  var parallel: DataParallelRun?

  /// A fresh run: initial weights from the seed, zero optimizer state,
  /// regression targets standardised on `trainLabels`.
  init(
    kind: ModelKind, hyper: Hyperparameters, seed: UInt64, totalEpochs: Int, task: LearningTask,
    classCount: Int?, featureCount: Int, preprocessing: Preprocessing?, trainLabels: [Double]
  ) {
    self.kind = kind
    self.hyper = hyper
    self.seed = seed
    self.totalEpochs = totalEpochs
    self.task = task
    self.classCount = classCount
    self.preprocessing = preprocessing
    let outputs = classCount ?? 1
    let hidden = hyper.hiddenLayers(for: kind)
    var rng = SeededGenerator(seed: seed, stream: Self.initStream)
    network = Network(
      sizes: [featureCount] + hidden + [outputs], activation: hyper.activation,
      head: task == .classification ? .softmax : .regression, initialization: hyper.initialization,
      zeroWeights: kind == .softmax, rng: &rng)
    optimizer = OptimizerState(kind: hyper.optimizer, parameters: network.parameters)
    lbfgs = hyper.optimizer == .lbfgs ? LBFGSState() : nil
    if task == .regression {
      let n = Double(trainLabels.count)
      let mean = trainLabels.reduce(0, +) / n
      let variance = trainLabels.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / n
      targetShift = mean
      targetScale = variance > 0 && variance.isFinite ? variance.squareRoot() : 1
    }
  }

  /// A run continuing from `c` (already checked to match this model).
  init(resuming c: ModelCheckpoint, hyper: Hyperparameters, totalEpochs: Int) throws(ModelError) {
    kind = c.kind
    self.hyper = hyper
    seed = c.seed
    self.totalEpochs = max(totalEpochs, c.epochsCompleted)
    task = c.task
    classCount = c.classCount
    preprocessing = c.preprocessing
    network = try c.network(S.self)
    func matrices(_ tensors: [Tensor]) throws(ModelError) -> [Matrix<S>] {
      var out: [Matrix<S>] = []
      for t in tensors {
        guard let m = t.matrix(S.self) else { throw ModelError(.checkpointMismatch, "the optimizer state is not in \(S.precision.rawValue)") }
        out.append(m)
      }
      return out
    }
    optimizer = OptimizerState(
      kind: c.optimizerKind ?? hyper.optimizer, first: try matrices(c.optimizerFirst),
      second: try matrices(c.optimizerSecond), step: c.optimizerStep)
    lbfgs = c.lbfgs
    epochsCompleted = c.epochsCompleted
    stepsCompleted = c.stepsCompleted
    targetShift = c.targetShift
    targetScale = c.targetScale
    lastMetrics = c.validationMetrics
  }

  /// Trains from `epochsCompleted` to `totalEpochs`, calling `onEpoch` after
  /// each epoch; stops early when it returns `false`. `checkpoints` get the
  /// run's state (with `configuration`) first, when due.
  /// - Returns: this call's reports and whether the callback stopped it.
  mutating func run(
    train x: Matrix<S>, labels: [Double], validation vx: Matrix<S>, validationLabels: [Double],
    checkpoints: PeriodicCheckpoints?, configuration: Configuration, onEpoch: (EpochReport) -> Bool
  ) throws(ModelError) -> (history: [EpochReport], stopped: Bool) {
    let classes = labels.map { Int($0) }
    let targets = labels.map { S(($0 - targetShift) / targetScale) }
    var history: [EpochReport] = []
    var workspaces: [Int: Workspace<S>] = [:]
    let clock = ContinuousClock()
    while epochsCompleted < totalEpochs {
      let started = clock.now
      let epoch = epochsCompleted
      let loss: Double
      do {
        if let state = lbfgs {
          var s = state
          loss = try lbfgsEpoch(x, classes, targets, &s, &workspaces)
          lbfgs = s
        } else if let parallel {
          loss = try dataParallelMiniBatchEpoch(epoch, x, classes, targets, &workspaces, parallel)
        } else {
          loss = try miniBatchEpoch(epoch, x, classes, targets, &workspaces)
        }
      } catch let error as DataParallelRun.Failure {
        throw ModelError(.collective, "\(error.underlying)")
      } catch {
        throw ModelError.wrapping(error)
      }
      epochsCompleted += 1
      guard loss.isFinite, network.parameters.allSatisfy(Kernels.allFinite) else {
        throw ModelError(
          .diverged,
          "the training loss became \(loss) in epoch \(epoch + 1) (learning_rate \(hyper.learningRate), optimizer \(hyper.optimizer.rawValue)); try a smaller learning_rate")
      }
      if let parallel {
        lastMetrics = try evaluateDataParallel(vx, validationLabels, parallel)
        if parallel.reports, measured.isEmpty { measured = try InferenceProbe.measure(network, rows: vx) }
      } else {
        lastMetrics = try evaluate(vx, validationLabels)
        if measured.isEmpty { measured = try InferenceProbe.measure(network, rows: vx) }
      }
      let report = EpochReport(
        epoch: epochsCompleted, totalEpochs: totalEpochs, trainingLoss: loss, metrics: lastMetrics,
        seconds: (clock.now - started).seconds, measured: measured)
      history.append(report)
      if let checkpoints, checkpoints.isDue(after: epochsCompleted, of: totalEpochs) {
        checkpoints.handle(checkpoint(configuration: configuration))
      }
      if !onEpoch(report) { return (history, epochsCompleted < totalEpochs) }
    }
    if history.isEmpty && lastMetrics.isEmpty {
      if let parallel {
        lastMetrics = try evaluateDataParallel(vx, validationLabels, parallel)
      } else {
        lastMetrics = try evaluate(vx, validationLabels)
      }
    }
    return (history, false)
  }

  /// One pass over the training rows in a seeded random order, in batches
  /// of `batch_size` (the last may be smaller). Returns the mean loss.
  private mutating func miniBatchEpoch(
    _ epoch: Int, _ x: Matrix<S>, _ classes: [Int], _ targets: [S], _ workspaces: inout [Int: Workspace<S>]
  ) throws -> Double {
    let n = x.rows
    var rng = SeededGenerator(seed: seed, stream: Self.epochStream &+ UInt64(epoch))
    var order = Array(0..<n)
    shuffle(&order, &rng)
    let batch = min(hyper.batchSize, n)
    let steps = (n + batch - 1) / batch
    let dropout = kind == .mlp ? hyper.dropout : 0
    var total = 0.0
    for b in 0..<steps {
      let range = (b * batch)..<min(n, (b + 1) * batch)
      let ws = batchWorkspace(x, classes, targets, order: order, range: range, dropout: dropout, &workspaces)
      try network.forward(ws, rng: &rng)
      total += network.loss(ws, normalizer: range.count)
      // L2 is added inside the optimizer's pass (decay), not by backward.
      try network.backward(ws, l2: 0)
      let rate = scheduledLearningRate(
        hyper.learningRate, schedule: hyper.schedule, epoch: epoch, step: stepsCompleted,
        totalEpochs: totalEpochs, stepsPerEpoch: steps)
      optimizer.update(
        parameters: &network.parameters, gradients: ws.gradients, learningRate: rate, momentum: hyper.momentum,
        decay: hyper.l2)
      stepsCompleted += 1
    }
    return total / Double(n)
  }

  /// The workspace for `range.count` rows (made once per size, then reused),
  /// holding rows `order[range]` of `x` and their labels or targets.
  func batchWorkspace(
    _ x: Matrix<S>, _ classes: [Int], _ targets: [S], order: [Int], range: Range<Int>, dropout: Double,
    _ workspaces: inout [Int: Workspace<S>]
  ) -> Workspace<S> {
    let ws = workspaces[range.count] ?? Workspace(network: network, rows: range.count, dropoutRate: dropout)
    workspaces[range.count] = ws
    Kernels.gatherRows(x, order: order, range: range, into: &ws.input)
    if task == .classification {
      for (t, i) in order[range].enumerated() { ws.labels[t] = classes[i] }
    } else {
      for (t, i) in order[range].enumerated() { ws.targets[t] = targets[i] }
    }
    return ws
  }

  /// Adds the workspace's gradients, concatenated as `Double`, to `sums`.
  static func accumulate(_ gradients: [Matrix<S>], into sums: inout [Double]) {
    var offset = 0
    for g in gradients {
      S.add(g.elements, asDoublesInto: &sums, at: offset)
      offset += g.rows * g.columns
    }
  }

  /// Validation metrics of the current weights.
  func evaluate(_ vx: Matrix<S>, _ labels: [Double]) throws(ModelError) -> [Metric: Double] {
    let outputs: Matrix<Double>
    do { outputs = try network.outputs(vx) } catch { throw ModelError.wrapping(error) }
    return Scoring.metrics(
      Scoring.prediction(outputs, kind: kind, task: task, shift: targetShift, scale: targetScale), labels: labels)
  }

  /// The run's state as a checkpoint.
  func checkpoint(configuration: Configuration) -> ModelCheckpoint {
    ModelCheckpoint(
      kind: kind, precision: S.precision, task: task, classCount: classCount, featureCount: network.sizes[0],
      hyperparameters: configuration, seed: seed, epochsCompleted: epochsCompleted, totalEpochs: totalEpochs,
      preprocessing: preprocessing, validationMetrics: lastMetrics, stepsCompleted: stepsCompleted,
      layerSizes: network.sizes, activation: kind == .mlp ? network.activation : nil, targetShift: targetShift,
      targetScale: targetScale, parameters: network.parameters.map(Tensor.init), optimizerKind: optimizer.kind,
      optimizerStep: optimizer.step, optimizerFirst: optimizer.first.map(Tensor.init),
      optimizerSecond: optimizer.second.map(Tensor.init), lbfgs: lbfgs)
  }
}

/// Fisher–Yates from the last element down, with Lemire's unbiased bounded
/// draw (written here so the sequence never depends on the standard library).
func shuffle(_ items: inout [Int], _ rng: inout SeededGenerator) {
  guard items.count > 1 else { return }
  for i in stride(from: items.count - 1, to: 0, by: -1) {
    let n = UInt64(i + 1)
    var m = rng.next().multipliedFullWidth(by: n)
    if m.low < n {
      let threshold = (0 &- n) % n
      while m.low < threshold { m = rng.next().multipliedFullWidth(by: n) }
    }
    items.swapAt(i, Int(m.high))
  }
}
