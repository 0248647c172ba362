import Foundation
import HPOCore
import HPOTestSupport
import Testing

@testable import HPOReports

/// The drift page (`hpo drift --html`) and the drift section of `report.html`.
struct DriftPageTests {
  static func test(_ method: String, p: Double, effect: Double, _ decision: DriftPageInput.Decision, aspect: String = "distribution")
    -> DriftPageInput.Test
  {
    DriftPageInput.Test(
      aspect: aspect, method: method, statistic: effect, pValue: p, correctedPValue: min(1, p * 3), effect: effect,
      decision: decision)
  }

  /// Four columns by evidence: a drifted feature whose name is markup, the
  /// model's drifted output, a stable feature, an untested one.
  static let input = DriftPageInput(
    data: "new <data>.csv", outcome: .drift, summary: "drift: <script>alert(1)</script>, prediction", rows: 120,
    requiredRows: 85, alpha: 0.05, minEffect: 0.05, notes: ["prediction drift & more"],
    features: [
      DriftPageInput.Feature(
        name: "<script>alert(1)</script>", kind: "numeric", isPrediction: false,
        tests: [test("ks-exact", p: 1e-9, effect: 0.4, .drifted), test("two-proportion", p: 0.5, effect: 0.01, .stable, aspect: "missing")],
        note: nil,
        histogram: DriftPageInput.Histogram(labels: ["≤ 0.5", "> 0.5", "missing"], reference: [0.5, 0.5, 0], new: [0.1, 0.8, 0.1])),
      DriftPageInput.Feature(
        name: "prediction", kind: "categorical", isPrediction: true, tests: [test("chi-square", p: 1e-4, effect: 0.2, .drifted)],
        note: nil,
        histogram: DriftPageInput.Histogram(labels: ["class 0", "class 1"], reference: [0.6, 0.4], new: [0.3, 0.7])),
      DriftPageInput.Feature(
        name: "steady", kind: "numeric", isPrediction: false, tests: [test("ks-exact", p: 0.8, effect: 0.03, .stable)], note: nil,
        histogram: DriftPageInput.Histogram(labels: ["≤ 1", "> 1", "missing"], reference: [0.5, 0.5, 0], new: [0.5, 0.5, 0])),
      DriftPageInput.Feature(
        name: "empty", kind: "numeric", isPrediction: false, tests: [], note: "no values in the new data", histogram: nil),
    ])

  /// The `data-feature` values of the table rows, in document order.
  static func rowFeatures(_ html: String) -> [String] {
    html.components(separatedBy: "<tr class=\"decision-").dropFirst().compactMap { row in
      guard let r = row.range(of: "data-feature=\""), let end = row[r.upperBound...].firstIndex(of: "\"") else { return nil }
      return String(row[r.upperBound..<end])
    }
  }

  @Test func page_isWellFormedSelfContained_andListsEveryTestByEvidence() throws {
    let html = DriftPage.render(Self.input)
    #expect(try htmlProblems(html) == [])
    #expect(!html.contains("http://") && !html.contains("https://"))
    #expect(Self.rowFeatures(html) == [
      "&lt;script&gt;alert(1)&lt;/script&gt;", "&lt;script&gt;alert(1)&lt;/script&gt;", "prediction", "steady", "empty",
    ])
    #expect(html.contains("class=\"banner failed\" id=\"drift-outcome\""))
    #expect(html.contains("<td>prediction (model output)</td>"))
    #expect(html.contains("<td>untested: no values in the new data</td>"))
    #expect(html.contains("<td>1e-09</td><td>3e-09</td><td>0.4000</td><td>drifted</td>"))
    #expect(html.contains("<li>prediction drift &amp; more</li>"))
    #expect(html.contains("<td>alpha</td><td>0.05 ("))
    #expect(html == DriftPage.render(Self.input))
  }

  @Test func histograms_onlyForDriftedColumns_withTheirFractions() {
    let html = DriftPage.render(Self.input)
    #expect(html.components(separatedBy: "<figure class=\"histogram\"").count - 1 == 2)
    #expect(html.contains("data-feature=\"&lt;script&gt;alert(1)&lt;/script&gt;\" id=\"drift-histogram-0\""))
    #expect(html.contains("data-feature=\"prediction\" id=\"drift-histogram-1\""))
    #expect(!html.contains("<figure class=\"histogram\" data-feature=\"steady\""))
    // Bars of the first chart: reference then new per bucket.
    let first = html.components(separatedBy: "id=\"drift-histogram-0\"")[1].components(separatedBy: "</figure>")[0]
    let fractions = first.components(separatedBy: "data-fraction=\"").dropFirst().compactMap { Double($0.prefix { $0 != "\"" }) }
    #expect(fractions == [0.5, 0.1, 0.5, 0.8, 0, 0.1])
    #expect(first.contains("test split") == false && html.contains(">test split</text>"))
  }

  @Test func markupInNames_isEscapedEverywhere() {
    let html = DriftPage.render(Self.input)
    #expect(!html.contains("<script>alert"))
    #expect(html.contains("<title>hpo drift: new &lt;data&gt;.csv</title>"))
    #expect(html.contains("<figcaption>&lt;script&gt;alert(1)&lt;/script&gt;</figcaption>"))
  }

  @Test func noDrift_drawsNoHistogram() throws {
    var input = Self.input
    input.outcome = .noDrift
    input.features = input.features.map { f in
      var f = f
      f.tests = f.tests.map { t in
        var t = t
        if t.decision == .drifted { t.decision = .stable }
        return t
      }
      return f
    }
    let html = DriftPage.render(input)
    #expect(!html.contains("<figure"))
    #expect(html.contains("class=\"banner passed\""))
    #expect(try htmlProblems(html) == [])
  }

  @Test func reportHTML_hasTheDriftSection_onlyWhenTheGateRan() throws {
    var report = syntheticInput(trials: 12)
    #expect(!HTMLReport.render(report).contains("id=\"drift\""))
    report.drift = Self.input
    let html = HTMLReport.render(report)
    #expect(try htmlProblems(html) == [])
    #expect(html.contains("<section id=\"drift\"><h2>Drift of new &lt;data&gt;.csv</h2>"))
    #expect(html.components(separatedBy: "<figure class=\"histogram\"").count - 1 == 2)
    #expect(html.contains(".bar-new{"))
  }
}
