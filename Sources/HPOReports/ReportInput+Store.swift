import HPOCore
import HPOStore

extension ReportInput {
  /// The input for `experiment` as `store` holds it: its spec (objective,
  /// model, space), every trial with its per-epoch reports, and — unless
  /// `winner` is given — the best complete trial with its final metrics as the winner.
  ///
  /// - Parameters:
  ///   - status, outcome, gates: The verdict, mapped by the caller from its gate results.
  /// - Throws: `StoreError` (`.unknownExperiment` when there is no such experiment).
  public init(
    store: ExperimentStore, experiment: String, status: ReleaseOutcome.Status? = nil, outcome: String? = nil,
    gates: [Gate] = [], winner: Winner? = nil
  ) throws(StoreError) {
    let trials = try store.storedTrials(of: experiment)
    guard let stored = try store.experiment(named: experiment) else {
      throw StoreError(path: store.path, kind: .unknownExperiment(name: experiment))
    }
    let spec = stored.spec
    self.init(
      experiment: experiment, objective: spec.objective.metric.rawValue, direction: spec.objective.direction,
      model: spec.model.kind, status: status,
      outcome: outcome ?? "search \(stored.state.rawValue): \(stored.trialCounts.complete) complete, "
        + "\(stored.trialCounts.pruned) pruned, \(stored.trialCounts.failed) failed of \(stored.trialCounts.total) trials",
      gates: gates, winner: nil, space: spec.space, trials: trials.map(Trial.init))
    pareto = Pareto(SearchRecord(spec: spec, trials: trials, checkpoints: []))
    if let winner {
      self.winner = winner
    } else if let best = ranked.first, let t = trials.first(where: { $0.number == best.number }) {
      self.winner = Winner(trialNumber: best.number, configuration: best.configuration, metrics: t.metrics)
    }
  }
}

extension ReportInput.Trial {
  /// The trial as the store holds it: state, objective, configuration, epochs,
  /// run time, reason and per-epoch reports.
  public init(_ t: StoredTrial) {
    self.init(
      number: t.number, state: t.state, value: t.record.value, configuration: t.record.configuration,
      epochs: t.epochs, seconds: t.elapsedSeconds, reason: t.reason, intermediate: t.record.intermediate,
      intermediateMetrics: t.intermediateMetrics)
  }
}
