import HPOCore

/// Search quality (`hpo bench search`): the best value after half and all of
/// `trials` trials, over `seeds` independent searches, as quartiles.
public struct SearchBenchmark: Sendable {
  public struct Quartiles: Sendable, Equatable {
    public var trials: Int
    public var q1: Double
    public var median: Double
    public var q3: Double

    init(trials: Int, _ values: [Double]) {
      let sorted = values.sorted()
      self.trials = trials
      q1 = Statistics.quantile(sorted: sorted, 0.25)
      median = Statistics.quantile(sorted: sorted, 0.5)
      q3 = Statistics.quantile(sorted: sorted, 0.75)
    }
  }

  public struct Result: Sendable, Equatable {
    public var function: String
    public var sampler: String
    public var trials: Int
    public var seeds: Int
    public var half: Quartiles
    public var full: Quartiles
    /// Best value of each seed after all trials, in the objective's own
    /// direction (maximised objectives stay positive-is-better).
    public var bestPerSeed: [Double]
    /// Trials whose objective failed (threw or was not finite).
    public var failedTrials: Int
  }

  public var trials: Int
  public var seeds: Int

  public init(trials: Int, seeds: Int) {
    self.trials = trials
    self.seeds = seeds
  }

  /// Runs `seeds` searches of `problem` with the sampler made for each seed.
  /// Seed k suggests trial t with `SeededGenerator(seed: k, stream: t)`.
  public func run(
    _ problem: BenchmarkProblem, samplerName: String, makeSampler: (UInt64) -> any Sampler
  ) throws -> Result {
    let half = Swift.max(trials / 2, 1)
    var atHalf: [Double] = []
    var atFull: [Double] = []
    var failed = 0
    let sign: Double = problem.direction == .minimize ? 1 : -1
    for seed in 0..<Swift.max(seeds, 1) {
      let sampler = makeSampler(UInt64(seed))
      var history: [TrialRecord] = []
      var best = Double.infinity  // in loss terms (lower is better)
      for t in 0..<trials {
        var rng = SeededGenerator(seed: UInt64(seed), stream: UInt64(t))
        guard case .configuration(let config) = try sampler.suggest(in: problem.space, history: history, using: &rng) else {
          break
        }
        // An objective that fails for a configuration is a failed trial (as in a search), not an abort.
        let value = try? problem.evaluate(config)
        if let value, value.isFinite {
          history.append(TrialRecord(number: t, configuration: config, state: .complete, value: value))
          best = Swift.min(best, sign * value)
        } else {
          history.append(TrialRecord(number: t, configuration: config, state: .failed))
          failed += 1
        }
        if t + 1 == half { atHalf.append(sign * best) }
      }
      if history.count < half { atHalf.append(sign * best) }
      atFull.append(sign * best)
    }
    return Result(
      function: problem.name, sampler: samplerName, trials: trials, seeds: Swift.max(seeds, 1),
      half: Quartiles(trials: half, atHalf), full: Quartiles(trials: trials, atFull),
      bestPerSeed: atFull, failedTrials: failed)
  }
}
