import Foundation
import HPOCore

/// The self-contained HTML page of a drift check (`hpo drift --html FILE`),
/// and the same content as a section of `report.html` when the release stage
/// ran the drift gate. It renders a ``DriftPageInput``: the outcome, the rows
/// (and the rows the stated power needs), the settings, the notes, a table of
/// every test by evidence (strongest first, the input's order), and for every
/// drifted column a bar chart of the reference's against the new data's share
/// of rows per bucket (inline SVG).
///
/// Like ``HTMLReport``: well-formed, every text from the data escaped, no
/// external resource, deterministic for a given input.
public enum DriftPage {
  /// The page as one HTML document.
  public static func render(_ input: DriftPageInput) -> String {
    var html = HTMLWriter.document(title: "hpo drift: \(input.data)", css: HTMLReport.css + css)
    html.element("h1", "Drift check of \(input.data)")
    section(input, &html, heading: false)
    html.element("p", "Written by hpo \(HPOVersion.current). Self-contained: no network access needed.", ["class": "note"])
    html.close("body")
    html.close("html")
    return html.text + "\n"
  }

  /// The content: with `heading`, under an `<h2>` naming the data (as a
  /// section of `report.html`).
  static func section(_ input: DriftPageInput, _ html: inout HTMLWriter, heading: Bool) {
    html.open("section", ["id": "drift"])
    if heading { html.element("h2", "Drift of \(input.data)") }
    let state = input.outcome == .drift ? "failed" : input.outcome == .noDrift ? "passed" : "none"
    html.open("div", ["class": "banner \(state)", "id": "drift-outcome"])
    html.element("strong", input.outcome == .drift ? "DRIFT" : input.outcome == .noDrift ? "NO DRIFT" : "INCONCLUSIVE")
    html.text(" — " + input.summary)
    html.close("div")
    settings(input, &html)
    if !input.notes.isEmpty {
      html.open("ul", ["class": "note"])
      for note in input.notes { html.element("li", note) }
      html.close("ul")
    }
    testTable(input, &html)
    let drawn = input.features.filter { $0.drifted && $0.histogram != nil }
    if !drawn.isEmpty {
      html.element(heading ? "h3" : "h2", "Reference against new data, drifted columns")
      for (i, feature) in drawn.enumerated() { histogram(feature, index: i, &html) }
    }
    html.close("section")
  }

  static func settings(_ input: DriftPageInput, _ html: inout HTMLWriter) {
    html.open("table", ["class": "settings"])
    html.open("tbody")
    html.row(["data", input.data])
    html.row(["rows", String(input.rows)])
    html.row(["rows needed", input.requiredRows.map { "\($0) (a 0.5 sd shift with 80% power)" } ?? "no number is enough with this training sample"])
    html.row(["alpha", format(input.alpha) + " (chance of any false alarm, Holm-corrected)"])
    html.row(["min_effect", format(input.minEffect) + " (smallest KS or total-variation distance that counts)"])
    html.close("tbody")
    html.close("table")
  }

  /// One row per test (`<tr class="decision-…" data-feature="…">`), features
  /// in the input's order; a feature without tests gets one `none` row.
  static func testTable(_ input: DriftPageInput, _ html: inout HTMLWriter) {
    html.open("table", ["id": "drift-tests"])
    html.open("thead")
    html.row(["feature", "kind", "test", "statistic", "p-value", "corrected p-value", "effect", "decision"], header: true)
    html.close("thead")
    html.open("tbody")
    for f in input.features {
      let name = f.isPrediction ? "\(f.name) (model output)" : f.name
      let tests = f.tests.isEmpty
        ? [DriftPageInput.Test(aspect: "distribution", method: "none", statistic: nil, pValue: nil, correctedPValue: nil, effect: 0, decision: .untested)]
        : f.tests
      for t in tests {
        html.open("tr", ["class": "decision-\(t.decision.rawValue)", "data-feature": f.name])
        html.element("td", t.aspect == "missing" ? "\(name) [missing]" : name)
        html.element("td", f.kind)
        html.element("td", t.method)
        html.element("td", t.statistic.map { String(format: "%.4f", $0) } ?? "-")
        html.element("td", t.pValue.map { String(format: "%.3g", $0) } ?? "-")
        html.element("td", t.correctedPValue.map { String(format: "%.3g", $0) } ?? "-")
        html.element("td", String(format: "%.4f", t.effect))
        var decision = t.decision.rawValue
        if let note = f.note, t.decision == .untested || t.aspect == "distribution" {
          decision += t.decision == .untested ? ": \(note)" : " (\(note))"
        }
        html.element("td", decision)
        html.close("tr")
      }
    }
    html.close("tbody")
    html.close("table")
  }

  /// Grouped bars per bucket: the reference's share (grey) and the new
  /// data's (orange), each bar with a `<title>` and its fraction in `data-fraction`.
  static func histogram(_ f: DriftPageInput.Feature, index: Int, _ html: inout HTMLWriter) {
    guard let h = f.histogram else { return }
    let n = h.labels.count
    let reference = f.isPrediction ? "test split" : "training"
    let rotated = n > 6 || h.labels.contains { $0.count > 8 }
    let top = (h.reference + h.new).max() ?? 0
    let frame = ChartFrame(
      width: 64 + 16 + max(480, Double(n) * 44), height: rotated ? 300 : 260, left: 64, right: 16, top: 28,
      bottom: rotated ? 90 : 38, xRange: 0...Double(n), yRange: 0...max(0.01, top * 1.08))
    html.open("figure", ["class": "histogram", "id": "drift-histogram-\(index)", "data-feature": f.name])
    html.element("figcaption", f.isPrediction ? "\(f.name) (model output)" : f.name)
    frame.openSVG(&html, ["class": "chart"])
    let x0 = frame.left, x1 = frame.width - frame.right, y0 = frame.height - frame.bottom
    html.shape("line", ["class": "axis", "x1": frame.f(x0), "y1": frame.f(y0), "x2": frame.f(x1), "y2": frame.f(y0)])
    html.shape("line", ["class": "axis", "x1": frame.f(x0), "y1": frame.f(y0), "x2": frame.f(x0), "y2": frame.f(frame.top)])
    for yv in ChartFrame.ticks(frame.yRange, minimumStep: 0) {
      html.element("text", format(yv * 100) + "%", ["class": "tick", "x": frame.f(x0 - 4), "y": frame.f(frame.y(yv) + 4), "text-anchor": "end"])
      html.shape("line", ["class": "grid", "x1": frame.f(x0), "y1": frame.f(frame.y(yv)), "x2": frame.f(x1), "y2": frame.f(frame.y(yv))])
    }
    let group = frame.x(1) - frame.x(0)
    for (k, label) in h.labels.enumerated() {
      for (side, value, offset) in [("reference", h.reference[k], 0.1), ("new", h.new[k], 0.5)] {
        html.open("rect", [
          "class": "bar-\(side)", "x": frame.f(frame.x(Double(k)) + offset * group), "y": frame.f(frame.y(value)),
          "width": frame.f(0.4 * group), "height": frame.f(y0 - frame.y(value)), "data-fraction": "\(value)",
        ])
        html.element("title", "\(label): \(side == "new" ? "new data" : reference) \(format(value * 100))% of rows")
        html.close("rect")
      }
      let cx = frame.x(Double(k) + 0.5)
      var a = ["class": "tick", "x": frame.f(cx), "y": frame.f(y0 + 14), "text-anchor": rotated ? "end" : "middle"]
      if rotated { a["transform"] = "rotate(-40 \(frame.f(cx)) \(frame.f(y0 + 14)))" }
      html.element("text", label, a)
    }
    for (i, (side, text)) in [("reference", reference), ("new", "new data")].enumerated() {
      let lx = x0 + 8 + Double(i) * 140
      html.shape("rect", ["class": "bar-\(side)", "x": frame.f(lx), "y": "8", "width": "12", "height": "12"])
      html.element("text", text, ["class": "label", "x": frame.f(lx + 16), "y": "18"])
    }
    html.element(
      "text", "share of rows", ["class": "label", "x": "12", "y": frame.f((y0 + frame.top) / 2), "text-anchor": "middle",
                                "transform": "rotate(-90 12 \(frame.f((y0 + frame.top) / 2)))"])
    html.close("svg")
    html.close("figure")
  }

  static func format(_ v: Double) -> String { HTMLReport.format(v) }

  static let css = """
    .bar-reference{fill:#8a93a8}.bar-new{fill:#d6562b}
    tr.decision-drifted td{background:#fbe5e5}tr.decision-negligible td{color:#667}tr.decision-untested td{color:#667}
    figure.histogram{margin:16px 0;overflow-x:auto}figure.histogram figcaption{font-weight:bold;font-size:14px}
    table.settings{margin:12px 0}table.settings td:first-child{font-weight:bold}
    """
}
