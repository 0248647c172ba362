import Foundation
import HPOCore

/// The self-contained HTML report of an experiment (`report.html`): one file
/// that works offline — inline CSS, inline SVG charts and a few lines of
/// inline JavaScript (table sorting, metric switch), no external resource.
///
/// Sections: the outcome banner and the gate table; the winner (trial,
/// configuration, metrics); the optimisation history with the best-so-far
/// line; parallel coordinates of the complete trials (the best 20 % coloured,
/// the rest grey); parameter importance (see ``ParameterImportance``);
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

  /// One release gate as the report shows it: the caller maps its own gate
  /// results into these plain rows.
  public struct GateRow: Sendable, Equatable {
    public var name: String
    public var passed: Bool
    /// The measured value, when the gate has one.
    public var value: Double?
    /// The threshold in words, e.g. "≥ 0.9".
    public var threshold: String
    /// Why it passed or failed, in a sentence.
    public var detail: String

    public init(name: String, passed: Bool, value: Double?, threshold: String, detail: String) {
      self.name = name
      self.passed = passed
      self.value = value
      self.threshold = threshold
      self.detail = detail
    }
  }

  /// The trial that won, as the report shows it.
  public struct Winner: Sendable, Equatable {
    public var trialNumber: Int
    public var configuration: Configuration
    /// Metric name → value (validation, test, … as the caller names them).
    public var metrics: [String: Double]

    public init(trialNumber: Int, configuration: Configuration, metrics: [String: Double]) {
      self.trialNumber = trialNumber
      self.configuration = configuration
      self.metrics = metrics
    }
  }

  /// One trial as the report shows it.
  public struct Trial: Sendable, Equatable {
    public var number: Int
    public var state: TrialState
    /// The objective (final for complete trials, last reported for pruned ones).
    public var value: Double?
    public var configuration: Configuration
    public var epochs: Int
    public var seconds: Double?
    public var reason: String?
    /// The objective after each epoch, in step order.
    public var intermediate: [IntermediateReport]
    /// Other metrics of each epoch, by step.
    public var intermediateMetrics: [Int: [String: Double]]

    public init(
      number: Int, state: TrialState, value: Double?, configuration: Configuration, epochs: Int = 0,
      seconds: Double? = nil, reason: String? = nil, intermediate: [IntermediateReport] = [],
      intermediateMetrics: [Int: [String: Double]] = [:]
    ) {
      self.number = number
      self.state = state
      self.value = value
      self.configuration = configuration
      self.epochs = epochs
      self.seconds = seconds
      self.reason = reason
      self.intermediate = intermediate
      self.intermediateMetrics = intermediateMetrics
    }
  }

  /// Everything the report shows.
  public struct Input: Sendable, Equatable {
    public var experiment: String
    /// The objective's metric name and direction.
    public var objective: String
    public var direction: Direction
    /// nil: no verdict yet (a search without gates); true/false: passed or failed.
    public var passed: Bool?
    /// The outcome in one sentence ("passed every gate and packaged", "gate accuracy failed: …").
    public var outcome: String
    public var gates: [GateRow]
    public var winner: Winner?
    /// The search space (axes of the parallel coordinates, importance).
    public var space: SearchSpace
    public var trials: [Trial]

    public init(
      experiment: String, objective: String, direction: Direction, passed: Bool?, outcome: String,
      gates: [GateRow], winner: Winner?, space: SearchSpace, trials: [Trial]
    ) {
      self.experiment = experiment
      self.objective = objective
      self.direction = direction
      self.passed = passed
      self.outcome = outcome
      self.gates = gates
      self.winner = winner
      self.space = space
      self.trials = trials
    }

    /// Complete trials with a finite objective, best first (ties by number).
    var ranked: [Trial] {
      let sign = direction == .minimize ? 1.0 : -1.0
      return trials.filter { $0.state == .complete && ($0.value?.isFinite ?? false) }
        .sorted { (sign * ($0.value ?? 0), $0.number) < (sign * ($1.value ?? 0), $1.number) }
    }
  }

  /// The report as one HTML document.
  public static func render(_ input: Input) -> String {
    var html = HTMLWriter()
    html.raw("<!DOCTYPE html>\n")
    html.open("html", ["lang": "en"])
    html.open("head")
    html.raw("<meta charset=\"utf-8\">")
    html.element("title", "hpo report: \(input.experiment)")
    html.element("style", css, escape: false)
    html.close("head")
    html.open("body")
    html.element("h1", "Experiment \(input.experiment)")
    banner(input, &html)
    winner(input, &html)
    history(input, &html)
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

  static func banner(_ input: Input, _ html: inout HTMLWriter) {
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

  static func winner(_ input: Input, _ html: inout HTMLWriter) {
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
