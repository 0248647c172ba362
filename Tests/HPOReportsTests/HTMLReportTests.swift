import Foundation
import HPOCore
import HPOTestSupport
import Testing

@testable import HPOReports

/// A synthetic experiment: `count` trials over a float `lr` (log), an int
/// `units` and a categorical `opt` (with `momentum` only for "sgd"); the
/// objective (a loss) depends mostly on `lr`. Every 7th trial is pruned,
/// every 11th failed; complete trials report `epochs` per-epoch values and
/// two other metrics.
func syntheticInput(trials count: Int, epochs: Int = 20, seed: UInt64 = 5) -> ReportInput {
  var rng = SeededGenerator(seed: seed)
  func uniform() -> Double { Double(rng.next() >> 11) * 0x1p-53 }
  let space = SearchSpace([
    Parameter(name: "lr", domain: .float(FloatRange(low: 1e-4, high: 1, log: true))),
    Parameter(name: "units", domain: .int(IntRange(low: 8, high: 256))),
    Parameter(name: "opt", domain: .categorical([.string("sgd"), .string("adam")])),
    Parameter(
      name: "momentum", domain: .float(FloatRange(low: 0, high: 0.99)),
      condition: Condition([.init(parent: "opt", values: [.string("sgd")])])),
    Parameter(name: "batch", domain: .fixed(.int(32))),
  ])
  var trials: [ReportInput.Trial] = []
  for n in 0..<count {
    let lr = exp(log(1e-4) + uniform() * (log(1.0) - log(1e-4)))
    let opt = uniform() < 0.5 ? "sgd" : "adam"
    var values: [String: ParameterValue] = [
      "lr": .float(lr), "units": .int(8 + Int(uniform() * 248)), "opt": .string(opt), "batch": .int(32),
    ]
    if opt == "sgd" { values["momentum"] = .float(uniform() * 0.99) }
    let final = pow(log10(lr) + 2, 2) * 0.1 + 0.05 + uniform() * 0.02
    let state: TrialState = n % 11 == 10 ? .failed : (n % 7 == 6 ? .pruned : .complete)
    let done = state == .pruned ? epochs / 3 : (state == .failed ? 0 : epochs)
    let curve = (0..<done).map { e in
      IntermediateReport(step: e + 1, value: final + 2.0 / Double(e + 2))
    }
    var metrics: [Int: [String: Double]] = [:]
    for r in curve { metrics[r.step] = ["accuracy": 1 - r.value / 3, "training_loss": r.value * 0.9] }
    trials.append(ReportInput.Trial(
      number: n, state: state, value: state == .failed ? nil : (state == .pruned ? curve.last?.value : final),
      configuration: Configuration(values), epochs: done, seconds: state == .failed ? nil : 0.5 + uniform(),
      reason: state == .failed ? "diverged: loss is nan" : (state == .pruned ? "median rule at epoch \(done)" : nil),
      intermediate: curve, intermediateMetrics: metrics))
  }
  return ReportInput(
    experiment: "synthetic <test> & co", objective: "log_loss", direction: .minimize, model: .mlp, status: .gateFailed,
    outcome: "gate accuracy failed: 0.91 < 0.95",
    gates: [
      ReportInput.Gate(name: "accuracy", passed: false, value: 0.91, threshold: "≥ 0.95", detail: "test accuracy below the minimum"),
      ReportInput.Gate(name: "max_gap", passed: true, value: 0.01, threshold: "≤ 0.05", detail: "validation and test agree"),
    ],
    winner: ReportInput.Winner(trialNumber: 0, configuration: trials[0].configuration, metrics: ["test_accuracy": 0.91]),
    space: space, trials: trials)
}

/// Problems of an HTML document as Python's html.parser sees it: tags that
/// close something else than what is open, or stay open; and any external
/// reference (http/https URLs, src/href attributes). Empty when well-formed.
func htmlProblems(_ html: String) throws -> [String] {
  let script = """
    import sys, json
    from html.parser import HTMLParser
    VOID = {"meta", "br", "hr", "img", "input", "link", "area", "base", "col", "embed", "source", "track", "wbr"}
    class P(HTMLParser):
        def __init__(self):
            super().__init__(convert_charrefs=True)
            self.stack, self.problems, self.rows = [], [], 0
        def handle_starttag(self, tag, attrs):
            for k, v in attrs:
                if k in ("src", "href") or (v and ("http://" in v or "https://" in v)):
                    self.problems.append("external reference: <%s %s=%r>" % (tag, k, v))
            if tag not in VOID:
                self.stack.append((tag, self.getpos()))
        def handle_startendtag(self, tag, attrs):
            self.problems.append("self-closing <%s/> at %s" % (tag, self.getpos()))
        def handle_endtag(self, tag):
            if not self.stack or self.stack[-1][0] != tag:
                self.problems.append("</%s> at %s closes %s" % (tag, self.getpos(), self.stack[-1] if self.stack else "nothing"))
            else:
                self.stack.pop()
    p = P()
    p.feed(sys.stdin.read())
    p.close()
    for tag, pos in p.stack:
        p.problems.append("<%s> at %s is never closed" % (tag, pos))
    print(json.dumps(p.problems))
    """
  return try JSONDecoder().decode([String].self, from: Data(try runPython(script, input: html).utf8))
}

/// The best-so-far values the history chart carries.
func bestSoFarValues(_ html: String) -> [Double] {
  guard let r = html.range(of: "data-values=\"") else { return [] }
  let rest = html[r.upperBound...]
  guard let end = rest.firstIndex(of: "\"") else { return [] }
  return rest[..<end].split(separator: " ").compactMap { Double($0) }
}

struct HTMLReportTests {
  @Test func render_isWellFormedSelfContainedAndHasEverySection() throws {
    let input = syntheticInput(trials: 60)
    let html = HTMLReport.render(input)
    #expect(try htmlProblems(html) == [])
    #expect(!html.contains("http://") && !html.contains("https://"))
    #expect(html.hasPrefix("<!DOCTYPE html>\n<html lang=\"en\">"))
    for id in ["outcome", "history", "best-so-far", "parallel", "importance", "curve-metric", "trials"] {
      #expect(html.contains("id=\"\(id)\""), "missing #\(id)")
    }
    // Text is escaped.
    #expect(html.contains("Experiment synthetic &lt;test&gt; &amp; co"))
    #expect(html.contains("class=\"banner failed\""))
    #expect(html.contains("<td>FAIL</td>"))
    // Learning curves: the objective and the two other metrics, one chart each.
    #expect(html.components(separatedBy: "<svg class=\"chart curves\"").count - 1 == 3)
    #expect(html == HTMLReport.render(input))
  }

  @Test func trialTable_hasOneRowPerTrial() {
    let input = syntheticInput(trials: 37)
    let html = HTMLReport.render(input)
    #expect(html.components(separatedBy: "<tr class=\"state-").count - 1 == 37)
    for n in 0..<37 { #expect(html.contains("data-trial=\"\(n)\""), "trial \(n)") }
    #expect(html.contains("diverged: loss is nan"))
  }

  @Test func bestSoFar_isMonotoneAndEndsAtTheBestTrial() {
    for direction in [Direction.minimize, .maximize] {
      var input = syntheticInput(trials: 80)
      input.direction = direction
      let values = bestSoFarValues(HTMLReport.render(input))
      let complete = input.trials.filter { $0.state == .complete }.compactMap(\.value)
      #expect(values.count == complete.count)
      let monotone = zip(values, values.dropFirst()).allSatisfy { direction == .minimize ? $1 <= $0 : $1 >= $0 }
      #expect(monotone)
      #expect(values.last == (direction == .minimize ? complete.min() : complete.max()))
      #expect(values.first == complete.first)
    }
  }

  @Test func importance_ranksTheParameterThatDrivesTheObjectiveFirst() {
    let input = syntheticInput(trials: 200)
    let scores = ParameterImportance.scores(
      space: input.space, trials: input.ranked.map { ($0.configuration, $0.value ?? .nan) }, lowerIsBetter: true)
    #expect(scores.map(\.name).sorted() == ["lr", "momentum", "opt", "units"])
    #expect(scores.first?.name == "lr")
    #expect((scores.first?.score ?? 0) > 0.7)
    #expect(scores.dropFirst().allSatisfy { $0.score < 0.1 })
  }

  @Test func axisTicks_areRoundNumbersInsideTheRange() {
    #expect(ChartFrame.ticks(0...11, minimumStep: 1) == [0, 2, 4, 6, 8, 10])
    #expect(ChartFrame.ticks(0...3, minimumStep: 1) == [0, 1, 2, 3])
    let ticks = ChartFrame.ticks(0.0014...1.0559, minimumStep: 0)
    #expect(ticks.map(HTMLReport.format) == ["0.2", "0.4", "0.6", "0.8", "1"])
    #expect(ChartFrame.ticks(-0.5...0.5, minimumStep: 0).contains(0))
  }

  @Test func importance_byHand() {
    // Ranks 1…6; groups {1, 2, 3} and {4, 5, 6}: SS_total = 17.5, SS_between = 13.5,
    // MS_within = 4 / 4 = 1, ε² = (13.5 − 1) / 17.5.
    let s = ParameterImportance.score(name: "p", groups: [0, 0, 0, 1, 1, 1], ranks: [1, 2, 3, 4, 5, 6])
    #expect(abs(s.etaSquared - 13.5 / 17.5) < 1e-12)
    #expect(abs(s.score - 12.5 / 17.5) < 1e-12)
    #expect(ParameterImportance.averageRanks([3, 1, 3, 2]) == [3.5, 1, 3.5, 2])
  }

  @Test func fewTrials_sayWhatIsMissingInsteadOfDrawing() throws {
    let html = HTMLReport.render(syntheticInput(trials: 3))
    #expect(html.contains("Needs at least 5 complete trials"))
    #expect(try htmlProblems(html) == [])
    var empty = syntheticInput(trials: 1)
    empty.trials = []
    empty.winner = nil
    let none = HTMLReport.render(empty)
    #expect(none.contains("No finished trial with a finite objective yet."))
    #expect(try htmlProblems(none) == [])
  }

  @Test func thousandTrials_stayUnder2MB() throws {
    let input = syntheticInput(trials: 1000, epochs: 50)
    let clock = ContinuousClock()
    var html = ""
    let elapsed = clock.measure { html = HTMLReport.render(input) }
    let bytes = html.utf8.count
    print("HTML report of 1,000 trials × 50 epochs: \(bytes) bytes in \(elapsed)")
    #expect(bytes < 2_000_000)
    #expect(html.components(separatedBy: "<tr class=\"state-").count - 1 == 1000)
    #expect(try htmlProblems(html) == [])
  }
}

/// The hypervolume over time and the objectives' parallel coordinates of a
/// search with several objectives.
@Suite struct ParetoReportTests {
  typealias Point = ReportInput.Pareto.Point

  /// Maximise accuracy, minimise latency. Feasible points, by trial number:
  /// 0 (0.8, 4), 1 (0.9, 8), 2 (0.7, 6: dominated by 0), 3 (0.95, 2), and an
  /// infeasible 4 (1.0, 1) that never counts. Reference: accuracy 0.7 − 0.025
  /// = 0.675, latency 8 + 0.6 = 8.6.
  static func pareto(objectives: Int = 2) -> ReportInput.Pareto {
    let values: [[Double]] = [[0.8, 4], [0.9, 8], [0.7, 6], [0.95, 2], [1.0, 1]]
    let onFront = [false, false, false, true, false]
    let points = values.enumerated().map { i, v in
      Point(trial: i, values: objectives == 2 ? v : v + [Double(i)], onFront: onFront[i], feasible: i != 4)
    }
    let names: [(name: String, direction: Direction)] = [("accuracy", .maximize), ("latency_ms", .minimize), ("params", .minimize)]
    return ReportInput.Pareto(objectives: Array(names.prefix(objectives)), points: points)
  }

  @Test func hypervolumeGrowsOnlyWithTheFront() {
    let p = Self.pareto()
    #expect(p.reference.count == 2)
    #expect(abs(p.reference[0] - 0.675) < 1e-12 && abs(p.reference[1] - 8.6) < 1e-12)
    let after0 = 0.125 * 4.6
    let after1 = after0 + (0.9 - 0.8) * (8.6 - 8)
    let after3 = (0.95 - 0.675) * (8.6 - 2)  // trial 3 dominates 0 and 1
    #expect(p.hypervolume.map(\.trial) == [0, 1, 2, 3])
    let expected = [after0, after1, after1, after3]
    for (step, value) in zip(p.hypervolume, expected) { #expect(abs(step.volume - value) < 1e-12, "trial \(step.trial)") }
  }

  @Test func htmlDrawsTheHypervolume_andMarkdownListsIt() throws {
    var input = syntheticInput(trials: 5)
    input.pareto = Self.pareto()
    let html = HTMLReport.render(input)
    #expect(html.contains(#"id="hypervolume""#))
    #expect(!html.contains(#"id="pareto-parallel""#), "two objectives: the scatter is enough")
    #expect(try htmlProblems(html).isEmpty)
    let md = MarkdownReport.render(input)
    #expect(md.contains("## Hypervolume over time"))
    #expect(md.contains("| 3 | \(ReportText.fixed((0.95 - 0.675) * (8.6 - 2))) |"))
  }

  @Test func threeObjectives_getParallelCoordinatesWithTheFrontOnTop() throws {
    var input = syntheticInput(trials: 5)
    input.pareto = Self.pareto(objectives: 3)
    let html = HTMLReport.render(input)
    let at = try #require(html.range(of: #"id="pareto-parallel""#))
    let chart = html[(html[..<at.lowerBound].range(of: "<svg", options: .backwards)?.lowerBound ?? at.lowerBound)...]
    let svg = chart[..<(chart.range(of: "</svg>")?.upperBound ?? chart.endIndex)]
    #expect(svg.components(separatedBy: "<polyline").count - 1 == 5)
    #expect(svg.components(separatedBy: #"class="pc top""#).count - 1 == 1)
    #expect(try htmlProblems(html).isEmpty)
  }
}
