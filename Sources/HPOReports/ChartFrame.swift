import Foundation

/// A chart's drawing area: pixel size, margins and the data ranges mapped
/// onto it, with axis drawing shared by the report's charts.
struct ChartFrame {
  var width = 760.0
  var height = 300.0
  var left = 64.0
  var right = 16.0
  var top = 14.0
  var bottom = 38.0
  var xRange: ClosedRange<Double>
  var yRange: ClosedRange<Double>

  func x(_ v: Double) -> Double {
    let span = xRange.upperBound - xRange.lowerBound
    let t = span > 0 ? (v - xRange.lowerBound) / span : 0.5
    return left + t * (width - left - right)
  }

  /// Values outside the range are clamped to its edge.
  func y(_ v: Double) -> Double {
    let span = yRange.upperBound - yRange.lowerBound
    let t = span > 0 ? (min(max(v, yRange.lowerBound), yRange.upperBound) - yRange.lowerBound) / span : 0.5
    return top + (1 - t) * (height - top - bottom)
  }

  func contains(y v: Double) -> Bool { yRange.contains(v) }

  /// Opens the `<svg>` element (closed by the caller).
  func openSVG(_ html: inout HTMLWriter, _ a: [String: String] = [:]) {
    var attributes = a
    attributes["viewBox"] = "0 0 \(Int(width)) \(Int(height))"
    attributes["width"] = "\(Int(width))"
    attributes["height"] = "\(Int(height))"
    attributes["role"] = "img"
    html.open("svg", attributes)
  }

  /// Both axes with "nice" ticks (1, 2 or 5 × 10^k apart; whole numbers
  /// when `integerX`), labelled.
  func axes(_ html: inout HTMLWriter, xLabel: String, yLabel: String, integerX: Bool) {
    let x0 = left, x1 = width - right, y0 = height - bottom, y1 = top
    html.shape("line", ["class": "axis", "x1": f(x0), "y1": f(y0), "x2": f(x1), "y2": f(y0)])
    html.shape("line", ["class": "axis", "x1": f(x0), "y1": f(y0), "x2": f(x0), "y2": f(y1)])
    for xv in Self.ticks(xRange, minimumStep: integerX ? 1 : 0) {
      let label = integerX ? String(Int(xv.rounded())) : HTMLReport.format(xv)
      html.element("text", label, ["class": "tick", "x": f(x(xv)), "y": f(y0 + 14), "text-anchor": "middle"])
    }
    for yv in Self.ticks(yRange, minimumStep: 0) {
      html.element("text", HTMLReport.format(yv), ["class": "tick", "x": f(x0 - 4), "y": f(y(yv) + 4), "text-anchor": "end"])
      html.shape("line", ["class": "grid", "x1": f(x0), "y1": f(y(yv)), "x2": f(x1), "y2": f(y(yv))])
    }
    html.element("text", xLabel, ["class": "label", "x": f((x0 + x1) / 2), "y": f(height - 4), "text-anchor": "middle"])
    html.element(
      "text", yLabel,
      ["class": "label", "x": "12", "y": f((y0 + y1) / 2), "text-anchor": "middle",
       "transform": "rotate(-90 12 \(f((y0 + y1) / 2)))"])
  }

  /// Multiples of a step of 1, 2 or 5 × 10^k (at least `minimumStep`) inside
  /// `range`: the smallest such step that gives at most 7 ticks.
  static func ticks(_ range: ClosedRange<Double>, minimumStep: Double) -> [Double] {
    let span = range.upperBound - range.lowerBound
    guard span > 0, span.isFinite else { return [range.lowerBound] }
    let magnitude = pow(10, log10(span / 6).rounded(.down))
    let step = Swift.max(minimumStep, [1.0, 2, 5, 10].map { $0 * magnitude }.first { span / $0 <= 6 } ?? 10 * magnitude)
    var out: [Double] = []
    var k = (range.lowerBound / step).rounded(.up)
    while k * step <= range.upperBound + step * 1e-9 && out.count < 20 {
      out.append(abs(k * step) < step * 1e-9 ? 0 : k * step)
      k += 1
    }
    return out
  }

  /// A pixel coordinate with one decimal.
  func f(_ v: Double) -> String { Self.f(v) }

  static func f(_ v: Double) -> String {
    let r = (v * 10).rounded() / 10
    return r == r.rounded() ? String(Int(r)) : String(format: "%.1f", r)
  }

  /// A value range for `values` that keeps the best end exact and, when a few
  /// values are far worse than the rest (diverged trials), cuts the worse end
  /// at the 90 % quantile plus a margin so the useful part stays readable.
  static func robustRange(_ values: [Double], lowerIsBetter: Bool) -> ClosedRange<Double> {
    let sorted = values.filter(\.isFinite).sorted()
    guard let lo = sorted.first, let hi = sorted.last else { return 0...1 }
    guard lo < hi else { return (lo - 0.5)...(hi + 0.5) }
    let q10 = sorted[Int(Double(sorted.count - 1) * 0.1)]
    let q90 = sorted[Int(Double(sorted.count - 1) * 0.9)]
    var range = lo...hi
    if lowerIsBetter, q90 > lo, hi - lo > 4 * (q90 - lo) {
      range = lo...(q90 + 0.5 * (q90 - lo))
    } else if !lowerIsBetter, hi > q10, hi - lo > 4 * (hi - q10) {
      range = (q10 - 0.5 * (hi - q10))...hi
    }
    let pad = (range.upperBound - range.lowerBound) * 0.04
    return (range.lowerBound - pad)...(range.upperBound + pad)
  }

  /// The colour of rank `r` (0 = best) among `n` coloured lines: from a deep
  /// blue (best) through teal to yellow-green.
  static func colour(rank r: Int, of n: Int) -> String {
    let t = n > 1 ? Double(r) / Double(n - 1) : 0
    let stops: [(Double, Double, Double)] = [(33, 49, 140), (32, 144, 140), (170, 200, 40)]
    let s = t * Double(stops.count - 1)
    let i = min(Int(s), stops.count - 2)
    let u = s - Double(i)
    let a = stops[i], b = stops[i + 1]
    func mix(_ p: Double, _ q: Double) -> Int { Int((p + (q - p) * u).rounded()) }
    return String(format: "#%02x%02x%02x", mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
  }
}
