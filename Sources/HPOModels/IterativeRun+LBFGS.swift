import HPOCore
import HPOLinearAlgebra

/// The full-batch path of an iterative run: softmax regression trained by
/// L-BFGS, one iteration per epoch.
extension IterativeRun {
  /// One L-BFGS iteration on the full-batch objective. Returns the data loss
  /// at the new point.
  mutating func lbfgsEpoch(
    _ x: Matrix<S>, _ classes: [Int], _ targets: [S], _ state: inout LBFGSState,
    _ workspaces: inout [Int: Workspace<S>]
  ) throws -> Double {
    let start = flatten()
    var cache = workspaces
    defer { workspaces = cache }
    let accepted = try state.iterate(from: start) { point in
      try self.fullBatch(at: point, x, classes, targets, &cache)
    }
    if accepted == nil { unflatten(start) }
    stepsCompleted += 1
    return state.dataLoss
  }

  /// Sets the parameters to `point` (rounded to `S`) and returns the
  /// full-batch objective and gradient there, in chunks of 2048 rows.
  mutating func fullBatch(
    at point: [Double], _ x: Matrix<S>, _ classes: [Int], _ targets: [S], _ workspaces: inout [Int: Workspace<S>]
  ) throws -> LBFGSState.Evaluation {
    unflatten(point)
    let n = x.rows
    // A gang member's rows are a part of the whole: the loss and gradient are means over every member's rows.
    let normalizer = parallel?.totalRows ?? n
    let order = Array(0..<n)
    var gradient = [Double](repeating: 0, count: point.count)
    var total = 0.0
    var rng = SeededGenerator(seed: seed)  // unused: no dropout in softmax
    var start = 0
    while start < n {
      let range = start..<min(n, start + 2048)
      let ws = batchWorkspace(x, classes, targets, order: order, range: range, dropout: 0, &workspaces)
      try network.forward(ws, rng: &rng)
      total += network.loss(ws, normalizer: normalizer)
      try network.backward(ws, l2: 0)
      Self.accumulate(ws.gradients, into: &gradient)
      start = range.upperBound
    }
    if let parallel {
      // Summed over the gang in a fixed order: every member gets the same bits and takes the same step.
      var sums = [total] + gradient
      try parallel.sum(&sums)
      total = sums[0]
      gradient = Array(sums.dropFirst())
    }
    // L2 on the weights (even-indexed tensors), computed on the held values.
    let held = flatten()
    var offset = 0
    for (t, p) in network.parameters.enumerated() {
      let count = p.rows * p.columns
      if t % 2 == 0 {
        for i in offset..<(offset + count) { gradient[i] += hyper.l2 * held[i] }
      }
      offset += count
    }
    let dataLoss = total / Double(normalizer)
    return .init(point: held, objective: dataLoss + network.penalty(l2: hyper.l2), dataLoss: dataLoss, gradient: gradient)
  }

  /// All parameters, concatenated, as `Double`.
  func flatten() -> [Double] {
    var out: [Double] = []
    for p in network.parameters { out += p.elements.map { Double($0) } }
    return out
  }

  /// Sets all parameters from a concatenation (rounding to `S`).
  mutating func unflatten(_ values: [Double]) {
    var offset = 0
    for t in network.parameters.indices {
      network.parameters[t].modifyElements { e in
        for i in e.indices { e[i] = S(values[offset + i]) }
        offset += e.count
      }
    }
  }
}
