import HPOCore

/// Gaussian-process Bayesian optimisation (after Optuna's GPSampler):
/// Matérn-5/2 ARD kernel fitted by maximum marginal likelihood with Optuna's
/// priors (``GaussianProcess``), targets standardised, log expected
/// improvement maximised by multi-start local search (L-BFGS on the numeric
/// coordinates, then a sweep over each categorical parameter's choices) from
/// the best of a random pool and of the best trials so far.
///
/// - Start-up: random until `startupTrials` trials have completed.
/// - Failed, non-finite and pruned trials count as the worst value seen, so the
///   model steers away from them; pending trials too (constant liar), which
///   spreads parallel suggestions.
/// - Up to ``maximumDimensions`` encoded dimensions (a categorical parameter
///   counts one per choice).
public struct GPSampler: Sampler {
  public static let maximumDimensions = 20

  public var direction: Direction
  public var startupTrials: Int
  /// Size of the random pool scored before the local searches.
  public var candidatePool: Int
  /// Number of local searches.
  public var localSearches: Int

  public init(direction: Direction = .minimize, startupTrials: Int = 10, candidatePool: Int = 2048, localSearches: Int = 8) {
    self.direction = direction
    self.startupTrials = startupTrials
    self.candidatePool = candidatePool
    self.localSearches = localSearches
  }

  public func suggest(
    in space: SearchSpace, history: [TrialRecord], using rng: inout some RandomNumberGenerator
  ) throws -> Suggestion {
    var g = SuggestionRandom.generator(from: &rng, historyCount: history.count)
    let layout = SpaceLayout(space)
    let encoding = GPEncoding(layout)
    guard encoding.dimensions <= Self.maximumDimensions else {
      throw SamplerError(
        "gp handles up to \(Self.maximumDimensions) dimensions (categorical choices count one each) but this space has \(encoding.dimensions); accepted: \"tpe\", \"random\" or \"sobol\" for this space")
    }
    let scored = ScoredHistory(history, direction: direction)
    var completeCount = 0
    var worst = -Double.infinity
    for case .complete(let loss) in scored.outcomes {
      completeCount += 1
      worst = Swift.max(worst, loss)
    }
    guard encoding.dimensions > 0, completeCount >= Swift.max(startupTrials, 2) else {
      return .configuration(layout.randomConfiguration(using: &g))
    }

    // Training data: every finished trial; pending ones join as constant liars.
    let table = ObservationTable(layout: layout, history: history)
    let d = encoding.dimensions
    var x: [Double] = []
    var y: [Double] = []
    var pendingX: [Double] = []
    for t in scored.byNumber {
      switch scored.outcomes[t] {
      case .complete(let loss):
        encoding.encode(table, row: t, into: &x)
        y.append(loss)
      case .failed, .pruned:
        encoding.encode(table, row: t, into: &x)
        y.append(worst)
      case .pending:
        encoding.encode(table, row: t, into: &pendingX)
      }
    }
    let n = y.count
    y = Self.warp(y)
    var mean = 0.0
    for v in y { mean += v }
    mean /= Double(n)
    var variance = 0.0
    for v in y { variance += (v - mean) * (v - mean) }
    let std = Swift.max((variance / Double(n)).squareRoot(), 1e-12)
    let standardized = y.map { ($0 - mean) / std }
    // Failed and pruned trials sit at the worst complete value, so the best
    // target is a complete trial's.
    let best = standardized.min() ?? 0

    guard var gp = GaussianProcess.fit(x: x, n: n, d: d, y: standardized) else {
      return .configuration(layout.randomConfiguration(using: &g))
    }
    let pendingCount = pendingX.count / Swift.max(d, 1)
    if pendingCount > 0 {
      let liar = standardized.max() ?? 0
      var augmented = gp.withData(x: x + pendingX, n: n + pendingCount)
      if augmented.condition(on: standardized + [Double](repeating: liar, count: pendingCount)) {
        gp = augmented
      }
    }
    let acquisition = Acquisition(gp: gp, best: best, encoding: encoding)
    let point = acquisition.maximize(
      pool: candidatePool, starts: localSearches, incumbents: Self.bestPoints(x, standardized, d: d, count: localSearches),
      using: &g)
    return .configuration(encoding.decode(point, layout: layout))
  }

  /// A monotone compression of heavy upper tails: log(1 + (y − min)/scale),
  /// with scale the interquartile spread of y above its minimum. Order (and so
  /// the incumbent) is kept; a few very bad values no longer flatten the
  /// model everywhere else.
  static func warp(_ y: [Double]) -> [Double] {
    let sorted = y.sorted()
    guard let low = sorted.first else { return y }
    let q1 = Statistics.quantile(sorted: sorted, 0.25)
    let q3 = Statistics.quantile(sorted: sorted, 0.75)
    var scale = q3 - q1
    if !(scale > 0) { scale = (sorted.last ?? low) - low }
    if !(scale > 0) { return y }
    return y.map { Math.log1p(($0 - low) / scale) }
  }

  /// The encoded points of the `count` best training targets.
  private static func bestPoints(_ x: [Double], _ y: [Double], d: Int, count: Int) -> [[Double]] {
    let order = y.indices.sorted { (y[$0], $0) < (y[$1], $1) }
    return order.prefix(count).map { Array(x[($0 * d)..<($0 * d + d)]) }
  }
}

/// log EI over the encoded space and its maximisation.
struct Acquisition {
  let gp: GaussianProcess
  let best: Double
  let encoding: GPEncoding

  /// log EI at `point`; with `gradient`, its partial derivatives too.
  func value(_ point: [Double], gradient: UnsafeMutableBufferPointer<Double>?, scratch: Scratch) -> Double {
    let d = gp.d
    let (mean, variance) = point.withUnsafeBufferPointer { p in
      gp.predict(
        p, kStar: &scratch.kStar, kInvKStar: &scratch.kInvKStar,
        meanGradient: gradient == nil ? nil : scratch.meanGradient,
        varianceGradient: gradient == nil ? nil : scratch.varianceGradient)
    }
    let sigma = variance.squareRoot()
    let (value, dMu, dSigma) = LogExpectedImprovement.value(mu: mean, sigma: sigma, best: best)
    if let gradient {
      for j in 0..<d {
        gradient[j] = dMu * scratch.meanGradient[j] + dSigma * scratch.varianceGradient[j] / (2 * sigma)
      }
    }
    return value.isNaN ? -.infinity : value
  }

  /// Buffers reused across evaluations.
  final class Scratch {
    var kStar: [Double]
    var kInvKStar: [Double]
    let meanGradient: UnsafeMutableBufferPointer<Double>
    let varianceGradient: UnsafeMutableBufferPointer<Double>

    init(n: Int, d: Int) {
      kStar = [Double](repeating: 0, count: n)
      kInvKStar = [Double](repeating: 0, count: n)
      meanGradient = .allocate(capacity: d)
      varianceGradient = .allocate(capacity: d)
    }

    deinit {
      meanGradient.deallocate()
      varianceGradient.deallocate()
    }
  }

  /// A random point: uniform numeric coordinates, one random choice per categorical.
  private func randomPoint(using g: inout SeededGenerator) -> [Double] {
    var p = [Double](repeating: 0, count: encoding.dimensions)
    for slot in encoding.slots {
      switch slot {
      case .numeric(_, let dimension, _): p[dimension] = g.nextUnit()
      case .categorical(_, let first, let count): p[first + g.index(below: count)] = 1
      }
    }
    return p
  }

  /// The best point found from a random pool, the incumbents and small
  /// perturbations of them, refined by local search from the `starts` best.
  func maximize(pool: Int, starts: Int, incumbents: [[Double]], using g: inout SeededGenerator) -> [Double] {
    let scratch = Scratch(n: gp.n, d: gp.d)
    var points: [[Double]] = []
    for _ in 0..<Swift.max(pool, 1) { points.append(randomPoint(using: &g)) }
    for inc in incumbents {
      points.append(inc)
      for _ in 0..<8 {
        var p = inc
        for dim in encoding.numericDimensions {
          p[dim] = Swift.min(Swift.max(p[dim] + 0.05 * g.normal(), 0), 1)
        }
        points.append(p)
      }
    }
    let (means, variances) = gp.predictBatch(points.flatMap { $0 }, count: points.count)
    var candidates: [(value: Double, point: [Double])] = []
    candidates.reserveCapacity(points.count)
    for (c, p) in points.enumerated() {
      let v = LogExpectedImprovement.value(mu: means[c], sigma: variances[c].squareRoot(), best: best).value
      candidates.append((v.isNaN ? -.infinity : v, p))
    }
    candidates.sort { $0.value > $1.value || ($0.value == $1.value && $0.point.lexicographicallyPrecedes($1.point)) }
    var bestPoint = candidates[0].point
    var bestValue = candidates[0].value
    for start in candidates.prefix(Swift.max(starts, 1)) {
      let (p, v) = localSearch(from: start.point, scratch: scratch)
      if v > bestValue {
        bestValue = v
        bestPoint = p
      }
    }
    return bestPoint
  }

  /// Alternates L-BFGS over the numeric coordinates with a sweep over each
  /// categorical parameter's choices, until neither improves.
  private func localSearch(from start: [Double], scratch: Scratch) -> ([Double], Double) {
    var point = start
    var current = value(point, gradient: nil, scratch: scratch)
    let numeric = encoding.numericDimensions
    for _ in 0..<3 {
      var improved = false
      if !numeric.isEmpty {
        let lower = [Double](repeating: 0, count: numeric.count)
        let upper = [Double](repeating: 1, count: numeric.count)
        let gradient = UnsafeMutableBufferPointer<Double>.allocate(capacity: encoding.dimensions)
        defer { gradient.deallocate() }
        let base = point
        let result = LBFGS(maxIterations: 30, gradientTolerance: 1e-6).minimize(numeric.map { point[$0] }, lower: lower, upper: upper) { u, grad in
          var p = base
          for (k, dim) in numeric.enumerated() { p[dim] = u[k] }
          let v = value(p, gradient: gradient, scratch: scratch)
          for (k, dim) in numeric.enumerated() { grad[k] = -gradient[dim] }
          return v.isFinite ? -v : .infinity
        }
        if -result.value > current + 1e-12 {
          for (k, dim) in numeric.enumerated() { point[dim] = result.x[k] }
          current = -result.value
          improved = true
        }
      }
      for slot in encoding.slots {
        guard case .categorical(_, let first, let count) = slot else { continue }
        var bestChoice = -1
        var bestValue = current
        for c in 0..<count {
          var p = point
          for k in 0..<count { p[first + k] = k == c ? 1 : 0 }
          if p == point { continue }
          let v = value(p, gradient: nil, scratch: scratch)
          if v > bestValue + 1e-12 {
            bestValue = v
            bestChoice = c
          }
        }
        if bestChoice >= 0 {
          for k in 0..<count { point[first + k] = k == bestChoice ? 1 : 0 }
          current = bestValue
          improved = true
        }
      }
      if !improved { break }
    }
    return (point, current)
  }
}
