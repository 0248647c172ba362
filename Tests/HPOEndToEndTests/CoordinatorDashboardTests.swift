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

  /// The dashboard a coordinator serves cancels an experiment through the coordinator's run
  /// loop, with the token only: the same outcome as `hpo cancel` (state cancelled, running
  /// trials stop); without the header 401; a coordinator without a token file serves no cancel.
  @Test func coordinator_withAToken_cancelsFromTheDashboard_withoutOne_refuses() throws {
    let secret = "cancel-token-0123456789abcdef"
    let tokenDir = try HPOProcess.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: tokenDir) }
    let tokenFile = tokenDir.appendingPathComponent("token").path
    try secret.write(toFile: tokenFile, atomically: true, encoding: .utf8)
    let c = try TestCoordinator(extra: ["--http", "127.0.0.1:0", "--http-token-file", tokenFile])
    defer { c.process.stop() }
    #expect(c.process.waitFor(timeout: 10) { out, _ in out.contains("dashboard on ") }, "\(c.process.standardError)")
    let line = try #require(c.process.standardOutput.split(separator: "\n").first { $0.hasPrefix("dashboard on ") })
    let url = String(line.dropFirst("dashboard on ".count).dropLast())
    let spec = c.directory.appendingPathComponent("long.json").path
    try sleepExperiment("long", trials: 50, parallel: 1, seconds: 1).write(toFile: spec, atomically: true, encoding: .utf8)
    let worker = try c.worker("w1")
    defer { worker.stop() }
    #expect(try c.run(["submit", spec, "--detach"]).exitCode == 0)

    let post = ["-X", "POST"]
    let bearer = ["Authorization: Bearer \(secret)"]
    let (unauthorised, _) = try Self.curl(post, url + "/api/experiments/long/cancel")
    #expect(unauthorised == 401)
    let (status, body) = try Self.curl(post, url + "/api/experiments/long/cancel", headers: bearer)
    #expect(status == 200 && body.contains(#""accepted":true"#) && body.contains("cancelled long"), "\(body)")
    let list = try DashboardCommandTests.curl(url + "/api/experiments", headers: bearer).1
    #expect(list.contains(#""state":"cancelled""#), "\(list)")
    let (unknown, refusal) = try Self.curl(post, url + "/api/experiments/nope/cancel", headers: bearer)
    #expect(unknown == 409 && refusal.contains("no running experiment named nope"), "\(refusal)")

    // On loopback without a token: the dashboard is served, read-only.
    let open = try TestCoordinator(extra: ["--http", "127.0.0.1:0"])
    defer { open.process.stop() }
    #expect(open.process.waitFor(timeout: 10) { out, _ in out.contains("dashboard on ") }, "\(open.process.standardError)")
    let openLine = try #require(open.process.standardOutput.split(separator: "\n").first { $0.hasPrefix("dashboard on ") })
    let openURL = String(openLine.dropFirst("dashboard on ".count).dropLast())
    let (forbidden, why) = try Self.curl(post, openURL + "/api/experiments/long/cancel")
    #expect(forbidden == 403 && why.contains("cancelling needs the dashboard's token"), "\(why)")
  }

  /// curl with `options` before the URL: the status and the body.
  static func curl(_ options: [String], _ url: String, headers: [String] = []) throws -> (Int, String) {
    let r = try HPOProcess.tool(["curl", "-s", "-w", "\n%{http_code}"] + options + headers.flatMap { ["-H", $0] } + [url])
    let lines = r.standardOutput.split(separator: "\n", omittingEmptySubsequences: false)
    return (Int(lines.last ?? "") ?? -1, lines.dropLast().joined(separator: "\n"))
  }
}
