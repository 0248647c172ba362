import HPOCore

/// NSGA-II (Deb et al. 2002), following Optuna 5's `NSGAIISampler`: a
/// genetic search for the Pareto front of one or several objectives.
///
/// - First generation: while fewer than `populationSize` trials have
///   finished, each suggestion is exactly the ``RandomSampler``'s for the same
///   generator state.
/// - Parents: the elite of the finished generations (``NSGA2Population``
///   documents how generations are cut from the history, how the elite is
///   chosen under constraint-dominance and crowding distance, and how pruned,
///   failed and infeasible trials count). Pending and running trials are never
///   parents.
/// - Child: with `crossoverProbability`, two parents picked by binary
///   tournament (the first of two random elite members if it
///   constraint-dominates the second, else the second; the second parent is
///   picked among the others) and recombined (``NSGA2Crossover``); otherwise a
///   copy of one random elite member. Then each parameter is redrawn from its
///   prior with `mutationProbability`.
/// - Mixed and conditional spaces: parameters are decided parents first
///   (``SpaceLayout``). A parameter the chosen parent lacks (inactive there,
///   or a value outside the space) comes from the other parent, or from the
///   prior when neither has it; integers and steps stay on their lattice, log
///   parameters recombine in log scale, so every suggestion is a valid point.
/// - Duplicates: a child equal to a trial already in the history (finished or
///   pending) is drawn again, up to ``attempts`` draws in all (Optuna keeps
///   such copies), so parallel workers do not train one configuration twice.
///
/// One objective works too (the history's `value`, `directions: [direction]`).
/// Pure: an answer depends on the history and the generator alone (there is
/// no seed of its own), so it survives a coordinator restart; the only state
/// kept between calls is a memo of elites that never changes an answer.
public struct NSGA2Sampler: Sampler {
  /// Each objective's direction, in the spec's `objectives` order.
  public var directions: [Direction]
  public var options: NSGA2Options
  /// Elites of generations already cut (``NSGA2EliteMemo``): it makes a
  /// suggestion cheap without changing any answer, and copies of a sampler share it.
  private let memo = NSGA2EliteMemo()

  public init(directions: [Direction], options: NSGA2Options = .init()) {
    precondition(!directions.isEmpty, "NSGA-II needs at least one objective")
    self.directions = directions
    self.options = options
  }

  public func suggest(
    in space: SearchSpace, history: [TrialRecord], using rng: inout some RandomNumberGenerator
  ) throws -> Suggestion {
    var g = SuggestionRandom.generator(from: &rng, historyCount: history.count)
    let layout = memo.layout(of: space)
    let population = NSGA2Population(history: history, directions: directions, populationSize: options.populationSize, memo: memo)
    if population.parents.isEmpty {
      return .configuration(layout.randomConfiguration(using: &g))
    }
    // A copy of a trial already in the history (a parent copied unmutated, two equal
    // parents) would train the same configuration twice, and parallel workers asking
    // in a row would get the same one: draw again, a bounded number of times.
    var child = makeChild(population.parents, layout: layout, history: history, using: &g)
    var attempt = 1
    while attempt < Self.attempts, Self.isCopy(child, in: history) {
      child = makeChild(population.parents, layout: layout, history: history, using: &g)
      attempt += 1
    }
    return .configuration(child)
  }

  /// Draws per suggestion before a copy of an existing trial is accepted (a
  /// small space may hold nothing new).
  static let attempts = 10

  /// Whether `configuration` equals a trial's in `history`. Reads each record in
  /// place (a `for` over the records would copy every one of them) and compares
  /// through ``ConfigurationProbe``, which hashes nothing.
  static func isCopy(_ configuration: Configuration, in history: [TrialRecord]) -> Bool {
    let probe = ConfigurationProbe(configuration)
    return history.withUnsafeBufferPointer { records in
      guard let first = records.baseAddress else { return false }
      for i in 0..<records.count where probe.equals((first + i).pointee.configuration) { return true }
      return false
    }
  }

  /// One child of the elite: a crossover of two tournament winners with
  /// `crossoverProbability`, else a copy of a random member; then mutation.
  private func makeChild(
    _ elite: [NSGA2Population.Member], layout: SpaceLayout, history: [TrialRecord], using g: inout SeededGenerator
  ) -> Configuration {
    let parents: (NSGA2Population.Member, NSGA2Population.Member)
    let crossover = g.nextUnit() < options.crossoverProbability
    if crossover {
      parents = tournamentPair(elite, using: &g)
    } else {
      let only = elite[g.index(below: elite.count)]
      parents = (only, only)
    }
    let child = NSGA2Child(
      layout: layout, first: history[parents.0.index].configuration, second: history[parents.1.index].configuration,
      options: options, crossover: crossover)
    return child.make(using: &g)
  }

  /// Two distinct parents (the same one when the elite has a single member),
  /// each the winner of a binary tournament as in Optuna's `_select_parent`.
  func tournamentPair(
    _ elite: [NSGA2Population.Member], using g: inout SeededGenerator
  ) -> (NSGA2Population.Member, NSGA2Population.Member) {
    let first = tournament(elite[...], using: &g)
    let others = elite.filter { $0.index != first.index }
    guard !others.isEmpty else { return (first, first) }
    return (first, tournament(others[...], using: &g))
  }

  /// Of two members drawn at random (with replacement), the first if it
  /// constraint-dominates the second, otherwise the second.
  func tournament(_ members: ArraySlice<NSGA2Population.Member>, using g: inout SeededGenerator) -> NSGA2Population.Member {
    let a = members[members.startIndex + g.index(below: members.count)]
    let b = members[members.startIndex + g.index(below: members.count)]
    let aWins = Pareto.constraintDominates(
      a.objectives, violation: a.violation, b.objectives, violation: b.violation, directions: directions)
    return aWins ? a : b
  }
}
