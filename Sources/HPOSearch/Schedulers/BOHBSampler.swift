import HPOCore

/// BOHB-style search (Falkner et al. 2018): TPE trained on the results at the
/// highest budget that has enough observations, run with
/// ``HyperbandScheduler`` stopping the trials.
///
/// Budgets are the rungs of ``RungLadder`` (`min_epochs·η^k` < max) and the full
/// budget `model.epochs`. A trial is observed at a rung once it has reported
/// there (its first report at or after the rung's epoch), whatever its state:
/// a trial pruned at a rung is observed at that rung, its last; a running trial
/// that passed the rung is observed there too. A trial is observed at the full
/// budget when it completed (its final value) or reported at the last epoch.
///
/// Before each suggestion the sampler picks the highest budget with at least
/// `minObservations` observations (BOHB's N_min = d + 1, d the number of
/// searched parameters) and hands TPE a view of the history at that budget:
/// - observed trials become complete, with their value at that budget;
/// - trials pruned below it stay pruned; TPE counts them as finished bad
///   outcomes (``TPESplit``: they fill the good set only when there are fewer
///   complete trials than good slots, furthest-reaching first, and are bad
///   otherwise), so stopped trials still push TPE away from their region;
/// - failed trials stay failed (the worst), pending and running ones stay
///   pending (bad with TPE's constant liar).
/// When no budget has enough observations yet, suggestions are random
/// (BOHB's rule). BOHB also draws a fraction ρ of all configurations at
/// random (1/3 in the paper); `randomFraction` sets it, 0 by default so that
/// TPE's own start-up is the only random phase (as Optuna's TPE with its
/// HyperbandPruner does).
public struct BOHBSampler: Sampler {
  public var tpe: TPESampler
  /// The budgets, in increasing order: the rung epochs, then `model.epochs`.
  public let budgets: [Int]
  /// N_min; nil means d + 1 for the space at hand.
  public var minObservations: Int?
  /// ρ in [0, 1].
  public var randomFraction: Double

  public init(
    options: TPEOptions = TPEOptions(), direction: Direction = .minimize, minEpochs: Int, reductionFactor: Int,
    maxEpochs: Int, minObservations: Int? = nil, randomFraction: Double = 0
  ) {
    self.tpe = TPESampler(options: options, direction: direction)
    let ladder = RungLadder(minEpochs: minEpochs, reductionFactor: reductionFactor, maxEpochs: maxEpochs)
    self.budgets = ladder.rungs.map(\.epoch) + [maxEpochs]
    self.minObservations = minObservations
    self.randomFraction = randomFraction
  }

  public func suggest(
    in space: SearchSpace, history: [TrialRecord], using rng: inout some RandomNumberGenerator
  ) throws -> Suggestion {
    if randomFraction > 0 {
      var coin = SeededGenerator(seed: rng.next(), stream: 0xB0_4B)
      if coin.nextUnit() < randomFraction { return try RandomSampler().suggest(in: space, history: history, using: &rng) }
    }
    let needed = minObservations ?? (Self.dimensions(of: space) + 1)
    guard let budget = trainingBudget(history, needed: needed) else {
      return try RandomSampler().suggest(in: space, history: history, using: &rng)
    }
    return try tpe.suggest(in: space, history: view(of: history, at: budget), using: &rng)
  }

  /// d: the parameters TPE searches (fixed ones excluded).
  static func dimensions(of space: SearchSpace) -> Int {
    space.parameters.reduce(0) { n, p in
      if case .fixed = p.domain { return n }
      return n + 1
    }
  }

  /// The highest budget observed by at least `needed` trials, if any.
  public func trainingBudget(_ history: [TrialRecord], needed: Int) -> Int? {
    var counts = [Int](repeating: 0, count: budgets.count)
    for trial in history {
      // Observations are nested: a trial observed at a budget is observed at every lower one.
      guard let top = highestObserved(trial) else { continue }
      for b in 0...top { counts[b] += 1 }
    }
    return budgets.indices.last { counts[$0] >= Swift.max(needed, 1) }.map { budgets[$0] }
  }

  /// The history as TPE sees it when trained at `budget`.
  public func view(of history: [TrialRecord], at budget: Int) -> [TrialRecord] {
    history.map { trial in
      guard let v = value(of: trial, at: budget) else { return trial }
      var seen = trial
      seen.state = .complete
      seen.value = v
      return seen
    }
  }

  /// The index in `budgets` of the highest budget `trial` is observed at.
  private func highestObserved(_ trial: TrialRecord) -> Int? {
    if trial.state == .complete, trial.value != nil { return budgets.count - 1 }
    guard let last = trial.intermediate.last?.step else { return nil }
    return budgets.lastIndex { $0 <= last }
  }

  /// The trial's value at `budget`, if it is observed there.
  private func value(of trial: TrialRecord, at budget: Int) -> Double? {
    if budget == budgets.last, trial.state == .complete, let v = trial.value { return v }
    return Reports.value(trial.intermediate, atOrAfter: budget)
  }
}
