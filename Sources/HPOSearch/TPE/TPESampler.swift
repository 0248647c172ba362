import HPOCore

/// Tree-structured Parzen estimator (Bergstra et al. 2011), following Watanabe
/// (2023) and Optuna 5's `TPESampler` defaults.
///
/// - Start-up: the first `startupTrials` finished trials are drawn at random.
/// - Split: the best `min(⌈γ·n⌉, 25)` finished trials are good (l), the rest
///   bad (g), with failed and non-finite outcomes bad and, with the constant
///   liar, pending trials bad too, so parallel workers spread out.
/// - Estimators: Parzen mixtures in unit coordinates (log scale for log
///   parameters) with Optuna's neighbour bandwidths, prior weight 1 and
///   endpoint handling; weights favour recent bad trials past 25. Two choices
///   follow Watanabe (2023) rather than Optuna (``ParzenSettings/recommended``):
///   kernels no narrower than 3% of the range (magic clip with exponent 2), and
///   good trials weighted by their improvement over the split threshold.
/// - Multivariate (the default): parameters active together form one group
///   with joint kernels; a conditional space is searched group by group, each
///   learning only from the trials where it was active. Univariate mode treats
///   every parameter as its own group.
/// - Choice: `candidates` samples from l, keeping the one maximising
///   log l(x) − log g(x).
/// - Several objectives (``init(options:directions:)``, MOTPE): the split
///   ranks by non-dominated front and hypervolume, and good kernels weigh by
///   hypervolume contribution (``TPESplit/init(multiObjective:scored:directions:gamma:constantLiar:infeasible:)``).
/// - Constraints (trials' `violations`): infeasible trials are never good
///   while enough feasible ones have finished (``ScoredHistory/infeasible(in:)``);
///   without constraints nothing changes.
public struct TPESampler: Sampler {
  public var options: TPEOptions
  /// The direction of each objective, in the spec's order (one for a single objective).
  public private(set) var directions: [Direction]
  var settings: ParzenSettings = .recommended

  /// The first objective's direction.
  public var direction: Direction { directions[0] }

  public init(options: TPEOptions = TPEOptions(), direction: Direction = .minimize) {
    self.options = options
    self.directions = [direction]
  }

  /// Multi-objective TPE over trials' `values`, one direction per objective
  /// (at least one; with one it is the single-objective sampler).
  public init(options: TPEOptions = TPEOptions(), directions: [Direction]) {
    precondition(!directions.isEmpty, "TPE needs at least one objective")
    self.options = options
    self.directions = directions
  }

  init(options: TPEOptions = TPEOptions(), direction: Direction = .minimize, settings: ParzenSettings) {
    self.options = options
    self.directions = [direction]
    self.settings = settings
  }

  public func suggest(
    in space: SearchSpace, history: [TrialRecord], using rng: inout some RandomNumberGenerator
  ) throws -> Suggestion {
    var g = SuggestionRandom.generator(from: &rng, historyCount: history.count)
    let layout = SpaceLayout(space)
    var scored = ScoredHistory(history, direction: direction)
    if scored.finishedCount < Swift.max(options.startupTrials, 1) {
      return .configuration(layout.randomConfiguration(using: &g))
    }
    let infeasible = scored.infeasible(in: history)
    if !infeasible.isEmpty { scored = scored.markingFailed(infeasible) }
    let split =
      directions.count > 1
      ? TPESplit(
        multiObjective: history, scored: scored, directions: directions, gamma: options.gamma,
        constantLiar: options.constantLiar, infeasible: infeasible)
      : TPESplit(scored, gamma: options.gamma, constantLiar: options.constantLiar, infeasible: infeasible)
    let table = ObservationTable(layout: layout, history: history)
    let groups = TPEGroups(layout, multivariate: options.multivariate(objectives: directions.count))

    var config = Configuration()
    var done = [Bool](repeating: false, count: groups.members.count)
    for i in layout.order where layout.isActive(i, in: config) {
      if case .fixed(let v) = layout.entries[i].kind {
        config.values[layout.entries[i].name] = v
        continue
      }
      let group = groups.groupOf[i]
      if done[group] { continue }
      done[group] = true
      sampleGroup(groups.members[group], layout: layout, table: table, split: split, scored: scored, into: &config, using: &g)
    }
    return .configuration(config)
  }

  /// Draws the group's candidates from l and writes the best into `config`.
  private func sampleGroup(
    _ members: [Int], layout: SpaceLayout, table: ObservationTable, split: TPESplit, scored: ScoredHistory,
    into config: inout Configuration, using g: inout SeededGenerator
  ) {
    let columns = members.map { ParzenEstimator.column(for: layout.entries[$0].kind)! }
    let improvement = settings.improvementWeights && split.belowWeights == nil ? scored : nil
    let below = estimator(
      members, columns, table, split.below, improvement: improvement, split: split, weights: split.belowWeights)
    let above = estimator(members, columns, table, split.above, improvement: nil, split: split, sampling: false)
    let cands = below.sample(Swift.max(options.candidates, 1), using: &g)
    let lBelow = below.logDensity(cands)
    let lAbove = above.logDensity(cands)
    var bestIndex = 0
    var bestScore = -Double.infinity
    for c in 0..<cands.count {
      let score = lBelow[c] - lAbove[c]
      if score > bestScore || (bestScore == -.infinity && c == 0) {
        bestScore = score
        bestIndex = c
      }
    }
    for (j, p) in members.enumerated() {
      let entry = layout.entries[p]
      switch entry.kind {
      case .numeric(let scale):
        let x = scale.isLattice ? cands.value[j][bestIndex] : scale.nearestValue(toUnit: cands.unit[j][bestIndex])
        config.values[entry.name] = scale.parameterValue(x)
      case .categorical(let choices):
        config.values[entry.name] = choices[Int(cands.unit[j][bestIndex])]
      case .fixed(let v):
        config.values[entry.name] = v
      }
    }
  }

  /// The Parzen estimator of the trials `rows` that have every member active.
  /// With `improvement`, each good trial weighs its improvement over the best
  /// bad trial (Watanabe 2023's EI weighting); with `fixed`, each trial its
  /// entry there (by history index); otherwise Optuna's weights.
  private func estimator(
    _ members: [Int], _ columns: [ParzenEstimator.Column], _ table: ObservationTable, _ rows: [Int],
    improvement scored: ScoredHistory?, split: TPESplit, weights fixed: [Double]? = nil, sampling: Bool = true
  ) -> ParzenEstimator {
    let n = table.rowCount
    var kept: [Int] = []
    kept.reserveCapacity(rows.count)
    table.values.withUnsafeBufferPointer { v in
      for t in rows where members.allSatisfy({ !v[$0 * n + t].isNaN }) { kept.append(t) }
    }
    let values = members.map { p in
      table.values.withUnsafeBufferPointer { v in kept.map { v[p * n + $0] } }
    }
    var weights = fixed.map { w in kept.map { w[$0] } } ?? TPESplit.defaultWeights(kept.count)
    if let scored {
      var threshold = Double.infinity
      for t in split.above {
        if let loss = scored.completeLoss(t) { threshold = Swift.min(threshold, loss) }
      }
      let losses = kept.map { scored.completeLoss($0) }
      let finite = losses.compactMap { $0 }
      if threshold.isFinite, let worst = finite.max(), let best = finite.min() {
        let floor = Swift.max((threshold - best) * 1e-3, 1e-12)
        weights = losses.map { loss in Swift.max(threshold - (loss ?? worst), floor) }
        let mean = weights.reduce(0, +) / Double(Swift.max(weights.count, 1))
        weights = weights.map { $0 / mean }
      }
    }
    return ParzenEstimator(columns: columns, values: values, weights: weights, settings: settings, sampling: sampling)
  }
}

/// Parameters that are active together: the same chain of conditions up to the
/// root (the tree of a conditional space). Univariate TPE puts each parameter
/// in a group of its own.
struct TPEGroups {
  /// Entry indices of each group, in topological order.
  var members: [[Int]]
  /// The group of each searched entry (−1 for fixed parameters).
  var groupOf: [Int]

  init(_ layout: SpaceLayout, multivariate: Bool) {
    var signatures: [String] = Array(repeating: "", count: layout.entries.count)
    var groupOf = [Int](repeating: -1, count: layout.entries.count)
    var members: [[Int]] = []
    var groupBySignature: [String: Int] = [:]
    let index = Dictionary(uniqueKeysWithValues: layout.entries.enumerated().map { ($1.name, $0) })
    for i in layout.order {
      let entry = layout.entries[i]
      if let c = entry.condition {
        let own = c.requirements.map { r in "\(r.parent)∈[\(r.values.map(\.description).joined(separator: ","))]" }
        let inherited = c.parents.compactMap { index[$0].map { signatures[$0] } }
        signatures[i] = (own + inherited).joined(separator: ";")
      }
      if case .fixed = entry.kind { continue }
      let key = multivariate ? signatures[i] : entry.name
      if let g = groupBySignature[key] {
        members[g].append(i)
        groupOf[i] = g
      } else {
        groupBySignature[key] = members.count
        groupOf[i] = members.count
        members.append([i])
      }
    }
    self.members = members
    self.groupOf = groupOf
  }
}
