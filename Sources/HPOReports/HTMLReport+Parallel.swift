import Foundation
import HPOCore

/// One vertical axis of the parallel coordinates: a searched parameter,
/// mapped onto [0, 1] (log scale for log parameters, evenly spaced choices
/// for categorical ones); nil for a parameter a trial does not have (an
/// inactive conditional parameter).
struct ParameterAxis {
  var name: String
  var position: (ParameterValue?) -> Double?
  var lowLabel: String
  var highLabel: String
  /// Categorical choices with their positions, for tick labels.
  var ticks: [(String, Double)]

  init?(_ parameter: Parameter) {
    name = parameter.name
    ticks = []
    switch parameter.domain {
    case .fixed:
      return nil
    case .float(let r):
      let (lo, hi, log) = (r.low, r.high, r.log)
      position = { v in v?.numericValue.map { Self.unit($0, lo, hi, log) } }
      lowLabel = HTMLReport.format(lo)
      highLabel = HTMLReport.format(hi)
    case .int(let r):
      let (lo, hi, log) = (Double(r.low), Double(r.high), r.log)
      position = { v in v?.numericValue.map { Self.unit($0, lo, hi, log) } }
      lowLabel = String(r.low)
      highLabel = String(r.high)
    case .categorical(let choices):
      let n = choices.count
      let at = { (i: Int) -> Double in n > 1 ? Double(i) / Double(n - 1) : 0.5 }
      position = { v in v.flatMap { choices.firstIndex(of: $0) }.map(at) }
      ticks = choices.enumerated().map { ($0.element.plainText, at($0.offset)) }
      lowLabel = ""
      highLabel = ""
    }
  }

  static func unit(_ v: Double, _ lo: Double, _ hi: Double, _ log: Bool) -> Double {
    let (a, b, x) = log && lo > 0 && v > 0 ? (Foundation.log(lo), Foundation.log(hi), Foundation.log(v)) : (lo, hi, v)
    guard b > a else { return 0.5 }
    return Swift.min(1, Swift.max(0, (x - a) / (b - a)))
  }
}

extension HTMLReport {
  /// Parallel coordinates of the complete trials: one axis per searched
  /// parameter (sorted by name) and one for the objective; the best 20 %
  /// (at least one) coloured by rank, the rest grey. Inactive parameters sit
  /// on a dashed "n/a" line below their axis.
  static func parallelCoordinates(_ input: ReportInput, _ html: inout HTMLWriter) {
    html.element("h2", "Parallel coordinates")
    let ranked = input.ranked
    let axes = input.space.parameters.sorted { $0.name < $1.name }.compactMap(ParameterAxis.init)
    guard !ranked.isEmpty, !axes.isEmpty else {
      html.element("p", ranked.isEmpty ? "No complete trial yet." : "No searched parameter.", ["class": "note"])
      return
    }
    let lowerIsBetter = input.direction == .minimize
    let objectiveRange = ChartFrame.robustRange(ranked.compactMap(\.value), lowerIsBetter: lowerIsBetter)
    let count = axes.count + 1
    let width = Swift.max(480.0, Double(count) * 130)
    let (top, plotHeight, naY) = (30.0, 230.0, 280.0)
    let height = 310.0
    func axisX(_ i: Int) -> Double { 60 + Double(i) * (width - 120) / Double(count - 1) }
    func y(_ unit: Double?) -> Double { unit.map { top + (1 - $0) * plotHeight } ?? naY }
    html.open("svg", [
      "id": "parallel", "class": "chart", "role": "img", "width": "\(Int(width))", "height": "\(Int(height))",
      "viewBox": "0 0 \(Int(width)) \(Int(height))",
    ])
    let colouredCount = Swift.max(1, Int((Double(ranked.count) * 0.2).rounded(.up)))
    // Grey lines first, then the coloured ones from worst to best, so the best is on top.
    let order = Array(ranked.dropFirst(colouredCount).reversed()) + Array(ranked.prefix(colouredCount).reversed())
    let rankOf = Dictionary(uniqueKeysWithValues: ranked.enumerated().map { ($0.element.number, $0.offset) })
    for t in order {
      var points: [String] = []
      for (i, axis) in axes.enumerated() {
        points.append("\(ChartFrame.f(axisX(i))),\(ChartFrame.f(y(axis.position(t.configuration[axis.name]))))")
      }
      let v = t.value ?? 0
      let span = objectiveRange.upperBound - objectiveRange.lowerBound
      let unit = span > 0 ? Swift.min(1, Swift.max(0, (v - objectiveRange.lowerBound) / span)) : 0.5
      points.append("\(ChartFrame.f(axisX(axes.count))),\(ChartFrame.f(y(unit)))")
      let rank = rankOf[t.number] ?? 0
      let coloured = rank < colouredCount
      var attributes = ["points": points.joined(separator: " "), "class": coloured ? "pc top" : "pc"]
      if coloured { attributes["style"] = "stroke:" + ChartFrame.colour(rank: rank, of: colouredCount) }
      html.open("polyline", attributes)
      html.element("title", "trial \(t.number) (rank \(rank + 1)): \(input.objective) \(format(v))")
      html.close("polyline")
    }
    let labels = axes.map(\.name) + [input.objective]
    for (i, name) in labels.enumerated() {
      let x = ChartFrame.f(axisX(i))
      html.shape("line", ["class": "axis", "x1": x, "y1": ChartFrame.f(top), "x2": x, "y2": ChartFrame.f(top + plotHeight)])
      html.element("text", name, ["class": "label", "x": x, "y": "16", "text-anchor": "middle"])
      if i < axes.count {
        let axis = axes[i]
        html.element("text", "n/a", ["class": "tick", "x": x, "y": ChartFrame.f(naY + 14), "text-anchor": "middle"])
        for (label, unit) in axis.ticks {
          html.element("text", label, ["class": "tick", "x": ChartFrame.f(axisX(i) + 4), "y": ChartFrame.f(y(unit) - 3)])
        }
        if axis.ticks.isEmpty {
          html.element("text", axis.highLabel, ["class": "tick", "x": ChartFrame.f(axisX(i) + 4), "y": ChartFrame.f(top + 10)])
          html.element("text", axis.lowLabel, ["class": "tick", "x": ChartFrame.f(axisX(i) + 4), "y": ChartFrame.f(top + plotHeight - 2)])
        }
      } else {
        html.element("text", format(objectiveRange.upperBound), ["class": "tick", "x": ChartFrame.f(axisX(i) + 4), "y": ChartFrame.f(top + 10)])
        html.element("text", format(objectiveRange.lowerBound), ["class": "tick", "x": ChartFrame.f(axisX(i) + 4), "y": ChartFrame.f(top + plotHeight - 2)])
      }
    }
    html.close("svg")
    html.element(
      "p", "\(ranked.count) complete trials; the best \(colouredCount) (20 %) coloured from dark blue (best) to green, the rest grey.",
      ["class": "note"])
  }
}
