import Foundation
import Testing

/// `--http` on `hpo coordinator` and `hpo run`: one port serves the dashboard (its own
/// read-only connections to the coordinator's store) and `/metrics`.
@Suite(.serialized) struct CoordinatorDashboardTests {
  @Test func run_httpPortZero_printsTheAddress_andServesTheDashboardAndMetricsWhileItRuns() throws {
    let dir = try HPOProcess.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let path = dir.appendingPathComponent("m.json").path
    try sleepExperiment("m", trials: 6, parallel: 1, seconds: 0.5).write(toFile: path, atomically: true, encoding: .utf8)
    let run = try LiveProcess(["run", path, "--workers", "1", "--http", "127.0.0.1:0"], in: dir)
    defer { run.stop() }
    #expect(run.waitFor(timeout: 30) { out, _ in out.contains("dashboard on http://127.0.0.1:") }, "\(run.standardOutput)\n\(run.standardError)")
    let line = try #require(run.standardOutput.split(separator: "\n").first { $0.hasPrefix("dashboard on ") })
    let url = String(line.dropFirst("dashboard on ".count).dropLast())
    #expect(url.hasPrefix("http://127.0.0.1:") && !url.hasSuffix(":0"), "\(line)")
    #expect(run.standardOutput.contains("metrics on \(url)/metrics\n"), "\(run.standardOutput)")

    // While it runs: the experiment in the API, its gauges in /metrics, events in the stream.
    var listed = ""
    var scraped = ""
    let deadline = Date().addingTimeInterval(30)
    while Date() < deadline, run.process.isRunning, !(listed.contains(#""name":"m""#) && scraped.contains("hpo_trials_budget")) {
      Thread.sleep(forTimeInterval: 0.3)
      listed = try DashboardCommandTests.curl(url + "/api/experiments").1
      scraped = try PrometheusEndpointTests.get(url + "/metrics").1
    }
    #expect(run.process.isRunning, "checked while the run runs")
    #expect(listed.contains(#""name":"m""#) && listed.contains(#""budget":6"#), "\(listed)")
    #expect(scraped.contains(#"hpo_trials_budget{experiment="m"} 6"#), "\(scraped)")
    let stream = try HPOProcess.tool(["curl", "-sN", "--max-time", "2", url + "/api/events"])
    #expect(stream.standardOutput.hasPrefix("retry: 2000\n\nevent: experiment\ndata: {"), "\(stream.standardOutput)")
    #expect(run.waitForExit(timeout: 60) == 0, "\(run.standardError)")
  }

  @Test func coordinator_beyondLoopbackWithoutAToken_servesMetricsOnly_andSaysWhy() throws {
    let c = try TestCoordinator(extra: ["--http", "0.0.0.0:0"])
    #expect(c.process.waitFor(timeout: 10) { out, _ in out.contains("listening on") }, "\(c.process.standardError)")
    let line = try #require(c.process.standardOutput.split(separator: "\n").first { $0.hasPrefix("metrics on ") })
    let port = String(line.split(separator: ":").last?.prefix { $0.isNumber } ?? "")
    #expect(!c.process.standardOutput.contains("dashboard on"), "\(c.process.standardOutput)")
    #expect(c.process.standardError.contains("warning: only /metrics is served: --http 0.0.0.0: serving the dashboard beyond this machine needs a bearer token"),
            "\(c.process.standardError)")
    #expect(try PrometheusEndpointTests.get("http://127.0.0.1:\(port)/metrics").0 == 200)
    let (status, body) = try DashboardCommandTests.curl("http://127.0.0.1:\(port)/api/experiments")
    #expect(status == 404 && body.contains("the dashboard is not served on 0.0.0.0 without a token"), "\(body)")
  }
}
