import Foundation
import HPOCore
import HPODashboard
import HPOStore
import Testing

/// `GET /api/experiments/{name}/release` and the release panel: the store's record of the
/// release stage and what the files it names hold (result.json's gates and champion, the
/// package's SHA256SUMS), as the release stage writes them.
@Suite struct ReleasePanelTests {
  static let digest = String(repeating: "0f", count: 32)

  /// An output folder as the release stage leaves it: result.json (a failed accuracy gate with
  /// markup in its detail, a passed drift gate, a champion compared with McNemar) and a
  /// rejected package with its SHA256SUMS.
  static func writeOutput(_ directory: URL) throws -> (report: String, package: String) {
    let package = directory.appendingPathComponent("rejected")
    try FileManager.default.createDirectory(at: package, withIntermediateDirectories: true)
    try "\(digest)  model.hpoc\n\(digest)  manifest.json\n".write(
      to: package.appendingPathComponent("SHA256SUMS"), atomically: true, encoding: .utf8)
    let result = """
      {"format": "hpo-release-result", "version": 1, "experiment": "iris", "outcome": "gate_failed",
       "failed_gates": ["accuracy ≥ 0.95"], "message": "1 of 3 gates failed", "package": "\(package.path)", "report": "r",
       "winner": {"trial": 7, "configuration": {"lr": 0.012}, "seed": "107", "origin": "checkpoint",
                  "validation": {"accuracy": 0.9}, "test": {"accuracy": 0.91}},
       "gates": [
         {"name": "accuracy ≥ 0.95", "kind": "metric", "passed": false, "value": 0.91, "threshold": "≥ 0.95",
          "detail": "test accuracy 0.91 <script>alert(1)</script>"},
         {"name": "champion", "kind": "champion", "passed": true, "value": 0.01, "threshold": "≥ -0.02", "detail": "better"},
         {"name": "drift", "kind": "drift", "passed": true, "value": null, "threshold": "α 0.05", "detail": "no feature drifted"}],
       "champion": {"entry": "registry/iris", "version": "versions/2", "metric": "accuracy", "champion": 0.9, "winner": 0.91,
                    "difference": 0.01, "mcnemar": {"winner_only": 4, "champion_only": 2, "p_value": 0.6875, "exact": true}},
       "created_at": "2025-06-15T15:10:00Z"}
      """
    try result.write(to: directory.appendingPathComponent("result.json"), atomically: true, encoding: .utf8)
    return (directory.appendingPathComponent("report.md").path, package.path)
  }

  static func recordRelease(_ store: ExperimentStore, report: String?, package: String?) throws {
    _ = try store.apply([
      .setExperimentState(experiment: "iris", .finished), .awaitRelease(experiment: "iris"),
      .recordRelease(experiment: "iris", StoredRelease(
        status: .gateFailed, failedGates: ["accuracy ≥ 0.95"], message: "1 of 3 gates failed: accuracy ≥ 0.95",
        report: report, package: package, recordedAt: Clock.at(100))),
    ], at: Clock.at(100))
  }

  @Test func theRelease_isTheRecordAndItsFiles() async throws {
    let fixture = try FixtureStore()
    let output = try Self.writeOutput(fixture.directory)
    try fixture.write { store in
      try writeTwelveTrials(store, "iris")
      try writeTwelveTrials(store, "pending")
      _ = try store.apply([.setExperimentState(experiment: "pending", .finished), .awaitRelease(experiment: "pending")])
      try writeTwelveTrials(store, "none")
      try Self.recordRelease(store, report: output.report, package: output.package)
    }
    try await withDashboard(fixture.path) { d in
      let r = try await d.get("/api/experiments/iris/release").json()
      #expect(r["stage"] as? String == "done" && r["status"] as? String == "gate_failed", "\(r)")
      #expect(r["failedGates"] as? [String] == ["accuracy ≥ 0.95"] && r["package"] as? String == output.package)
      let gates = try #require(r["gates"] as? [[String: Any]])
      #expect(gates.map { $0["name"] as? String } == ["accuracy ≥ 0.95", "champion", "drift"])
      #expect(gates[0]["value"] as? Double == 0.91 && gates[0]["threshold"] as? String == "≥ 0.95" && gates[0]["passed"] as? Bool == false)
      let champion = try #require(r["champion"] as? [String: Any])
      #expect(champion["entry"] as? String == "registry/iris" && champion["difference"] as? Double == 0.01)
      let sums = try #require(r["checksums"] as? [[String: String]])
      #expect(sums == [["file": "model.hpoc", "sha256": Self.digest], ["file": "manifest.json", "sha256": Self.digest]])
      #expect((r["unreadable"] as? [Any])?.isEmpty == true)
      #expect(try await d.get("/api/experiments/pending/release").json()["stage"] as? String == "pending")
      #expect(try await d.get("/api/experiments/none/release").json()["stage"] as? String == "none")
      #expect(try await d.get("/api/experiments/nope/release").status == 404)
      // The summary says where the release stage is, so an event follows its outcome.
      let list = try #require(try await d.get("/api/experiments").json()["experiments"] as? [[String: Any]])
      #expect(list.map { $0["release"] as? String } == ["done", "pending", "none"])
    }
  }

  /// A store copied without its output folder: the record, and the files named as unreadable.
  @Test func filesThatAreGone_areNamed_theRecordStillAnswered() async throws {
    let fixture = try FixtureStore()
    try fixture.write { store in
      try writeTwelveTrials(store, "iris")
      try Self.recordRelease(store, report: "/nowhere/report.md", package: "/nowhere/rejected")
    }
    try await withDashboard(fixture.path) { d in
      let r = try await d.get("/api/experiments/iris/release").json()
      #expect(r["status"] as? String == "gate_failed" && r["gates"] == nil)
      let files = try #require(r["unreadable"] as? [[String: String]]).map { $0["file"] }
      #expect(files == ["/nowhere/result.json", "/nowhere/rejected/SHA256SUMS"], "\(r)")
    }
  }

  @Test func inABrowser_theReleasePanel_showsGatesChampionPackageAndDrift() async throws {
    let fixture = try FixtureStore()
    let output = try Self.writeOutput(fixture.directory)
    try fixture.write { store in
      try writeTwelveTrials(store, "iris")
      try Self.recordRelease(store, report: output.report, package: output.package)
    }
    let page = try await withDashboard(fixture.path, timing: Chromium.timing) { d in
      try await Chromium.page(d.base + "/#experiment=iris")
    }
    let dom = page.dom
    #expect(page.consoleErrors.isEmpty, "\(page.consoleErrors)")
    #expect(dom.contains(#"data-release="done""#) && dom.contains(#"data-gates="3""#), "\(dom)")
    #expect(dom.contains(#"<p id="release-outcome" class="failed">gate_failed: 1 of 3 gates failed: accuracy ≥ 0.95</p>"#), "\(dom)")
    #expect(dom.contains("<td>accuracy ≥ 0.95</td><td>metric</td><td>0.91</td><td>≥ 0.95</td><td class=\"failed\">failed</td><td>test accuracy 0.91 &lt;script&gt;alert(1)&lt;/script&gt;</td>"), "\(dom)")
    #expect(dom.contains("<td>drift</td><td>drift</td><td>—</td><td>α 0.05</td><td class=\"passed\">passed</td><td>no feature drifted</td>"), "\(dom)")
    #expect(dom.contains(#"<th scope="row">entry</th><td>registry/iris (versions/2)</td>"#), "\(dom)")
    #expect(dom.contains("exact p = 0.6875; winner alone right on 4 rows, champion alone on 2"), "\(dom)")
    #expect(dom.contains("<th scope=\"row\">package</th><td>\(output.package)</td>"), "\(dom)")
    #expect(dom.contains("<td>model.hpoc</td><td>\(Self.digest)</td>"), "\(dom)")
    #expect(dom.components(separatedBy: "<script").count == (try PageTests.ownScriptCount()), "only the page's own scripts: \(dom)")
    #expect(dom.contains(#"<dd id="h-eta">ended</dd>"#), "a finished experiment: \(dom)")
  }
}
