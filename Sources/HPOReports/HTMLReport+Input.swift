import HPOCore
import HPOStore

extension HTMLReport.Input {
  /// The input for `experiment` as `store` holds it: its spec (objective,
  /// space), every trial with its per-epoch reports, and — unless `winner` is
  /// given — the best complete trial with its final metrics as the winner.
  ///
  /// - Parameters:
  ///   - passed, outcome, gates: The verdict, mapped by the caller from its gate results.
  /// - Throws: `StoreError` (`.unknownExperiment` when there is no such experiment).
  public init(
    store: ExperimentStore, experiment: String, passed: Bool? = nil, outcome: String? = nil,
    gates: [HTMLReport.GateRow] = [], winner: HTMLReport.Winner? = nil
  ) throws(StoreError) {
    let trials = try store.storedTrials(of: experiment)
    guard let stored = try store.experiment(named: experiment) else {
      throw StoreError(path: store.path, kind: .unknownExperiment(name: experiment))
    }
    let spec = stored.spec
    let reportTrials = trials.map { t in
      HTMLReport.Trial(
        number: t.number, state: t.state, value: t.record.value, configuration: t.record.configuration,
        epochs: t.epochs, seconds: t.elapsedSeconds, reason: t.reason, intermediate: t.record.intermediate,
        intermediateMetrics: t.intermediateMetrics)
    }
    self.init(
      experiment: experiment, objective: spec.objective.metric.rawValue, direction: spec.objective.direction,
      passed: passed,
      outcome: outcome ?? "search \(stored.state.rawValue): \(stored.trialCounts.complete) complete, "
        + "\(stored.trialCounts.pruned) pruned, \(stored.trialCounts.failed) failed of \(stored.trialCounts.total) trials",
      gates: gates, winner: nil, space: spec.space, trials: reportTrials)
    if let winner {
      self.winner = winner
    } else if let best = ranked.first, let t = trials.first(where: { $0.number == best.number }) {
      self.winner = HTMLReport.Winner(trialNumber: best.number, configuration: best.configuration, metrics: t.metrics)
    }
  }
}
