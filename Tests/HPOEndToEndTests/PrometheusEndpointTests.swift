import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `hpo coordinator --http`: Prometheus text a scraper reads over HTTP.
@Suite(.serialized) struct PrometheusEndpointTests {
  /// GET `url`; the status code and the body.
  static func get(_ url: String) throws -> (Int, String) {
    let text = try HPOProcess.tool(["python3", "-c", """
      import sys, urllib.request, urllib.error
      try:
          r = urllib.request.urlopen(sys.argv[1], timeout=10)
          print(r.status); print(r.headers.get("Content-Type")); sys.stdout.write(r.read().decode())
      except urllib.error.HTTPError as e:
          print(e.code); print(e.headers.get("Content-Type"))
      """, url]).standardOutput
    let lines = text.split(separator: "\n", maxSplits: 2, omittingEmptySubsequences: false)
    return (Int(lines.first ?? "") ?? -1, lines.count > 2 ? String(lines[2]) : "")
  }

  /// The value of the sample `name{labels}` (exact text up to the value).
  static func sample(_ text: String, _ series: String) -> Double? {
    for line in text.split(separator: "\n") where line.hasPrefix(series + " ") {
      return Double(line.dropFirst(series.count + 1))
    }
    return nil
  }

  @Test func metricsEndpoint_countsTrialsWorkersAndDispatches() throws {
    let c = try TestCoordinator(extra: ["--http", "127.0.0.1:0"])
    #expect(c.process.waitFor(timeout: 10) { out, _ in out.contains("metrics on http://127.0.0.1:") })
    let line = try #require(c.process.standardOutput.split(separator: "\n").first { $0.hasPrefix("metrics on ") })
    let url = String(line.dropFirst("metrics on ".count))
    let exp = try c.experiment("m", sleepExperiment("m", trials: 6, parallel: 2, seconds: 0.05))
    let w = try c.worker("w", extra: ["--slots", "2"])
    defer { w.stop() }
    #expect(try c.run(["submit", exp]).exitCode == 0)
    // The snapshot is taken about once a second.
    var text = ""
    let deadline = Date().addingTimeInterval(10)
    repeat {
      Thread.sleep(forTimeInterval: 0.3)
      text = try Self.get(url).1
    } while Self.sample(text, #"hpo_trials{experiment="m",state="complete"}"#) != 6 && Date() < deadline
    #expect(Self.sample(text, #"hpo_trials{experiment="m",state="complete"}"#) == 6, "\(text)")
    #expect(Self.sample(text, #"hpo_trials{experiment="m",state="failed"}"#) == 0)
    #expect(Self.sample(text, #"hpo_trials_budget{experiment="m"}"#) == 6)
    #expect(Self.sample(text, "hpo_worker_slots_connected") == 2)
    #expect(Self.sample(text, "hpo_queue_depth") == 0)
    #expect(Self.sample(text, "hpo_leases") == 0)
    // Every trial was dispatched once, each after some (small) wait.
    #expect(Self.sample(text, "hpo_dispatch_latency_seconds_count") == 6, "\(text)")
    #expect(Self.sample(text, #"hpo_dispatch_latency_seconds_bucket{le="+Inf"}"#) == 6)
    #expect(text.contains("# TYPE hpo_dispatch_latency_seconds histogram") && text.contains("# TYPE hpo_trials gauge"))
    let (status, _) = try Self.get(url.replacingOccurrences(of: "/metrics", with: "/other"))
    #expect(status == 404)
  }

  @Test func metricsPortInUse_exitsThreeNamingTheAddress() throws {
    let c = try TestCoordinator(extra: ["--http", "127.0.0.1:0"])
    #expect(c.process.waitFor(timeout: 10) { out, _ in out.contains("metrics on http://127.0.0.1:") })
    let line = try #require(c.process.standardOutput.split(separator: "\n").first { $0.hasPrefix("metrics on http://127.0.0.1:") })
    let port = String(line.dropFirst("metrics on http://127.0.0.1:".count).prefix { $0.isNumber })
    let dir = try HPOProcess.temporaryDirectory()
    let second = try HPOProcess.run(
      ["coordinator", "--bind", "tcp://127.0.0.1:*", "--store", dir.appendingPathComponent("s.sqlite").path, "--http", "127.0.0.1:\(port)"], in: dir)
    #expect(second.exitCode == 3)
    #expect(second.standardError.contains("error: cannot serve metrics and the dashboard on 127.0.0.1:\(port): "), "\(second.standardError)")
    #expect(second.standardError.contains("Address already in use"))
    #expect(!second.standardOutput.contains("listening on"), "it stops before serving workers")
    #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("s.sqlite").path), "and before opening the store")
  }
}
