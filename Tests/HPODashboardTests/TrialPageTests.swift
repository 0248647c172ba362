import Foundation
import HPOCore
import HPODashboard
import HPOStore
import Testing

/// A trial's page (`#experiment=NAME&trial=N`) in headless Chromium, and text from the store
/// (a categorical choice, a log line) shown as text on it and in the trial table.
@Suite struct TrialPageTests {
  @Test func oneTrial_namesItsCheckpoint() async throws {
    let fixture = try FixtureStore()
    let sha = String(repeating: "ab", count: 32)
    try fixture.write { store in
      try writeTwelveTrials(store, "iris")
      _ = try store.apply([.recordCheckpoint(TrialID(experiment: "iris", number: 7), path: "out/iris/checkpoints/7.hpoc", sha256: sha, bytes: 4096)],
                          at: Clock.at(30))
    }
    try await withDashboard(fixture.path) { d in
      let t = try await d.get("/api/experiments/iris/trials/7").json()
      let c = try #require(t["checkpoint"] as? [String: Any])
      #expect(c["path"] as? String == "out/iris/checkpoints/7.hpoc" && c["sha256"] as? String == sha)
      #expect(c["bytes"] as? Int == 4096 && c["created"] as? String == "2025-06-15T15:07:10Z")
      #expect(try await d.get("/api/experiments/iris/trials/4").json()["checkpoint"] == nil)
    }
  }

  @Test func inABrowser_aTrialsPage_showsItsOutcomeConfigurationEpochsAndTimings() async throws {
    let fixture = try FixtureStore()
    try fixture.write { try writeTwelveTrials($0, "iris") }
    let page = try await withDashboard(fixture.path, timing: Chromium.timing) { d in
      try await Chromium.page(d.base + "/#experiment=iris&trial=4")
    }
    let dom = page.dom
    #expect(page.consoleErrors.isEmpty, "\(page.consoleErrors)")
    #expect(dom.contains(#"data-loaded="trial""#) && dom.contains(#"data-trial-state="complete""#), "\(dom)")
    #expect(dom.contains(#"<h2 id="trial-title">Trial #4 · complete</h2>"#), "\(dom)")
    #expect(dom.contains(#"<th scope="row">lr</th><td>0.009</td>"#) && dom.contains(#"<th scope="row">units</th><td>48</td>"#), "\(dom)")
    #expect(dom.contains(#"<th scope="row">worker</th><td>w0</td>"#) && dom.contains(#"<th scope="row">attempts</th><td>1</td>"#), "\(dom)")
    #expect(dom.contains(#"<th scope="row">accuracy</th><td>0.8</td>"#), "final metrics: \(dom)")
    // Two epochs: step, objective, loss.
    #expect(dom.contains(#"data-epochs="2""#), "\(dom)")
    #expect(dom.contains("<tr><td>1</td><td>0.4</td><td>1.5</td></tr><tr><td>2</td><td>0.8</td><td>0.5</td></tr>"), "\(dom)")
    #expect(dom.contains("2025-06-15T15:06:44Z"), "timings: \(dom)")
    #expect(dom.contains(#"<th scope="row">checkpoint</th><td>none kept for this trial</td>"#), "\(dom)")
    #expect(dom.contains(#"<section id="trial-output-section" hidden="">"#), "no output for a built-in trial: \(dom)")
  }

  /// A categorical choice and a failed command's output that hold markup: text in the table,
  /// on the trial's page, in the header's best configuration; no element made of them.
  @Test func inABrowser_markupInChoicesAndLogLines_showsAsText() async throws {
    let fixture = try FixtureStore()
    let choice = "<script>alert(1)</script>"
    let log = "Traceback\n<img src=x onerror=alert(2)> & <script>alert(3)</script>"
    try fixture.write { store in
      let spec = ExperimentSpec(
        name: "xss", data: DataSpec(path: "data/iris.csv", label: "species", task: .classification),
        model: ModelSpec(kind: .mlp, epochs: 3),
        space: SearchSpace([Parameter(name: "act", domain: .categorical([.string(choice), .string("relu")]))]),
        objective: ObjectiveSpec(metric: .accuracy, direction: .maximize),
        search: SearchSpec(strategy: .random, trials: 4, parallel: 1, seed: 1), output: OutputSpec(dir: "out/xss", keepTop: 0))
      _ = try store.apply([.createExperiment(spec, seed: 1), .setExperimentState(experiment: "xss", .running)], at: Clock.at(0))
      let lease = Lease(worker: "w0", attempt: 1)
      for (i, end) in [StoreChange.completeTrial(TrialID(experiment: "xss", number: 0), lease: lease, value: 0.9, metrics: [:], seconds: 1, epochs: 1),
                       .failTrial(TrialID(experiment: "xss", number: 1), lease: lease, reason: "exit 1", output: log)].enumerated() {
        let id = TrialID(experiment: "xss", number: i)
        _ = try store.apply([.insertTrial(id, configuration: Configuration(["act": .string(choice)]), seed: 1),
                             .leaseTrial(id, lease: lease, deadline: Clock.at(60)), end], at: Clock.at(Double(i)))
      }
    }
    let (table, trial) = try await withDashboard(fixture.path, timing: Chromium.timing) { d in
      (try await Chromium.page(d.base + "/#experiment=xss"), try await Chromium.page(d.base + "/#experiment=xss&trial=1"))
    }
    for page in [table, trial] {
      #expect(page.consoleErrors.isEmpty, "\(page.consoleErrors)")
      #expect(!page.dom.contains("<img"), "\(page.dom)")
      #expect(page.dom.components(separatedBy: "<script").count == (try PageTests.ownScriptCount()), "only the page's own script elements: \(page.dom)")
    }
    #expect(table.dom.contains("<td class=\"number\">&lt;script&gt;alert(1)&lt;/script&gt;</td>"), "\(table.dom)")
    #expect(table.dom.contains("Best configuration: act = &lt;script&gt;alert(1)&lt;/script&gt;"), "\(table.dom)")
    #expect(trial.dom.contains(#"<th scope="row">act</th><td>&lt;script&gt;alert(1)&lt;/script&gt;</td>"#), "\(trial.dom)")
    #expect(trial.dom.contains("<pre id=\"trial-output\">Traceback\n&lt;img src=x onerror=alert(2)&gt; &amp; &lt;script&gt;alert(3)&lt;/script&gt;</pre>"), "\(trial.dom)")
  }
}
