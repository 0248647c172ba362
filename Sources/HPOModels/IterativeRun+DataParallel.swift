import HPOCore
import HPOLinearAlgebra

/// The mini-batch path of a gang member: synchronous data-parallel SGD/Adam.
extension IterativeRun {
  /// The rows of a global batch of `batch` that member `rank` of `size`
  /// takes: the batch split as evenly as possible, the first members taking
  /// one more.
  static func share(of batch: Int, rank: Int, size: Int) -> Int {
    batch / size + (rank < batch % size ? 1 : 0)
  }

  /// One epoch of synchronous data-parallel training: every member takes its
  /// share of the global batch (`batch_size`) from its own rows, in its own
  /// seeded order (stream of the epoch and the rank); the gradients of a step
  /// are summed over the gang, each member's weighted by the rows it used
  /// (the loss is normalised by the step's rows over every member), so every
  /// member applies the same update: the single-worker update on the union of
  /// the members' batches. An epoch is one pass over every member's rows: it
  /// has as many steps as the member needing most, and a member whose rows
  /// ran out takes part with empty batches (weight 0). Returns the epoch's
  /// mean loss over the gang's rows.
  mutating func dataParallelMiniBatchEpoch(
    _ epoch: Int, _ x: Matrix<S>, _ classes: [Int], _ targets: [S], _ workspaces: inout [Int: Workspace<S>],
    _ parallel: DataParallelRun
  ) throws -> Double {
    let n = x.rows
    var counts = [Double](repeating: 0, count: parallel.size)
    counts[parallel.rank] = Double(n)
    try parallel.sum(&counts)
    let rows = counts.map { Int($0) }
    let batch = min(hyper.batchSize, parallel.totalRows)
    let shares = (0..<parallel.size).map { Self.share(of: batch, rank: $0, size: parallel.size) }
    let steps = zip(rows, shares).map { $1 > 0 ? ($0 + $1 - 1) / $1 : 0 }.max() ?? 0
    let mine = shares[parallel.rank]
    var rng = SeededGenerator(seed: seed, stream: Self.epochStream &+ UInt64(epoch) &+ (UInt64(parallel.rank) << 40))
    var order = Array(0..<n)
    shuffle(&order, &rng)
    let dropout = kind == .mlp ? hyper.dropout : 0
    let parameterCount = network.parameters.reduce(0) { $0 + $1.rows * $1.columns }
    var total = 0.0
    for step in 0..<steps {
      // The step's rows over the gang: what each member's share still has.
      let stepRows = zip(rows, shares).reduce(0) { $0 + max(0, min($1.1, $1.0 - step * $1.1)) }
      let range = min(n, step * mine)..<min(n, (step + 1) * mine)
      // The step's gradients, concatenated in the model's precision (an empty batch: zeros).
      var sums: [S] = []
      sums.reserveCapacity(parameterCount)
      if !range.isEmpty {
        let ws = batchWorkspace(x, classes, targets, order: order, range: range, dropout: dropout, &workspaces)
        try network.forward(ws, rng: &rng)
        total += network.loss(ws, normalizer: stepRows)
        try network.backward(ws, l2: 0)
        for g in ws.gradients { sums += g.elements }
      } else {
        sums = [S](repeating: 0, count: parameterCount)
      }
      try parallel.sum(scalars: &sums)
      var gradients: [Matrix<S>] = []
      var offset = 0
      for p in network.parameters {
        let count = p.rows * p.columns
        gradients.append(try Matrix(rows: p.rows, columns: p.columns, elements: Array(sums[offset..<(offset + count)])))
        offset += count
      }
      let rate = scheduledLearningRate(
        hyper.learningRate, schedule: hyper.schedule, epoch: epoch, step: stepsCompleted,
        totalEpochs: totalEpochs, stepsPerEpoch: steps)
      optimizer.update(
        parameters: &network.parameters, gradients: gradients, learningRate: rate, momentum: hyper.momentum,
        decay: hyper.l2)
      stepsCompleted += 1
    }
    var loss = [total]
    try parallel.sum(&loss)
    return loss[0] / Double(parallel.totalRows)
  }
}

/// Distributed validation: every member predicts its own rows.
extension IterativeRun {
  /// Validation metrics over the whole split from every member's share:
  /// this member's outputs for its rows (`rank`, `rank + size`, … of
  /// ``DataParallelRun/validationRows``) and their labels go into a buffer of
  /// the whole split, zero elsewhere; one all-reduce fills in the others'
  /// (adding zeros changes no value), and the metrics are computed on the
  /// whole, as one worker holding every row computes them. A collective:
  /// every member calls it at the same point.
  func evaluateDataParallel(_ vx: Matrix<S>, _ labels: [Double], _ parallel: DataParallelRun) throws(ModelError) -> [Metric: Double] {
    let width = network.sizes.last ?? 1
    let stride = width + 1
    var gathered = [Double](repeating: 0, count: parallel.validationRows * stride)
    if vx.rows > 0 {
      let outputs: Matrix<Double>
      do { outputs = try network.outputs(vx) } catch { throw ModelError.wrapping(error) }
      let e = outputs.elements
      for j in 0..<vx.rows {
        let at = (parallel.rank + j * parallel.size) * stride
        for c in 0..<width { gathered[at + c] = e[j * width + c] }
        gathered[at + width] = labels[j]
      }
    }
    do { try parallel.sum(&gathered) } catch let error as DataParallelRun.Failure {
      throw ModelError(.collective, "\(error.underlying)")
    } catch {
      throw ModelError.wrapping(error)
    }
    var outputs = [Double](), all = [Double]()
    outputs.reserveCapacity(parallel.validationRows * width)
    all.reserveCapacity(parallel.validationRows)
    for i in 0..<parallel.validationRows {
      outputs.append(contentsOf: gathered[(i * stride)..<(i * stride + width)])
      all.append(gathered[i * stride + width])
    }
    let whole = matrix(parallel.validationRows, width, outputs)
    return Scoring.metrics(
      Scoring.prediction(whole, kind: kind, task: task, shift: targetShift, scale: targetScale), labels: all)
  }
}
