import HPOCore

/// Latency of one suggestion after `history` finished trials (`hpo bench suggest`).
public struct SuggestBenchmark: Sendable {
  public struct Result: Sendable, Equatable {
    public var sampler: String
    public var history: Int
    public var repetitions: Int
    /// Seconds.
    public var median: Double
    public var p90: Double
    public var minimum: Double
  }

  public var history: Int
  public var repetitions: Int
  public var seed: UInt64

  public init(history: Int, repetitions: Int = 30, seed: UInt64 = 0) {
    self.history = history
    self.repetitions = repetitions
    self.seed = seed
  }

  /// The prefilled history: `history` random configurations of
  /// ``BenchmarkProblem/latencySpace``, complete with the latency objective.
  public func prefilledHistory() -> [TrialRecord] {
    let layout = SpaceLayout(BenchmarkProblem.latencySpace)
    var g = SeededGenerator(seed: seed, stream: 0xB11)
    return (0..<history).map { n in
      let config = layout.randomConfiguration(using: &g)
      return TrialRecord(number: n, configuration: config, state: .complete, value: BenchmarkProblem.latencyObjective(config))
    }
  }

  /// Times `repetitions` suggestions (after one warm-up), each with its own generator stream.
  public func run(_ sampler: any Sampler, name: String) throws -> Result {
    let trials = prefilledHistory()
    let space = BenchmarkProblem.latencySpace
    var warm = SeededGenerator(seed: seed, stream: 1 << 40)
    _ = try sampler.suggest(in: space, history: trials, using: &warm)
    var times: [Double] = []
    times.reserveCapacity(repetitions)
    let clock = ContinuousClock()
    for r in 0..<Swift.max(repetitions, 1) {
      var rng = SeededGenerator(seed: seed, stream: UInt64(r))
      let start = clock.now
      let suggestion = try sampler.suggest(in: space, history: trials, using: &rng)
      let elapsed = clock.now - start
      precondition(suggestion != .notNow)
      times.append(elapsed.seconds)
    }
    times.sort()
    return Result(
      sampler: name, history: history, repetitions: times.count,
      median: Statistics.quantile(sorted: times, 0.5), p90: Statistics.quantile(sorted: times, 0.9),
      minimum: times[0])
  }
}

/// Order statistics for benchmark reports.
public enum Statistics {
  /// The `q` quantile of sorted values, linear interpolation (NumPy's default).
  public static func quantile(sorted values: [Double], _ q: Double) -> Double {
    guard !values.isEmpty else { return .nan }
    let position = q * Double(values.count - 1)
    let lower = Int(position.rounded(.down))
    let upper = Swift.min(lower + 1, values.count - 1)
    let fraction = position - Double(lower)
    if fraction == 0 || values[upper] == values[lower] { return values[lower] }
    return values[lower] + (values[upper] - values[lower]) * fraction
  }
}
