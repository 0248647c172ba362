import HPOCore

/// `report.md`: the release stage's verdict for people — the outcome, the
/// winner with its validation and test metrics, the gates, the champion
/// comparison and the ten best trials. Table cells are escaped
/// (``ReportText/cell(_:)``); configurations are shown as the search space
/// types them. Deterministic for a given input.
public enum MarkdownReport {
  /// The trials listed, at most.
  public static let trialLimit = 10

  /// The report as Markdown text, ending with a newline.
  public static func render(_ input: ReportInput) -> String {
    let metric = input.objective
    var md = "# \(input.experiment): \(title(input.status))\n\n\(input.outcome.prefix(1).uppercased() + input.outcome.dropFirst()).\n\n"
    if let w = input.winner { md += winner(w, input) }
    if !input.gates.isEmpty {
      md += "## Gates\n\n| gate | result | value | threshold | detail |\n|---|---|---|---|---|\n"
      for g in input.gates {
        md += "| \(ReportText.cell(g.name)) | \(g.passed ? "✅ pass" : "❌ fail") | \(ReportText.fixed(g.value)) | \(ReportText.cell(g.threshold)) | \(ReportText.cell(g.detail)) |\n"
      }
      md += "\n"
    }
    if let c = input.champion {
      md += "## Champion\n\n\(c.entry) (\(c.version)): \(c.metric.rawValue) champion \(ReportText.fixed(c.champion)), winner \(ReportText.fixed(c.winner)); \(c.test).\n\n"
    }
    md += "## Top trials by \(metric)\n\n| rank | trial | state | \(metric) | epochs | configuration |\n|---|---|---|---|---|---|\n"
    for (i, t) in byObjective(input).prefix(trialLimit).enumerated() {
      md += "| \(i + 1) | \(t.number) | \(t.state.rawValue) | \(ReportText.fixed(t.value)) | \(t.epochs) | `\(input.space.normalized(t.configuration))` |\n"
    }
    if let pareto = input.pareto {
      let names = pareto.objectives.map { "\($0.name) (\($0.direction.rawValue))" }
      md += "\n## Pareto front\n\n\(pareto.front.count) of \(pareto.points.count) complete trials are on the front.\n\n"
      md += "| trial | " + names.joined(separator: " | ") + " |\n|---|" + String(repeating: "---|", count: names.count) + "\n"
      for p in pareto.front { md += "| \(p.trial) | " + p.values.map { ReportText.fixed($0) }.joined(separator: " | ") + " |\n" }
      if let last = pareto.hypervolume.last {
        let reference = zip(pareto.objectives, pareto.reference).map { "\($0.0.name) \(ReportText.fixed($0.1))" }.joined(separator: ", ")
        md += "\n## Hypervolume over time\n\nReference point: \(reference) (each objective's worst feasible value, a tenth of its range further). "
        md += "\(ReportText.fixed(last.volume)) after trial \(last.trial).\n\n| after trial | hypervolume |\n|---|---|\n"
        // At most ten rows: evenly spaced steps, the last one included.
        let steps = pareto.hypervolume
        let shown = Set((0..<Swift.min(10, steps.count)).map { i in (steps.count - 1) - i * (steps.count - 1) / Swift.max(1, Swift.min(10, steps.count) - 1) })
        for (i, step) in steps.enumerated() where shown.contains(i) { md += "| \(step.trial) | \(ReportText.fixed(step.volume)) |\n" }
      }
    }
    md += "\n\(input.trials.count) trials in all.\n"
    return md
  }

  /// The heading's verdict.
  static func title(_ status: ReleaseOutcome.Status?) -> String {
    switch status {
    case .passed: "passed ✅"
    case .gateFailed: "gate failed ❌"
    case .error: "error ⚠️"
    case .skipped: "skipped"
    case nil: "no verdict"
    }
  }

  /// The winner's section: trial, origin and seed, model kind, configuration,
  /// and a row per metric with a validation or test value (the objective marked).
  static func winner(_ w: ReportInput.Winner, _ input: ReportInput) -> String {
    let provenance = [w.origin, w.seed.map { "seed \($0)" }].compactMap { $0 }
    let from = provenance.isEmpty ? "" : " (\(provenance.joined(separator: ", ")))"
    var md = "## Winner\n\nTrial \(w.trialNumber)\(from), \(input.model.rawValue): `\(w.configuration)`\n\n"
    md += "| metric | validation | test |\n|---|---|---|\n"
    for m in Metric.allCases where w.validation[m] != nil || w.test[m] != nil {
      md += "| \(m.rawValue)\(m.rawValue == input.objective ? " (objective)" : "") | \(ReportText.fixed(w.validation[m])) | \(ReportText.fixed(w.test[m])) |\n"
    }
    return md + "\n"
  }

  /// Every trial: complete ones by objective, best first (a complete trial
  /// without a value counts as +∞ before the sign of the direction is
  /// applied), then the others; ties by number.
  static func byObjective(_ input: ReportInput) -> [ReportInput.Trial] {
    let sign: Double = input.direction == .minimize ? 1 : -1
    return input.trials.sorted { a, b in
      let va = a.state == .complete ? sign * (a.value ?? .infinity) : .infinity
      let vb = b.state == .complete ? sign * (b.value ?? .infinity) : .infinity
      return (va, a.number) < (vb, b.number)
    }
  }
}
