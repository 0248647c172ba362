import HPOCore

extension HTMLReport {
  /// Parameter importance as horizontal bars (see ``ParameterImportance``).
  static func importance(_ input: ReportInput, _ html: inout HTMLWriter) {
    html.element("h2", "Parameter importance")
    let ranked = input.ranked
    let scores = ParameterImportance.scores(
      space: input.space, trials: ranked.map { ($0.configuration, $0.value ?? .nan) },
      lowerIsBetter: input.direction == .minimize)
    let method = "Share of the variance of the objective's ranks explained by each parameter alone "
      + "(ε², corrected for the number of bins; interactions ignored). Computed over \(ranked.count) complete trials."
    guard !scores.isEmpty else {
      html.element(
        "p", "Needs at least \(ParameterImportance.minimumTrials) complete trials with a finite objective; "
          + "this experiment has \(ranked.count).", ["class": "note"])
      return
    }
    let rowHeight = 24.0
    let height = Double(scores.count) * rowHeight + 30
    let (labelWidth, barWidth) = (170.0, 480.0)
    html.open("svg", [
      "id": "importance", "class": "chart", "role": "img", "width": "760", "height": ChartFrame.f(height),
      "viewBox": "0 0 760 \(ChartFrame.f(height))",
    ])
    for (i, s) in scores.enumerated() {
      let y = 8 + Double(i) * rowHeight
      html.element("text", s.name, ["class": "label", "x": ChartFrame.f(labelWidth - 8), "y": ChartFrame.f(y + 15), "text-anchor": "end"])
      html.open("rect", [
        "class": "bar", "x": ChartFrame.f(labelWidth), "y": ChartFrame.f(y + 3), "height": ChartFrame.f(rowHeight - 8),
        "width": ChartFrame.f(Swift.max(1, s.score * barWidth)), "data-score": "\(s.score)",
      ])
      html.element("title", "\(s.name): ε² \(format(s.score)), η² \(format(s.etaSquared)), \(s.bins) bins")
      html.close("rect")
      html.element("text", format(s.score), ["class": "tick", "x": ChartFrame.f(labelWidth + Swift.max(1, s.score * barWidth) + 6), "y": ChartFrame.f(y + 15)])
    }
    html.close("svg")
    var note = method
    if ranked.count < 10 { note += " With fewer than 10 trials these scores are mostly noise." }
    html.element("p", note, ["class": "note"])
  }
}
