import HPOCore

/// The data of the optimisation history plot, for the HTML report and the live dashboard
/// alike: each finished trial's objective by trial number, and the best value so far.
public struct OptimisationHistory: Sendable, Equatable {
  /// One finished trial: complete (its final objective) or pruned (its last reported one).
  public struct Point: Sendable, Equatable {
    public var number: Int
    public var state: TrialState
    public var value: Double
  }

  /// The best objective so far after a complete trial.
  public struct Best: Sendable, Equatable {
    public var number: Int
    public var value: Double
  }

  /// Complete and pruned trials with a finite objective, by trial number.
  public var points: [Point]
  /// After each complete trial with a finite objective, in trial-number order, the best
  /// objective so far in `direction`: monotone, never worse than the one before. Pruned
  /// trials never count (their value is not a final one).
  public var bestSoFar: [Best]

  public init(trials: [ReportInput.Trial], direction: Direction) {
    let sorted = trials.sorted { $0.number < $1.number }
    points = sorted.compactMap { t in
      guard t.state == .complete || t.state == .pruned, let v = t.value, v.isFinite else { return nil }
      return Point(number: t.number, state: t.state, value: v)
    }
    var best: Double?
    bestSoFar = []
    for t in sorted {
      guard t.state == .complete, let v = t.value, v.isFinite else { continue }
      let b = best.map { direction == .minimize ? Swift.min($0, v) : Swift.max($0, v) } ?? v
      best = b
      bestSoFar.append(Best(number: t.number, value: b))
    }
  }
}
