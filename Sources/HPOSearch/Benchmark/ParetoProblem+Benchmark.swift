import HPOCore

/// Search quality and suggestion latency on a ``ParetoProblem``
/// (`hpo bench pareto`).
public struct ParetoBenchmark: Sendable {
  /// Hypervolume after `trials` trials over `seeds` searches.
  public struct Quality: Sendable, Equatable {
    public var problem: String
    public var sampler: String
    public var trials: Int
    /// The hypervolume of each seed's trials, seed 0 first.
    public var hypervolumes: [Double]
    public var q1: Double
    public var median: Double
    public var q3: Double
  }

  /// One suggestion's time after `history` finished trials, in seconds.
  public struct Latency: Sendable, Equatable {
    public var history: Int
    public var repetitions: Int
    public var median: Double
    public var p90: Double
  }

  public var problem: ParetoProblem

  public init(problem: ParetoProblem) { self.problem = problem }

  /// Runs `trials` sequential trials with `sampler`, trial t suggested with
  /// `SeededGenerator(seed: seed, stream: t)` (as the coordinator does); every
  /// trial completes with its objective vector in `values` and the first
  /// objective in `value`, so single-objective samplers see the first objective.
  public func search(_ sampler: any Sampler, trials: Int, seed: UInt64) throws -> [TrialRecord] {
    var history: [TrialRecord] = []
    history.reserveCapacity(trials)
    for t in 0..<trials {
      var rng = SeededGenerator(seed: seed, stream: UInt64(t))
      guard case .configuration(let config) = try sampler.suggest(in: problem.space, history: history, using: &rng) else {
        break
      }
      history.append(completed(number: t, config))
    }
    return history
  }

  /// The hypervolume of the complete trials' objective vectors against the
  /// problem's reference point.
  public func hypervolume(of history: [TrialRecord]) -> Double {
    let points = history.filter { $0.state == .complete }.map(\.values)
    return Hypervolume.volume(points, reference: problem.reference, directions: problem.directions)
  }

  /// The hypervolume after `trials` trials for seeds 0 to `seeds` − 1, with
  /// the sampler `makeSampler` gives for each seed.
  public func quality(
    samplerName: String, trials: Int, seeds: Int, makeSampler: (UInt64) -> any Sampler
  ) throws -> Quality {
    var volumes: [Double] = []
    for seed in 0..<UInt64(Swift.max(seeds, 1)) {
      volumes.append(hypervolume(of: try search(makeSampler(seed), trials: trials, seed: seed)))
    }
    let sorted = volumes.sorted()
    return Quality(
      problem: problem.name, sampler: samplerName, trials: trials, hypervolumes: volumes,
      q1: Statistics.quantile(sorted: sorted, 0.25), median: Statistics.quantile(sorted: sorted, 0.5),
      q3: Statistics.quantile(sorted: sorted, 0.75))
  }

  /// `count` complete trials at random configurations (uniform in the space),
  /// numbered 0…: the history the latency is measured after.
  public func randomHistory(_ count: Int, seed: UInt64) -> [TrialRecord] {
    let layout = SpaceLayout(problem.space)
    var g = SeededGenerator(seed: seed, stream: 0xB11)
    return (0..<count).map { completed(number: $0, layout.randomConfiguration(using: &g)) }
  }

  /// Times `repetitions` suggestions of `sampler` after ``randomHistory(_:seed:)``
  /// (one untimed warm-up first), each with its own generator stream.
  public func latency(_ sampler: any Sampler, history count: Int, repetitions: Int, seed: UInt64) throws -> Latency {
    let history = randomHistory(count, seed: seed)
    var warm = SeededGenerator(seed: seed, stream: 1 << 40)
    _ = try sampler.suggest(in: problem.space, history: history, using: &warm)
    let clock = ContinuousClock()
    var times: [Double] = []
    for r in 0..<Swift.max(repetitions, 1) {
      var rng = SeededGenerator(seed: seed, stream: UInt64(r))
      let start = clock.now
      _ = try sampler.suggest(in: problem.space, history: history, using: &rng)
      times.append((clock.now - start).seconds)
    }
    times.sort()
    return Latency(
      history: count, repetitions: times.count, median: Statistics.quantile(sorted: times, 0.5),
      p90: Statistics.quantile(sorted: times, 0.9))
  }

  private func completed(number: Int, _ config: Configuration) -> TrialRecord {
    let values = problem.evaluate(config)
    return TrialRecord(number: number, configuration: config, state: .complete, value: values.first, values: values)
  }
}
