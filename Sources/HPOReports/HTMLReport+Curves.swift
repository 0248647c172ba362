import HPOCore

extension HTMLReport {
  /// The metrics with per-epoch values: the objective (the intermediate
  /// reports) first, then every other metric the reports carry, by name.
  static func curveMetrics(_ input: ReportInput, trials: [ReportInput.Trial]) -> [String] {
    var others = Set<String>()
    for t in trials { for m in t.intermediateMetrics.values { others.formUnion(m.keys) } }
    others.remove(input.objective)
    let hasObjective = trials.contains { !$0.intermediate.isEmpty }
    return (hasObjective ? [input.objective] : []) + others.sorted()
  }

  /// Learning curves: per metric one chart of the best ``curveTrialLimit``
  /// trials' per-epoch values (complete first by rank, then pruned by their
  /// last value), coloured by rank; a selector switches the metric.
  static func learningCurves(_ input: ReportInput, _ html: inout HTMLWriter) {
    html.element("h2", "Learning curves")
    let sign = input.direction == .minimize ? 1.0 : -1.0
    let pruned = input.trials.filter { $0.state == .pruned && !$0.intermediate.isEmpty }
      .sorted { (sign * ($0.value ?? .infinity), $0.number) < (sign * ($1.value ?? .infinity), $1.number) }
    let chosen = Array((input.ranked.filter { !$0.intermediate.isEmpty } + pruned).prefix(curveTrialLimit))
    let metrics = curveMetrics(input, trials: chosen)
    guard !metrics.isEmpty else {
      html.element("p", "No per-epoch reports (a model trained in one step, such as ridge, reports none).", ["class": "note"])
      return
    }
    html.open("p")
    html.element("label", "metric ", ["for": "curve-metric"])
    html.open("select", ["id": "curve-metric"])
    for m in metrics { html.element("option", m, ["value": m]) }
    html.close("select")
    html.close("p")
    let maxEpoch = Double(chosen.flatMap { $0.intermediate.map(\.step) }.max() ?? 1)
    for (index, metric) in metrics.enumerated() {
      let series: [(ReportInput.Trial, [(Int, Double)])] = chosen.map { t in
        let points: [(Int, Double)] = metric == input.objective && index == 0
          ? t.intermediate.map { ($0.step, $0.value) }
          : t.intermediateMetrics.keys.sorted().compactMap { s in t.intermediateMetrics[s]?[metric].map { (s, $0) } }
        return (t, points.filter { $0.1.isFinite })
      }
      let values = series.flatMap { $0.1.map(\.1) }
      let lowerIsBetter = metric == input.objective ? input.direction == .minimize : !Self.higherIsBetter(metric)
      let frame = ChartFrame(
        xRange: 1...Swift.max(2, maxEpoch), yRange: ChartFrame.robustRange(values, lowerIsBetter: lowerIsBetter))
      var attributes = ["class": "chart curves", "data-metric": metric]
      if index > 0 { attributes["style"] = "display:none" }
      frame.openSVG(&html, attributes)
      frame.axes(&html, xLabel: "epoch", yLabel: metric, integerX: true)
      for (rank, (trial, points)) in series.enumerated().reversed() where !points.isEmpty {
        let thinned = Self.thin(points, to: 200)
        html.open("polyline", [
          "class": "curve", "stroke": ChartFrame.colour(rank: rank, of: series.count),
          "points": thinned.map { "\(frame.f(frame.x(Double($0.0)))),\(frame.f(frame.y($0.1)))" }.joined(separator: " "),
        ])
        html.element("title", "trial \(trial.number) (\(trial.state.rawValue))")
        html.close("polyline")
      }
      html.close("svg")
    }
    let total = input.trials.filter { !$0.intermediate.isEmpty }.count
    html.element(
      "p", "Per-epoch values on the validation split of the \(chosen.count) best trials"
        + (total > chosen.count ? " (of \(total) with reports)" : "") + "; dark blue is the best.",
      ["class": "note"])
  }

  /// Metrics where a higher value is better.
  static func higherIsBetter(_ metric: String) -> Bool {
    ["accuracy", "balanced_accuracy", "f1_macro", "roc_auc", "r2"].contains(metric)
  }

  /// At most `limit` points, evenly picked, first and last kept.
  static func thin(_ points: [(Int, Double)], to limit: Int) -> [(Int, Double)] {
    guard points.count > limit else { return points }
    return (0..<limit).map { points[$0 * (points.count - 1) / (limit - 1)] }
  }
}
