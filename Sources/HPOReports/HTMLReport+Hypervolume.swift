import HPOCore

extension HTMLReport {
  /// With several objectives: the hypervolume of the feasible complete trials
  /// so far after each one, by trial number (`id="hypervolume"`, a step line
  /// with the values in `data-values`), against the reference point printed
  /// beneath (``ReportInput/Pareto/reference``).
  static func hypervolumeHistory(_ input: ReportInput, _ html: inout HTMLWriter) {
    guard let pareto = input.pareto else { return }
    html.element("h2", "Hypervolume over time")
    guard let last = pareto.hypervolume.last else {
      html.element("p", "No feasible complete trial with every objective yet.", ["class": "note"])
      return
    }
    let steps = pareto.hypervolume
    let maxNumber = Double(Swift.max(input.trials.map(\.number).max() ?? 0, last.trial))
    let frame = ChartFrame(xRange: 0...Swift.max(1, maxNumber), yRange: 0...Swift.max(last.volume, 1e-300))
    frame.openSVG(&html, ["id": "hypervolume-chart", "class": "chart"])
    frame.axes(&html, xLabel: "trial", yLabel: "hypervolume", integerX: true)
    var points: [String] = []
    var previous: Double?
    for step in steps {
      let x = frame.f(frame.x(Double(step.trial)))
      if let p = previous { points.append("\(x),\(frame.f(frame.y(p)))") }
      points.append("\(x),\(frame.f(frame.y(step.volume)))")
      previous = step.volume
    }
    points.append("\(frame.f(frame.x(maxNumber))),\(frame.f(frame.y(last.volume)))")
    html.shape("polyline", [
      "id": "hypervolume", "class": "best", "points": points.joined(separator: " "),
      "data-values": steps.map { format($0.volume) }.joined(separator: " "),
    ])
    html.close("svg")
    let reference = zip(pareto.objectives, pareto.reference).map { "\($0.0.name) \(format($0.1))" }.joined(separator: ", ")
    html.element(
      "p", "The volume the feasible complete trials dominate, after each of them (higher is better): \(format(last.volume)) "
        + "after trial \(last.trial). Reference point: \(reference) (each objective's worst value among them, a tenth of its range further).",
      ["class": "note"])
  }

  /// With three or more objectives: parallel coordinates of the objectives
  /// (`id="pareto-parallel"`), one line per complete trial, the front's
  /// members coloured and drawn on top (`class="pc top"`), the rest grey.
  /// Each axis runs from its worst value (bottom) to its best (top).
  static func objectiveParallelCoordinates(_ input: ReportInput, _ html: inout HTMLWriter) {
    guard let pareto = input.pareto, pareto.objectives.count > 2, !pareto.points.isEmpty else { return }
    html.element("h2", "Objectives in parallel")
    let count = pareto.objectives.count
    let width = Swift.max(480.0, Double(count) * 160)
    let (top, plotHeight, height) = (30.0, 230.0, 290.0)
    func axisX(_ i: Int) -> Double { 60 + Double(i) * (width - 120) / Double(count - 1) }
    let ranges = pareto.objectives.indices.map { k in
      ChartFrame.robustRange(pareto.points.map { $0.values[k] }, lowerIsBetter: pareto.objectives[k].direction == .minimize)
    }
    func y(_ k: Int, _ v: Double) -> Double {
      let r = ranges[k]
      let span = r.upperBound - r.lowerBound
      var unit = span > 0 ? Swift.min(1, Swift.max(0, (v - r.lowerBound) / span)) : 0.5
      if pareto.objectives[k].direction == .minimize { unit = 1 - unit }
      return top + (1 - unit) * plotHeight
    }
    html.open("svg", [
      "id": "pareto-parallel", "class": "chart", "role": "img", "width": "\(Int(width))", "height": "\(Int(height))",
      "viewBox": "0 0 \(Int(width)) \(Int(height))",
    ])
    let front = pareto.front
    let ordered = pareto.points.filter { !$0.onFront } + front
    for (n, p) in ordered.enumerated() {
      let points = p.values.enumerated().map { "\(ChartFrame.f(axisX($0.offset))),\(ChartFrame.f(y($0.offset, $0.element)))" }
      var attributes = ["points": points.joined(separator: " "), "class": p.onFront ? "pc top" : "pc"]
      if p.onFront {
        attributes["style"] = "stroke:" + ChartFrame.colour(rank: n - (ordered.count - front.count), of: Swift.max(front.count, 1))
      }
      html.open("polyline", attributes)
      let values = zip(pareto.objectives, p.values).map { "\($0.0.name) \(format($0.1))" }.joined(separator: ", ")
      html.element("title", "trial \(p.trial)\(p.onFront ? " (on the front)" : ""): \(values)")
      html.close("polyline")
    }
    for (k, objective) in pareto.objectives.enumerated() {
      let x = ChartFrame.f(axisX(k))
      let r = ranges[k]
      let (best, worst) = objective.direction == .minimize ? (r.lowerBound, r.upperBound) : (r.upperBound, r.lowerBound)
      html.shape("line", ["class": "axis", "x1": x, "y1": ChartFrame.f(top), "x2": x, "y2": ChartFrame.f(top + plotHeight)])
      html.element("text", "\(objective.name) (\(objective.direction.rawValue))", ["class": "label", "x": x, "y": "16", "text-anchor": "middle"])
      html.element("text", format(best), ["class": "tick", "x": ChartFrame.f(axisX(k) + 4), "y": ChartFrame.f(top + 10)])
      html.element("text", format(worst), ["class": "tick", "x": ChartFrame.f(axisX(k) + 4), "y": ChartFrame.f(top + plotHeight - 2)])
    }
    html.close("svg")
    html.element(
      "p", "\(pareto.points.count) complete trials by every objective, best at the top of each axis; the \(front.count) on the Pareto front coloured, the rest grey.",
      ["class": "note"])
  }
}
