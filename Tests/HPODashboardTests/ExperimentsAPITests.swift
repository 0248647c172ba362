import Foundation
import HPOCore
import HPODashboard
import HPOStore
import Testing

/// `GET /api/experiments` over a real store file and a real server: what a user sees.
@Suite struct ExperimentsAPITests {
  @Test func experiments_listStateBudgetCountsBestAndTimes() async throws {
    let fixture = try FixtureStore()
    try fixture.write { store in
      try writeTwelveTrials(store, "iris")
      try writeTwelveTrials(store, "low", direction: .minimize)
      _ = try store.apply(.setExperimentState(experiment: "low", .finished), at: Clock.at(100))
    }
    try await withDashboard(fixture.path) { dashboard in

      let answer = try await dashboard.get("/api/experiments")
      #expect(answer.status == 200)
      #expect(answer.contentType == "application/json; charset=utf-8")
      let list = try #require(try answer.json()["experiments"] as? [[String: Any]])
      #expect(list.map { $0["name"] as? String } == ["iris", "low"])
      let iris = list[0]
      #expect(iris["state"] as? String == "running")
      #expect(iris["budget"] as? Int == 20)
      #expect(iris["total"] as? Int == 12)
      #expect(iris["counts"] as? [String: Int] == [
        "pending": 1, "running": 1, "complete": 7, "pruned": 2, "failed": 1, "infeasible": 0,
      ])
      #expect(iris["direction"] as? String == "maximize")
      #expect(iris["objective"] as? String == "accuracy")
      let best = try #require(iris["best"] as? [String: Any])
      #expect(best["trial"] as? Int == 7 && best["value"] as? Double == 0.9)
      #expect(iris["started"] as? String == "2025-06-15T15:06:40Z")
      #expect(iris["finished"] == nil)
      #expect((iris["durationSeconds"] as? Double ?? 0) > 0, "running: up to now")

      // Minimised: the lowest complete value (trial 0, 0.0); finished: its duration is fixed.
      let low = list[1]
      let lowBest = try #require(low["best"] as? [String: Any])
      #expect(lowBest["trial"] as? Int == 0 && lowBest["value"] as? Double == 0)
      #expect(low["state"] as? String == "finished")
      #expect(low["durationSeconds"] as? Double == 100)
    }
  }

  @Test func anExperimentWithoutCompleteTrials_hasNoBest() async throws {
    let fixture = try FixtureStore()
    try fixture.write { store in
      _ = try store.apply(.createExperiment(dashboardSpec("empty"), seed: 1), at: Clock.at(0))
    }
    try await withDashboard(fixture.path) { dashboard in
      let list = try #require(try await dashboard.get("/api/experiments").json()["experiments"] as? [[String: Any]])
      #expect(list.count == 1)
      #expect(list[0]["best"] == nil)
      #expect(list[0]["total"] as? Int == 0)
      #expect(list[0]["state"] as? String == "queued")
    }
  }

  /// Text from the store is escaped in the JSON (`\u003c`), and reads back as it was.
  @Test func aNameWithMarkup_isEscapedInTheJSON_andReadsBackAsText() async throws {
    let name = "<script>alert('x')</script> & co"
    let fixture = try FixtureStore()
    try fixture.write { store in try writeTwelveTrials(store, name) }
    try await withDashboard(fixture.path) { dashboard in
      let answer = try await dashboard.get("/api/experiments")
      #expect(!answer.text.contains("<script>"), "\(answer.text)")
      #expect(!answer.text.contains("&"))
      #expect(answer.text.contains(#"\u003cscript\u003ealert('x')\u003c/script\u003e \u0026 co"#), "\(answer.text)")
      let list = try #require(try answer.json()["experiments"] as? [[String: Any]])
      #expect(list.first?["name"] as? String == name)
      #expect(answer.headers["x-content-type-options"] == "nosniff")

      // Its trials are reached with the name percent-encoded in the path.
      let encoded = try #require(name.addingPercentEncoding(withAllowedCharacters: .alphanumerics))
      let trials = try await dashboard.get("/api/experiments/\(encoded)/trials?limit=1")
      #expect(trials.status == 200, "\(trials.text)")
      #expect(try trials.json()["total"] as? Int == 12)
    }
  }
}
