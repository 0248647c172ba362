import HPOCore

/// Latency of one early-stopping decision with `history` trials behind it
/// (`hpo bench schedule`): the time the coordinator spends in
/// ``Scheduler/decide(for:report:history:)`` per reported epoch.
///
/// The history is what a search with this scheduler leaves: each trial has a
/// learning curve (value falling towards a random floor, minimised), reported
/// every epoch up to where a successive-halving ladder (`minEpochs`·η^k) stopped
/// it — one trial in η going on at each rung — and complete when it reached
/// `maxEpochs`. Timed decisions are reports of new trials at every epoch of the
/// ladder in turn, so rung epochs (where the scheduler compares) and epochs
/// between rungs are both measured.
public struct ScheduleBenchmark: Sendable {
  public struct Result: Sendable, Equatable {
    public var scheduler: String
    public var history: Int
    /// Intermediate reports in the history (all trials).
    public var reports: Int
    public var repetitions: Int
    /// Seconds per decision.
    public var median: Double
    public var p90: Double
    public var maximum: Double
    /// Median and maximum over the decisions at rung epochs (where ASHA and
    /// Hyperband compare with the history; the median rule compares at every epoch).
    public var rungMedian: Double
    public var rungMaximum: Double
    /// Timed decisions that stopped the trial.
    public var stops: Int
  }

  public var history: Int
  public var repetitions: Int
  public var minEpochs: Int
  public var reductionFactor: Int
  public var maxEpochs: Int
  public var seed: UInt64

  public init(history: Int, repetitions: Int = 200, minEpochs: Int = 1, reductionFactor: Int = 3, maxEpochs: Int = 27, seed: UInt64 = 0) {
    self.history = history
    self.repetitions = repetitions
    self.minEpochs = minEpochs
    self.reductionFactor = reductionFactor
    self.maxEpochs = maxEpochs
    self.seed = seed
  }

  /// The epochs at which successive halving decides (``RungLadder``), then `maxEpochs`.
  var rungEpochs: [Int] {
    RungLadder(minEpochs: minEpochs, reductionFactor: reductionFactor, maxEpochs: maxEpochs).rungs.map(\.epoch) + [maxEpochs]
  }

  /// A learning curve: the value at `epoch` of a trial whose floor is `floor`.
  static func curve(floor: Double, speed: Double, epoch: Int) -> Double {
    floor + speed / Double(epoch)
  }

  /// The prefilled history (numbers 0 ..< history).
  public func prefilledHistory() -> [TrialRecord] {
    var g = SeededGenerator(seed: seed, stream: 0x5C4ED)
    let rungs = rungEpochs
    return (0..<history).map { n in
      let floor = Double.random(in: 0...1, using: &g)
      let speed = Double.random(in: 0.1...2, using: &g)
      // Survives k rungs with probability η^-k.
      var last = rungs[0]
      for epoch in rungs.dropFirst() {
        guard Int.random(in: 0..<reductionFactor, using: &g) == 0 else { break }
        last = epoch
      }
      let reports = (1...last).map { IntermediateReport(step: $0, value: Self.curve(floor: floor, speed: speed, epoch: $0)) }
      let done = last == maxEpochs
      return TrialRecord(
        number: n, configuration: Configuration(["x": .float(floor)]), state: done ? .complete : .pruned,
        value: reports.last?.value, intermediate: reports)
    }
  }

  /// Times `repetitions` decisions (after one warm-up) of `scheduler`.
  public func run(_ scheduler: any Scheduler, name: String) -> Result {
    let trials = prefilledHistory()
    var g = SeededGenerator(seed: seed, stream: 0xDEC1DE)
    let epochs = Array(1...maxEpochs)
    let rungs = Set(rungEpochs)
    var times: [Double] = []
    var atRungs: [Double] = []
    times.reserveCapacity(repetitions)
    var stops = 0
    let clock = ContinuousClock()
    for r in -1..<Swift.max(repetitions, 1) {
      let epoch = epochs[(r + epochs.count) % epochs.count]
      let floor = Double.random(in: 0...1, using: &g)
      let reports = (1...epoch).map { IntermediateReport(step: $0, value: Self.curve(floor: floor, speed: 1, epoch: $0)) }
      let trial = TrialRecord(number: history + r + 1, configuration: Configuration(["x": .float(floor)]), state: .running, intermediate: reports)
      let start = clock.now
      let decision = scheduler.decide(for: trial, report: reports[reports.count - 1], history: trials)
      let elapsed = clock.now - start
      guard r >= 0 else { continue }
      if case .stop = decision { stops += 1 }
      let seconds = elapsed.seconds
      times.append(seconds)
      if rungs.contains(epoch) { atRungs.append(seconds) }
    }
    times.sort()
    atRungs.sort()
    return Result(
      scheduler: name, history: history, reports: trials.reduce(0) { $0 + $1.intermediate.count }, repetitions: times.count,
      median: Statistics.quantile(sorted: times, 0.5), p90: Statistics.quantile(sorted: times, 0.9),
      maximum: times[times.count - 1],
      rungMedian: Statistics.quantile(sorted: atRungs, 0.5), rungMaximum: atRungs.last ?? .nan, stops: stops)
  }
}
