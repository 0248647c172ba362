import HPOCore

extension HTMLReport {
  /// The best objective so far after each complete trial, in trial-number
  /// order: (trial number, best value). Monotone: never worse than the previous.
  static func bestSoFar(_ input: ReportInput) -> [(number: Int, value: Double)] {
    OptimisationHistory(trials: input.trials, direction: input.direction).bestSoFar.map { ($0.number, $0.value) }
  }

  /// The optimisation history: each finished trial's objective by trial
  /// number (complete: filled dots; pruned: hollow), and the best-so-far line
  /// (`id="best-so-far"`, its values in `data-values`).
  static func history(_ input: ReportInput, _ html: inout HTMLWriter) {
    html.element("h2", "Optimisation history")
    let shown = input.trials.filter { ($0.state == .complete || $0.state == .pruned) && ($0.value?.isFinite ?? false) }
    guard !shown.isEmpty else {
      html.element("p", "No finished trial with a finite objective yet.", ["class": "note"])
      return
    }
    let lowerIsBetter = input.direction == .minimize
    let maxNumber = Double(input.trials.map(\.number).max() ?? 0)
    let frame = ChartFrame(
      xRange: 0...Swift.max(1, maxNumber),
      yRange: ChartFrame.robustRange(shown.compactMap(\.value), lowerIsBetter: lowerIsBetter))
    frame.openSVG(&html, ["id": "history", "class": "chart"])
    frame.axes(&html, xLabel: "trial", yLabel: input.objective, integerX: true)
    for t in shown.sorted(by: { $0.number < $1.number }) {
      let v = t.value ?? 0
      html.open("circle", [
        "class": t.state == .complete ? "dot" : "dot pruned", "r": "3",
        "cx": frame.f(frame.x(Double(t.number))), "cy": frame.f(frame.y(v)),
      ])
      let clipped = frame.contains(y: v) ? "" : " (off the chart)"
      html.element("title", "trial \(t.number) \(t.state.rawValue): \(format(v))\(clipped)")
      html.close("circle")
    }
    let best = bestSoFar(input)
    if !best.isEmpty {
      // A step line: the best holds until the next improvement.
      var points: [String] = []
      var previous: Double?
      for (number, value) in best {
        let x = frame.f(frame.x(Double(number)))
        if let p = previous { points.append("\(x),\(frame.f(frame.y(p)))") }
        points.append("\(x),\(frame.f(frame.y(value)))")
        previous = value
      }
      if let last = best.last {
        points.append("\(frame.f(frame.x(maxNumber))),\(frame.f(frame.y(last.value)))")
      }
      html.shape("polyline", [
        "id": "best-so-far", "class": "best", "points": points.joined(separator: " "),
        "data-values": best.map { "\($0.value)" }.joined(separator: " "),
        "data-trials": best.map { String($0.number) }.joined(separator: " "),
      ])
    }
    html.close("svg")
    html.element(
      "p", "Dots: complete trials; hollow: pruned (their last reported value). Line: best \(input.objective) so far "
        + "(\(lowerIsBetter ? "lower" : "higher") is better). Values far worse than most are drawn at the chart's edge.",
      ["class": "note"])
  }
}
