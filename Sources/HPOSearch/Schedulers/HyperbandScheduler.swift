import HPOCore

/// Hyperband (Li et al. 2018) run asynchronously: s_max + 1 brackets of ASHA
/// (Li et al. 2020, "asynchronous Hyperband"), with s_max = ⌊log_η(max/min)⌋.
///
/// Bracket j (0 … s_max) starts judging at rung j, epoch `min_epochs·η^j`, and
/// uses the rungs of ``RungLadder`` from there on; bracket 0 is plain ASHA and
/// the last bracket (when min·η^s_max = max) has no rung: its trials always
/// train to the end. Rung numbers and epochs are the same in every bracket.
///
/// Trials are assigned to brackets from their number alone, so the assignment
/// survives a restart: in every cycle of `T = Σ nⱼ` consecutive trial numbers,
/// bracket j gets nⱼ = ⌈(s_max + 1)·η^s / (s + 1)⌉ trials, with s = s_max − j
/// halvings, Hyperband's allocation (Optuna's HyperbandPruner uses the same
/// weights). Within a cycle the numbers are interleaved by a golden-ratio
/// permutation, so early trials are spread across brackets rather than all
/// given to bracket 0.
///
/// At a rung a trial is compared only with trials of its own bracket, by the
/// rule of ``ASHAScheduler``. Reasons name the bracket, rung and epoch.
public struct HyperbandScheduler: Scheduler {
  /// One bracket: its ladder (the rungs where its trials are judged) and its
  /// share of every cycle of trial numbers.
  public struct Bracket: Sendable, Equatable {
    public var index: Int
    /// The epoch of its first decision (`min_epochs·η^index`).
    public var minEpochs: Int
    public var ladder: RungLadder
    /// nⱼ: trials per cycle.
    public var trials: Int
  }

  /// The objectives' directions; one for a single objective (several: by Pareto front, as ``ASHAScheduler``).
  public let directions: [Direction]
  /// The (first) objective's direction.
  public var direction: Direction { directions[0] }
  public let brackets: [Bracket]
  /// Σ nⱼ: the length of the assignment cycle.
  public let cycle: Int
  private let cumulative: [Int]
  private let stride: Int

  public init(direction: Direction, minEpochs: Int, reductionFactor: Int, maxEpochs: Int) {
    self.init(directions: [direction], minEpochs: minEpochs, reductionFactor: reductionFactor, maxEpochs: maxEpochs)
  }

  public init(directions: [Direction], minEpochs: Int, reductionFactor: Int, maxEpochs: Int) {
    precondition(!directions.isEmpty, "at least one objective")
    self.directions = directions
    let full = RungLadder(minEpochs: minEpochs, reductionFactor: reductionFactor, maxEpochs: maxEpochs)
    let eta = full.reductionFactor
    let sMax = full.largestExponent
    var brackets: [Bracket] = []
    var start = full.minEpochs
    for (j, n) in HyperbandAllocation.bracketTrials(largestExponent: sMax, reductionFactor: eta).enumerated() {
      brackets.append(Bracket(
        index: j, minEpochs: start,
        ladder: RungLadder(minEpochs: full.minEpochs, reductionFactor: eta, maxEpochs: maxEpochs, firstRung: j),
        trials: n))
      if j < sMax { start *= eta }
    }
    self.brackets = brackets
    var cumulative: [Int] = []
    var total = 0
    for b in brackets {
      total += b.trials
      cumulative.append(total)
    }
    self.cumulative = cumulative
    self.cycle = total
    var a = Swift.max(Int((Double(total) * 0.618_033_988_749_894_8).rounded()), 1)
    while gcd(a, total) != 1 { a += 1 }
    self.stride = a
  }

  /// The bracket of trial `number`.
  public func bracket(of number: Int) -> Int {
    if cumulative.count == 1 { return 0 }
    let p = ((number % cycle) + cycle) % cycle
    let q = cycle.dividingFullWidth(p.multipliedFullWidth(by: stride)).remainder
    var j = 0
    while cumulative[j] <= q { j += 1 }
    return j
  }

  public func decide(for trial: TrialRecord, report: IntermediateReport, history: [TrialRecord]) -> SchedulerDecision {
    let j = bracket(of: trial.number)
    let b = brackets[j]
    if b.ladder.rungs.isEmpty { return .continue }
    return SuccessiveHalving(ladder: b.ladder, directions: directions, label: "hyperband bracket \(j) (from epoch \(b.minEpochs))")
      .decide(for: trial, report: report, history: history) { bracket(of: $0) == j }
  }
}

private func gcd(_ a: Int, _ b: Int) -> Int {
  var (x, y) = (a, b)
  while y != 0 { (x, y) = (y, x % y) }
  return x
}
