import HPOCore
import HPOReports

extension ReleaseReport {
  /// What this stage found, as the plain input of HPOReports' renderers
  /// (`report.md`, `junit.xml`, `report.html`, the model card). Without an
  /// outcome (the model card is written before the stage's outcome is known)
  /// there is no status and the outcome sentence is empty.
  func reportInput(_ o: ReleaseOutcome?) -> ReportInput {
    var input = ReportInput(
      experiment: spec.name, objective: spec.objective.metric.rawValue, direction: spec.objective.direction,
      model: spec.model.kind, status: o?.status, outcome: o?.message ?? "", error: error,
      gates: gates.map {
        ReportInput.Gate(name: $0.name, kind: $0.kind.rawValue, passed: $0.passed, value: $0.value, threshold: $0.threshold, detail: $0.detail)
      },
      winner: winner.map {
        ReportInput.Winner(
          trialNumber: $0.trial, configuration: $0.configuration, origin: $0.origin, seed: $0.seed,
          validation: $0.validationMetrics, test: $0.testMetrics)
      } ?? commandWinner.map {
        ReportInput.Winner(
          trialNumber: $0.trial, configuration: $0.configuration, origin: "checkpoint", seed: $0.seed,
          validation: $0.validationMetrics, test: $0.testMetrics)
      },
      champion: champion.map {
        ReportInput.Champion(entry: $0.entry, version: $0.version, metric: $0.metric, champion: $0.champion, winner: $0.winner, test: $0.testSummary)
      },
      package: package, drift: gates.lazy.compactMap(\.drift).first, space: spec.space,
      trials: record.trials.map(ReportInput.Trial.init))
    input.pareto = ReportInput.Pareto(record)
    return input
  }

  /// The winner's model and the prepared data, for the model card; nil until both are known.
  private var package: ReportInput.Package? {
    guard let c = winner?.checkpoint, let d = data else { return nil }
    return ReportInput.Package(
      description: spec.description, kind: c.kind, precision: c.precision, parameters: c.parameterCount, task: c.task,
      classCount: c.classCount, label: d.labelName, featureCount: d.featureNames.count,
      features: statistics.map { ReportInput.Feature(name: $0.name, min: $0.min, max: $0.max, mean: $0.mean, std: $0.std) },
      trainRows: d.train.reduce(0) { $0 + $1.rows }, testRows: d.test.rows, sourceFile: d.sourceFile,
      sourceSHA256: d.sourceSHA256, missing: d.missing, imputation: imputation?.strategy)
  }

  /// README.md: the model card (``ModelCard``; a command model's, ``commandModelCard(_:)``).
  func modelCard() -> String {
    if let c = commandWinner { return commandModelCard(c) }
    return ModelCard.render(reportInput(nil))
  }
}
