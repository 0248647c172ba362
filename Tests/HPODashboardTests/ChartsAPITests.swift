import Foundation
import HPOCore
@testable import HPODashboard
import HPOReports
import HPOStore
import Testing

/// The chart data of an experiment's page over plain HTTP: every trial as columns, parameter
/// importance (the HTML report's own scores), intermediate values sampled at scale; d3 served
/// from the binary as Debian installs it; bad input answered 400.
@Suite struct ChartsAPITests {
  /// The build plugin embedded the file the `node-d3` package installs, byte for byte, and the
  /// page loads it without the token (it holds no data).
  @Test func d3_isServed_asTheDebianPackageInstalledIt() async throws {
    let fixture = try FixtureStore()
    try fixture.write { try writeTwelveTrials($0, "iris") }
    let installed = try Data(contentsOf: URL(fileURLWithPath: "/usr/share/nodejs/d3/dist/d3.min.js"))
    try await withDashboard(fixture.path, token: try BearerToken("chart-token-0123456789")) { d in
      let answer = try await d.get("/lib/d3.js")
      #expect(answer.status == 200)
      #expect(answer.contentType == "text/javascript; charset=utf-8")
      #expect(answer.body == installed)
      #expect(answer.text.hasPrefix("// https://d3js.org v5.16.0"))
      #expect(try await d.get("/lib/none.js").status == 401, "anything else needs the token")
    }
  }

  @Test func columns_holdEveryTrial_withItsParametersOnTheirAxes() async throws {
    let fixture = try FixtureStore()
    try fixture.write { try writeTwelveTrials($0, "iris") }
    try await withDashboard(fixture.path) { d in
      let c = try await d.get("/api/experiments/iris/columns").json()
      #expect(c["experiment"] as? String == "iris" && c["objective"] as? String == "accuracy")
      #expect(c["direction"] as? String == "maximize")
      #expect(c["number"] as? [Int] == Array(0..<12))
      let states = try #require(c["state"] as? [String])
      #expect(states[3] == "pruned" && states[9] == "failed" && states[10] == "running" && states[11] == "pending")
      let values = try #require(c["value"] as? [Any])
      #expect(values[7] as? Double == 0.9 && values[3] as? Double == 0.35 && values[9] is NSNull)
      let workers = try #require(c["worker"] as? [Any])
      #expect(workers[0] as? String == "w0" && workers[1] as? String == "w1" && workers[11] is NSNull)
      // Trial i is leased at i s (the first at 0 s) and ends at i + (i mod 4) + 0.5 s.
      let started = try #require(c["started"] as? [Any])
      let finished = try #require(c["finished"] as? [Any])
      #expect(started[4] as? Double == 4 && finished[4] as? Double == 4.5 && finished[10] is NSNull)
      #expect(c["origin"] as? String == "2025-06-15T15:06:40Z")
      let axes = try #require(c["parameters"] as? [[String: Any]])
      #expect(axes.map { $0["name"] as? String } == ["lr", "optimizer", "units"], "the space's order")
      #expect(axes[0]["kind"] as? String == "float" && axes[0]["log"] as? Bool == true && axes[0]["high"] as? Double == 0.1)
      #expect(axes[1]["choices"] as? [String] == ["adam", "sgd"])
      let byName = try #require(c["values"] as? [String: [Double]])
      let optimizer: [Double] = (0..<12).map { i in Double(i % 2) }
      #expect(byName["optimizer"] == optimizer, "a choice is its index")
      let units: [Double] = (0..<12).map { i in Double((i * 7) % 12 * 10 + 8) }
      #expect(byName["units"] == units)
      #expect(byName["lr"]?[1] == 0.006)
    }
  }

  /// The dashboard's scores are ``ParameterImportance``'s over the complete trials: the
  /// report's and the dashboard's come from one module.
  @Test func importance_isTheReportsScores() async throws {
    let fixture = try FixtureStore()
    try fixture.write { try writeTwelveTrials($0, "iris") }
    let store = try ExperimentStore.openReadOnly(path: fixture.path)
    let complete = try store.trials(of: "iris").filter { $0.state == .complete }.map { ($0.configuration, $0.value ?? .nan) }
    let expected = ParameterImportance.scores(space: dashboardSpec("iris").space, trials: complete, lowerIsBetter: false)
    try store.close()
    #expect(expected.count == 3)
    try await withDashboard(fixture.path) { d in
      let i = try await d.get("/api/experiments/iris/importance").json()
      #expect(i["trials"] as? Int == 7 && i["minimumTrials"] as? Int == 5)
      let scores = try #require(i["parameters"] as? [[String: Any]])
      #expect(scores.map { $0["name"] as? String } == expected.map(\.name))
      // Equal up to the JSON round trip (Foundation's JSONSerialization may read the last bit differently).
      for (score, e) in zip(scores, expected) { #expect(abs((score["score"] as? Double ?? -1) - e.score) < 1e-12) }
      #expect(scores.map { $0["bins"] as? Int } == expected.map(\.bins))
    }
  }

  @Test func intermediate_isEachReportingTrialsCurve_sampledWithTheBestKept() async throws {
    let fixture = try FixtureStore()
    try fixture.write { try writeTwelveTrials($0, "iris") }
    try await withDashboard(fixture.path) { d in
      let all = try await d.get("/api/experiments/iris/intermediate").json()
      #expect(all["total"] as? Int == 8 && all["limit"] as? Int == 200)
      let curves = try #require(all["trials"] as? [[String: Any]])
      #expect(curves.map { $0["number"] as? Int } == [0, 1, 2, 3, 4, 5, 7, 8], "6 never reported")
      #expect(curves[3]["state"] as? String == "pruned" && curves[3]["value"] as? [Double] == [0.35])
      #expect(curves[6]["step"] as? [Int] == [1, 2] && curves[6]["value"] as? [Double] == [0.45, 0.9])
      // Three of eight: the first and the last reporting trials and the best (7).
      let few = try await d.get("/api/experiments/iris/intermediate?limit=3").json()
      #expect(few["total"] as? Int == 8)
      #expect((few["trials"] as? [[String: Any]])?.map { $0["number"] as? Int } == [0, 7, 8])
    }
  }

  @Test func sample_spreadsEvenly_andAddsTheBest() {
    let reported = Array(0..<100_000)
    let chosen = APIIntermediate.sample(reported, limit: 200, best: 12_345)
    #expect(chosen.count == 200 && chosen.first == 0 && chosen.last == 99_999 && chosen.contains(12_345))
    #expect(APIIntermediate.sample([1, 2, 3], limit: 5, best: nil) == [1, 2, 3])
    #expect(APIIntermediate.sample([1, 2, 3], limit: 1, best: 2) == [1, 2])
  }

  @Test(arguments: [
    ("/api/experiments/iris/intermediate?limit=0", "limit=0: not accepted; give an integer from 1 to 5000"),
    ("/api/experiments/iris/intermediate?limit=many", "limit=many: not accepted; give an integer from 1 to 5000"),
    ("/api/experiments/iris/intermediate?limit=2&limit=3", "limit is given twice; give it once"),
    ("/api/experiments/iris/intermediate?sort=value", "unknown query parameter \\\"sort\\\"; accepted: limit"),
    ("/api/experiments/iris/columns?limit=2", "unknown query parameter \\\"limit\\\"; this path takes none"),
    ("/api/experiments/iris/importance?x=1", "unknown query parameter \\\"x\\\"; this path takes none"),
  ])
  func badInput_isA400_sayingWhatIsAccepted(_ path: String, _ message: String) async throws {
    let fixture = try FixtureStore()
    try fixture.write { try writeTwelveTrials($0, "iris") }
    try await withDashboard(fixture.path) { d in
      let answer = try await d.get(path)
      #expect(answer.status == 400)
      #expect(answer.text == "{\"error\":\"\(message)\"}", "\(answer.text)")
      for chart in ["columns", "intermediate", "importance"] {
        #expect(try await d.get("/api/experiments/none/\(chart)").status == 404)
      }
    }
  }
}
