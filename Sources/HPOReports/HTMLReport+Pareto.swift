import HPOCore

extension HTMLReport {
  /// With several objectives: every complete trial by its first two objectives
  /// (`id="pareto"`), the front's members filled and joined by a step line
  /// (`id="pareto-front"`, its trials in `data-trials`), infeasible trials hollow.
  /// With three or more objectives the front is also listed with every value.
  static func paretoFront(_ input: ReportInput, _ html: inout HTMLWriter) {
    guard let pareto = input.pareto else { return }
    html.element("h2", "Pareto front")
    guard !pareto.points.isEmpty else {
      html.element("p", "No complete trial with every objective yet.", ["class": "note"])
      return
    }
    let (xName, xDirection) = pareto.objectives[0]
    let (yName, yDirection) = pareto.objectives[1]
    let xs = pareto.points.map { $0.values[0] }, ys = pareto.points.map { $0.values[1] }
    let frame = ChartFrame(
      xRange: ChartFrame.robustRange(xs, lowerIsBetter: xDirection == .minimize),
      yRange: ChartFrame.robustRange(ys, lowerIsBetter: yDirection == .minimize))
    frame.openSVG(&html, ["id": "pareto", "class": "chart"])
    frame.axes(&html, xLabel: "\(xName) (\(xDirection.rawValue))", yLabel: "\(yName) (\(yDirection.rawValue))", integerX: false)
    for p in pareto.points {
      let cls = p.onFront ? "dot front" : (p.feasible ? "dot dominated" : "dot pruned")
      html.open("circle", ["class": cls, "r": p.onFront ? "4" : "3", "cx": frame.f(frame.x(p.values[0])), "cy": frame.f(frame.y(p.values[1]))])
      let values = zip(pareto.objectives, p.values).map { "\($0.0.name) \(format($0.1))" }.joined(separator: ", ")
      html.element("title", "trial \(p.trial)\(p.onFront ? " (on the front)" : "")\(p.feasible ? "" : " (infeasible)"): \(values)")
      html.close("circle")
    }
    let front = pareto.front
    if pareto.objectives.count == 2, !front.isEmpty {
      // The front as a staircase from its best first objective to its best second one.
      var points: [String] = []
      for (i, p) in front.enumerated() {
        if i > 0 { points.append("\(frame.f(frame.x(p.values[0]))),\(frame.f(frame.y(front[i - 1].values[1])))") }
        points.append("\(frame.f(frame.x(p.values[0]))),\(frame.f(frame.y(p.values[1])))")
      }
      html.shape("polyline", ["id": "pareto-front", "class": "best", "points": points.joined(separator: " "),
                              "data-trials": front.map { String($0.trial) }.joined(separator: " ")])
    }
    html.close("svg")
    html.element("p", "Each complete trial by \(xName) and \(yName); large dots: the Pareto front (\(front.count) trials"
      + (pareto.objectives.count > 2 ? ", judged on all \(pareto.objectives.count) objectives" : "")
      + "); hollow: infeasible (a constraint is violated). Values far off are drawn at the chart's edge.", ["class": "note"])
  }
}
