import HPOCore
import HPOReports

extension ReleaseReport {
  /// `report.html`: the self-contained report (``HTMLReport``) of the search
  /// and of this stage's verdict — gates, winner with its validation and test
  /// metrics, history, parallel coordinates, importance, learning curves, trials.
  func html(_ o: ReleaseOutcome) -> String {
    let trials = record.trials.map { t in
      HTMLReport.Trial(
        number: t.number, state: t.state, value: t.record.value, configuration: t.record.configuration,
        epochs: t.epochs, seconds: t.elapsedSeconds, reason: t.reason, intermediate: t.record.intermediate,
        intermediateMetrics: t.intermediateMetrics)
    }
    let winnerRow = winner.map { w in
      var metrics: [String: Double] = [:]
      for (metric, value) in w.validationMetrics { metrics["validation \(metric.rawValue)"] = value }
      for (metric, value) in w.testMetrics { metrics["test \(metric.rawValue)"] = value }
      return HTMLReport.Winner(trialNumber: w.trial, configuration: w.configuration, metrics: metrics)
    }
    let passed: Bool? =
      switch o.status {
      case .passed: true
      case .gateFailed: false
      default: nil
      }
    return HTMLReport.render(HTMLReport.Input(
      experiment: spec.name, objective: spec.objective.metric.rawValue, direction: spec.objective.direction,
      passed: passed, outcome: o.message,
      gates: gates.map { HTMLReport.GateRow(name: $0.name, passed: $0.passed, value: $0.value, threshold: $0.threshold, detail: $0.detail) },
      winner: winnerRow, space: spec.space, trials: trials))
  }
}
