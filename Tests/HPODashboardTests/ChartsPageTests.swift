import Foundation
import HPOCore
import HPODashboard
import HPOStore
import Testing

/// The charts of an experiment's page in headless Chromium: each draws a mark per trial it
/// shows (counted in its figure's `data-marks`), the page marks when all are drawn, nothing is
/// written to the console, text from the store stays text, and a brush survives a live update.
@Suite struct ChartsPageTests {
  /// `attribute="value"` on the figure `id` (the figure's start tag holds it).
  static func figure(_ dom: String, _ id: String) -> String {
    guard let start = dom.range(of: "<figure id=\"\(id)\"") else { return "" }
    return String(dom[start.lowerBound...].prefix { $0 != ">" })
  }

  /// Of the twelve trials: 7 complete with a value (0, 1, 2, 4, 5, 7, 8), 8 that reported
  /// intermediate values (those and 3, pruned), 11 started on 2 workers (all but 11, pending).
  @Test func inABrowser_everyChart_drawsAMarkPerTrial_withNoConsoleMessage() async throws {
    let fixture = try FixtureStore()
    try fixture.write { try writeTwelveTrials($0, "iris") }
    let (dom, console) = try await withDashboard(fixture.path, timing: Chromium.timing) { d in
      let chromium = try Chromium(d.base + "/#experiment=iris")
      return (try await chromium.dom(), chromium.consoleMessages())
    }
    #expect(dom.contains(#"data-charts="drawn""#) && dom.contains(#"data-loaded="experiment""#), "\(dom)")
    #expect(console.isEmpty, "\(console)")
    let expected = [
      ("chart-intermediate", #"data-marks="8""#), ("chart-parallel", #"data-marks="7""#),
      ("chart-importance", #"data-marks="3""#), ("chart-slice", #"data-marks="21""#),
      ("chart-contour", #"data-marks="7""#), ("chart-edf", #"data-marks="7""#),
      ("chart-timeline", #"data-marks="11""#), ("chart-timeline", #"data-rows="2""#),
      ("chart-intermediate", #"data-total="8""#), ("chart-parallel", #"data-selected="7""#),
    ]
    for (id, attribute) in expected {
      #expect(Self.figure(dom, id).contains(attribute), "\(id) \(attribute): \(Self.figure(dom, id))")
    }
    // Axes drawn by d3 (SVG) over each canvas: the parallel coordinates' titles, the choices' labels.
    #expect(dom.contains(#"<text class="axis-title" text-anchor="middle" y="14">optimizer</text>"#), "\(dom)")
    #expect(dom.contains(">sgd</text>") && dom.contains(">adam</text>"), "\(dom)")
    #expect(dom.contains(#"<option value="lr">lr</option>"#), "the contour plot's choice of parameters: \(dom)")
  }

  /// A categorical choice holding markup is an axis label's text, never an element.
  @Test func inABrowser_markupInAChoice_isShownAsText() async throws {
    let fixture = try FixtureStore()
    let choice = "<script>alert('x')</script><img src=x onerror=alert(1)>"
    try fixture.write { try writeTrialsWithChoices($0, "xss", choices: [choice, "plain"]) }
    let (dom, console) = try await withDashboard(fixture.path, timing: Chromium.timing) { d in
      let chromium = try Chromium(d.base + "/#experiment=xss")
      return (try await chromium.dom(), chromium.consoleMessages())
    }
    #expect(dom.contains(#"data-charts="drawn""#), "\(dom)")
    #expect(console.isEmpty, "\(console)")
    let text = ">&lt;script&gt;alert('x')&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;</text>"
    #expect(dom.components(separatedBy: text).count >= 3, "parallel coordinates and slice axes label the choice: \(dom)")
    #expect(!dom.contains("<img"), "\(dom)")
    let html = try String(contentsOf: PageTests.assets.appendingPathComponent("index.html"), encoding: .utf8)
    #expect(dom.components(separatedBy: "<script").count == html.components(separatedBy: "<script").count, "\(dom)")
    #expect(Self.figure(dom, "chart-parallel").contains(#"data-marks="6""#), "\(Self.figure(dom, "chart-parallel"))")
  }

  /// The page opened with a brush on the objective (0.5 to 1) while trials finish: the new
  /// trials are drawn and counted against the same brush, which stays where it was.
  @Test func inABrowser_aLiveUpdate_keepsTheParallelCoordinatesBrush() async throws {
    let (dom, console) = try await domAfterALiveUpdate("experiment=iris&brush=objective:0.5,1", budget: 5000)
    #expect(console.isEmpty, "\(console)")
    #expect(!dom.contains(#"data-chart-updates="0""#) && dom.contains("data-chart-updates="), "the charts were read again: \(dom)")
    let parallel = Self.figure(dom, "chart-parallel")
    // Before: 7 lines, 5 within 0.5…1 (1, 4, 5, 7, 8); after: 10 lines, 8 within (and 10, 12, 13).
    #expect(parallel.contains(#"data-marks="10""#) && parallel.contains(#"data-selected="8""#), "\(parallel)")
    #expect(parallel.contains(#"data-brushes="objective:0.5,1""#), "\(parallel)")
    #expect(dom.contains(#"class="selection""#), "the brush is drawn: \(dom)")
  }
}

/// The experiment `name` whose `optimizer` choices are `choices`: 8 trials, 6 complete
/// (choice `i mod 2`, value `i / 10`), one failed, one running.
func writeTrialsWithChoices(_ store: ExperimentStore, _ name: String, choices: [String]) throws {
  var spec = dashboardSpec(name)
  spec.space = SearchSpace([
    Parameter(name: "lr", domain: .float(FloatRange(low: 1e-4, high: 0.1, log: true))),
    Parameter(name: "optimizer", domain: .categorical(choices.map(ParameterValue.string))),
  ])
  _ = try store.apply([.createExperiment(spec, seed: 1), .setExperimentState(experiment: name, .running)], at: Clock.at(0))
  for i in 0..<8 {
    let id = TrialID(experiment: name, number: i)
    let lease = Lease(worker: "w\(i % 2)", attempt: 1)
    let configuration = Configuration(["lr": .float(Double(i + 1) / 1000), "optimizer": .string(choices[i % 2])])
    var changes: [StoreChange] = [
      .insertTrial(id, configuration: configuration, seed: UInt64(i)),
      .leaseTrial(id, lease: lease, deadline: Clock.at(Double(i) + 60)),
    ]
    switch i {
    case 6: changes.append(.failTrial(id, lease: lease, reason: "diverged"))
    case 7: break
    default:
      let value = Double(i) / 10
      changes.append(.completeTrial(id, lease: lease, value: value, metrics: ["accuracy": value], seconds: 1, epochs: 2))
    }
    _ = try store.apply(changes, at: Clock.at(Double(i)))
  }
}
