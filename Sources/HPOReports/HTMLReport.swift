import Foundation
import HPOCore

/// The self-contained HTML report of an experiment (`report.html`): one file
/// that works offline — inline CSS, inline SVG charts and a few lines of
/// inline JavaScript (table sorting, metric switch), no external resource.
/// It renders a ``ReportInput``, the input `report.md` and `junit.xml` share.
///
/// Sections: the outcome banner and the gate table; the drift gate's check
/// of new data, when there was one (``DriftPage``); the winner (trial,
/// configuration, metrics); the optimisation history with the best-so-far
/// line; with several objectives, the Pareto front (a scatter by the first
/// two), the objectives in parallel coordinates (three or more) and the
/// hypervolume over time; parallel coordinates of the complete trials (the
/// best 20 % coloured, the rest grey); parameter importance (see ``ParameterImportance``);
/// learning curves of the per-epoch metrics of the best trials; and a
/// sortable table with one row per trial.
///
/// The document is well-formed (every element closed, attributes quoted,
/// text escaped), deterministic for a given input, and its size grows about
/// linearly with the trials (about 1 KB per trial; learning curves are drawn
/// for at most ``curveTrialLimit`` trials).
public enum HTMLReport {
  /// The most trials whose learning curves are drawn (the best ones).
  public static let curveTrialLimit = 50

  /// The report as one HTML document.
  public static func render(_ input: ReportInput) -> String {
    var html = HTMLWriter.document(title: "hpo report: \(input.experiment)", css: css + (input.drift == nil ? "" : DriftPage.css))
    html.element("h1", "Experiment \(input.experiment)")
    banner(input, &html)
    if let drift = input.drift { DriftPage.section(drift, &html, heading: true) }
    winner(input, &html)
    history(input, &html)
    paretoFront(input, &html)
    objectiveParallelCoordinates(input, &html)
    hypervolumeHistory(input, &html)
    parallelCoordinates(input, &html)
    importance(input, &html)
    learningCurves(input, &html)
    trialTable(input, &html)
    html.element("p", "Written by hpo \(HPOVersion.current). Self-contained: no network access needed.", ["class": "note"])
    html.element("script", script, escape: false)
    html.close("body")
    html.close("html")
    return html.text + "\n"
  }

  static func banner(_ input: ReportInput, _ html: inout HTMLWriter) {
    let state = input.passed.map { $0 ? "passed" : "failed" } ?? "none"
    html.open("div", ["class": "banner \(state)", "id": "outcome"])
    html.element("strong", input.passed.map { $0 ? "PASSED" : "FAILED" } ?? "NO VERDICT")
    html.text(" — " + input.outcome)
    html.close("div")
    guard !input.gates.isEmpty else { return }
    html.element("h2", "Gates")
    html.open("table", ["class": "gates"])
    html.open("thead")
    html.row(["gate", "result", "value", "threshold", "detail"], header: true)
    html.close("thead")
    html.open("tbody")
    for g in input.gates {
      html.open("tr", ["class": g.passed ? "pass" : "fail"])
      html.element("td", g.name)
      html.element("td", g.passed ? "pass" : "FAIL")
      html.element("td", g.value.map(format) ?? "-")
      html.element("td", g.threshold)
      html.element("td", g.detail)
      html.close("tr")
    }
    html.close("tbody")
    html.close("table")
  }

  static func winner(_ input: ReportInput, _ html: inout HTMLWriter) {
    guard let w = input.winner else { return }
    html.element("h2", "Winner: trial \(w.trialNumber)")
    html.open("table", ["class": "winner"])
    html.open("tbody")
    for (name, value) in w.configuration.sorted { html.row([name, value.plainText]) }
    for name in w.metrics.keys.sorted() { html.row([name, format(w.metrics[name] ?? .nan)]) }
    html.close("tbody")
    html.close("table")
  }

  /// A number with 4 significant digits ("-" for nil, "nan"/"inf" as such).
  static func format(_ v: Double) -> String {
    guard v.isFinite else { return v.isNaN ? "nan" : (v > 0 ? "inf" : "-inf") }
    if v != 0 && (abs(v) >= 1e6 || abs(v) < 1e-4) { return String(format: "%.4g", v) }
    var s = String(format: "%.4f", v)
    while s.contains(".") && (s.hasSuffix("0") || s.hasSuffix(".")) { s.removeLast() }
    return s
  }
}
