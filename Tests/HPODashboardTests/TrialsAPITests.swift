import Foundation
import HPOCore
import HPODashboard
import HPOStore
import Testing

/// `GET /api/experiments/{name}/trials` and `…/trials/{number}`: pages cut, sorted and
/// filtered on the server, over a real store file and a real server.
@Suite struct TrialsAPITests {
  static func numbers(_ answer: HTTPAnswer) throws -> [Int] {
    try #require(try answer.json()["trials"] as? [[String: Any]]).map { $0["number"] as? Int ?? -1 }
  }

  /// The `parameters` object as `name=value` words, sorted by name.
  static func parameters(_ object: [String: Any]) -> String {
    let p = object["parameters"] as? [String: Any] ?? [:]
    return p.keys.sorted().map { "\($0)=\(p[$0].map { "\($0)" } ?? "")" }.joined(separator: " ")
  }

  static func twelve() throws -> FixtureStore {
    let fixture = try FixtureStore()
    try fixture.write { try writeTwelveTrials($0, "iris") }
    return fixture
  }

  @Test func pages_haveTheTotal_andFollowOneAnother() async throws {
    let fixture = try Self.twelve()
    try await withDashboard(fixture.path) { d in
      let first = try await d.get("/api/experiments/iris/trials?limit=5")
      #expect(first.status == 200)
      let json = try first.json()
      #expect(json["total"] as? Int == 12)
      #expect(json["offset"] as? Int == 0 && json["limit"] as? Int == 5)
      #expect(json["sort"] as? String == "number" && json["order"] as? String == "asc")
      #expect(try Self.numbers(first) == [0, 1, 2, 3, 4])
      #expect(try Self.numbers(await d.get("/api/experiments/iris/trials?limit=5&offset=5")) == [5, 6, 7, 8, 9])
      #expect(try Self.numbers(await d.get("/api/experiments/iris/trials?limit=5&offset=10")) == [10, 11])
      let past = try await d.get("/api/experiments/iris/trials?offset=50")
      #expect(try Self.numbers(past) == [] && past.json()["total"] as? Int == 12)
      // The default limit is 100: all 12 at once.
      #expect(try Self.numbers(await d.get("/api/experiments/iris/trials")) == Array(0..<12))
    }
  }

  /// Each sort key, both orders; trials without a value for the key last in both.
  @Test(arguments: [
    ("sort=value&order=desc", [7, 4, 1, 8, 5, 2, 3, 0, 11, 10, 9, 6]),
    ("sort=value", [0, 3, 2, 5, 8, 1, 4, 7, 6, 9, 10, 11]),
    ("sort=param.lr", [0, 5, 10, 3, 8, 1, 6, 11, 4, 9, 2, 7]),
    ("sort=param.units&order=desc", [5, 10, 3, 8, 1, 6, 11, 4, 9, 2, 7, 0]),
    ("sort=param.optimizer", [0, 2, 4, 6, 8, 10, 1, 3, 5, 7, 9, 11]),
    ("sort=state", [11, 10, 0, 1, 2, 4, 5, 7, 8, 3, 6, 9]),
    ("sort=started&order=desc", [10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 11]),
    ("sort=duration", [0, 9, 1, 4, 7, 6, 2, 5, 8, 3, 10, 11]),
    ("sort=number&order=desc", Array((0..<12).reversed())),
  ])
  func sortKeys_orderTheWholeExperiment(_ query: String, _ expected: [Int]) async throws {
    let fixture = try Self.twelve()
    try await withDashboard(fixture.path) { d in
      let all = try await d.get("/api/experiments/iris/trials?\(query)")
      #expect(all.status == 200, "\(all.text)")
      #expect(try Self.numbers(all) == expected)
      // A page of the same order is the same slice.
      #expect(try Self.numbers(await d.get("/api/experiments/iris/trials?\(query)&offset=3&limit=4")) == Array(expected[3..<7]))
    }
  }

  @Test func aStateFilter_countsAndPagesOnlyThatState() async throws {
    let fixture = try Self.twelve()
    try await withDashboard(fixture.path) { d in
      let complete = try await d.get("/api/experiments/iris/trials?state=complete&sort=value&order=desc&limit=3")
      #expect(try complete.json()["total"] as? Int == 7)
      #expect(try complete.json()["state"] as? String == "complete")
      #expect(try Self.numbers(complete) == [7, 4, 1])
      let pruned = try await d.get("/api/experiments/iris/trials?state=pruned")
      #expect(try pruned.json()["total"] as? Int == 2 && Self.numbers(pruned) == [3, 6])
      let infeasible = try await d.get("/api/experiments/iris/trials?state=infeasible")
      #expect(try infeasible.json()["total"] as? Int == 0 && Self.numbers(infeasible) == [])
    }
  }

  @Test func aRow_showsWhatTheTableNeeds() async throws {
    let fixture = try Self.twelve()
    try await withDashboard(fixture.path) { d in
      let rows = try #require(try await d.get("/api/experiments/iris/trials?offset=7&limit=1").json()["trials"] as? [[String: Any]])
      let row = try #require(rows.first)
      #expect(row["number"] as? Int == 7)
      #expect(row["state"] as? String == "complete")
      #expect(row["value"] as? Double == 0.9)
      #expect(Self.parameters(row) == "lr=0.012 optimizer=sgd units=18")
      #expect(row["worker"] as? String == "w1")
      #expect(row["attempts"] as? Int == 1 && row["epochs"] as? Int == 2)
      #expect(row["started"] as? String == "2025-06-15T15:06:47Z")
      #expect(row["durationSeconds"] as? Double == 2)
    }
  }

  @Test func oneTrial_hasItsConfigurationEpochsAttemptsWorkerAndTimes() async throws {
    let fixture = try Self.twelve()
    try await withDashboard(fixture.path) { d in
      let answer = try await d.get("/api/experiments/iris/trials/4")
      #expect(answer.status == 200, "\(answer.text)")
      let t = try answer.json()
      #expect(t["experiment"] as? String == "iris" && t["number"] as? Int == 4)
      #expect(t["state"] as? String == "complete" && t["value"] as? Double == 0.8)
      #expect(Self.parameters(t) == "lr=0.009 optimizer=adam units=48")
      #expect(t["seed"] as? String == "104")
      #expect(t["worker"] as? String == "w0" && t["attempts"] as? Int == 1 && t["epochs"] as? Int == 2)
      #expect(t["metrics"] as? [String: Double] == ["accuracy": 0.8])
      let steps = try #require(t["intermediate"] as? [[String: Any]])
      #expect(steps.map { $0["step"] as? Int } == [1, 2])
      #expect(steps.map { $0["value"] as? Double } == [0.4, 0.8])
      #expect(steps.map { $0["metrics"] as? [String: Double] } == [["loss": 1.5], ["loss": 0.5]])
      #expect(t["created"] as? String == "2025-06-15T15:06:44Z")
      #expect(t["started"] as? String == "2025-06-15T15:06:44Z")
      #expect(t["finished"] as? String == "2025-06-15T15:06:44Z")
      #expect(t["durationSeconds"] as? Double == 2)

      let failed = try await d.get("/api/experiments/iris/trials/9").json()
      #expect(failed["state"] as? String == "failed" && failed["reason"] as? String == "training diverged")
      #expect(failed["durationSeconds"] as? Double == 1.5, "end minus start without a reported time")
      let pending = try await d.get("/api/experiments/iris/trials/11").json()
      #expect(pending["state"] as? String == "pending" && pending["worker"] == nil && pending["started"] == nil)
    }
  }

  /// `param.NAME=LO..HI` (both ends included, either left out) and `param.NAME=CHOICE`, with a
  /// state and a sort: the total and the page count only the trials that pass.
  @Test(arguments: [
    // lr of trial i: ((5 i) mod 12 + 1) / 1000; units: (7 i) mod 12 * 10 + 8; optimizer: adam for even i.
    ("param.lr=0.004..0.008", 5, [1, 3, 6, 8, 11]),
    ("param.lr=..0.003", 3, [0, 5, 10]),
    ("param.units=100..&sort=param.units", 2, [10, 5]),
    ("param.optimizer=sgd&state=complete", 3, [1, 5, 7]),
    // Trial 6 (pruned without a value) last.
    ("param.optimizer=adam&param.lr=0.006..&sort=value&order=desc", 3, [4, 2, 6]),
  ])
  func parameterFilters_countAndPageOnlyTheTrialsInRange(_ query: String, _ total: Int, _ expected: [Int]) async throws {
    let fixture = try Self.twelve()
    try await withDashboard(fixture.path) { d in
      let answer = try await d.get("/api/experiments/iris/trials?\(query)")
      #expect(answer.status == 200, "\(answer.text)")
      #expect(try answer.json()["total"] as? Int == total, "\(answer.text)")
      #expect(try Self.numbers(answer) == expected, "\(answer.text)")
    }
  }

  @Test func aFilter_isEchoedInTheAnswer() async throws {
    let fixture = try Self.twelve()
    try await withDashboard(fixture.path) { d in
      let json = try await d.get("/api/experiments/iris/trials?param.lr=0.004..0.008&param.optimizer=adam").json()
      #expect(json["filter"] as? [String: String] == ["lr": "0.004..0.008", "optimizer": "adam"])
    }
  }
}
