import Foundation
import HPOCore
import HPODashboard
import HPOStore
import Testing

/// Bad input in a request is answered, never a crash: 400 with `{"error": …}` naming the
/// parameter, the value and what is accepted; 404 for what does not exist.
@Suite struct BadRequestTests {
  struct Case: CustomTestStringConvertible, Sendable {
    var path: String
    var status: Int
    var error: String
    var testDescription: String { path }
  }

  static let cases: [Case] = [
    Case(path: "/api/experiments/iris/trials?sort=colour", status: 400,
         error: "sort=colour: not a sort key of this experiment; accepted: number, state, value, started, duration, param.lr, param.optimizer, param.units"),
    Case(path: "/api/experiments/iris/trials?sort=param.momentum", status: 400,
         error: "sort=param.momentum: not a sort key of this experiment; accepted: number, state, value, started, duration, param.lr, param.optimizer, param.units"),
    Case(path: "/api/experiments/iris/trials?offset=-1", status: 400, error: "offset=-1: not accepted; give an integer of 0 or more"),
    Case(path: "/api/experiments/iris/trials?offset=ten", status: 400, error: "offset=ten: not accepted; give an integer of 0 or more"),
    Case(path: "/api/experiments/iris/trials?limit=0", status: 400, error: "limit=0: not accepted; give an integer from 1 to 1000"),
    Case(path: "/api/experiments/iris/trials?limit=1001", status: 400, error: "limit=1001: not accepted; give an integer from 1 to 1000"),
    Case(path: "/api/experiments/iris/trials?limit=99999999999999999999", status: 400,
         error: "limit=99999999999999999999: not accepted; give an integer from 1 to 1000"),
    Case(path: "/api/experiments/iris/trials?order=up", status: 400, error: "order=up: not accepted; give asc or desc"),
    Case(path: "/api/experiments/iris/trials?state=done", status: 400,
         error: "state=done: not a trial state; accepted: pending, running, complete, pruned, failed, infeasible"),
    Case(path: "/api/experiments/iris/trials?page=2", status: 400,
         error: "unknown query parameter \"page\"; accepted: offset, limit, sort, order, state, param.NAME"),
    Case(path: "/api/experiments/iris/trials?param.colour=red", status: 400,
         error: "param.colour=red: colour is not a parameter of this experiment; accepted: param.lr, param.optimizer, param.units"),
    Case(path: "/api/experiments/iris/trials?param.lr=small", status: 400,
         error: "param.lr=small: not a range; give a range LO..HI of numbers, either end may be left out (0.001..0.01, 0.001.., ..0.01)"),
    Case(path: "/api/experiments/iris/trials?param.lr=..", status: 400,
         error: "param.lr=..: not a range; give a range LO..HI of numbers, either end may be left out (0.001..0.01, 0.001.., ..0.01)"),
    Case(path: "/api/experiments/iris/trials?param.units=8..x", status: 400,
         error: "param.units=8..x: \"x\" is not a finite number; give a range LO..HI of numbers, either end may be left out (0.001..0.01, 0.001.., ..0.01)"),
    Case(path: "/api/experiments/iris/trials?param.lr=0.1..0.01", status: 400,
         error: "param.lr=0.1..0.01: the range is empty (0.1 > 0.01); give a range LO..HI of numbers, either end may be left out (0.001..0.01, 0.001.., ..0.01)"),
    Case(path: "/api/experiments/iris/trials?param.optimizer=rmsprop", status: 400,
         error: "param.optimizer=rmsprop: not a choice of optimizer; accepted: adam, sgd"),
    Case(path: "/api/experiments/iris/trials?param.lr=..1&param.lr=1..", status: 400, error: "param.lr is given twice; give it once"),
    Case(path: "/api/experiments/iris/trials?limit=5&limit=6", status: 400, error: "limit is given twice; give it once"),
    Case(path: "/api/experiments/iris/trials/-3", status: 400, error: "trial number \"-3\": not accepted; give an integer of 0 or more"),
    Case(path: "/api/experiments/iris/trials/first", status: 400, error: "trial number \"first\": not accepted; give an integer of 0 or more"),
    Case(path: "/api/experiments?limit=3", status: 400, error: "unknown query parameter \"limit\"; this path takes none"),
    Case(path: "/api/experiments/nope/trials", status: 404, error: "no experiment named \"nope\""),
    Case(path: "/api/experiments/nope/trials?sort=colour", status: 404, error: "no experiment named \"nope\""),
    Case(path: "/api/experiments/nope/trials/0", status: 404, error: "no experiment named \"nope\""),
    Case(path: "/api/experiments/iris/trials/12", status: 404, error: "experiment \"iris\" has no trial 12"),
    Case(path: "/api/nothing", status: 404, error: "no such path: /api/nothing; see the README's \"Dashboard\" section for the API"),
  ]

  @Test(arguments: cases) func badInput_isAnsweredWithItsStatusAndMessage(_ c: Case) async throws {
    let fixture = try FixtureStore()
    try fixture.write { try writeTwelveTrials($0, "iris") }
    try await withDashboard(fixture.path) { d in
      let answer = try await d.get(c.path)
      #expect(answer.status == c.status, "\(answer.text)")
      #expect(answer.contentType == "application/json; charset=utf-8")
      #expect(try answer.json() as? [String: String] == ["error": c.error], "\(answer.text)")
      // The server still answers after it.
      #expect(try await d.get("/api/experiments").status == 200)
    }
  }

  @Test func aWrite_isRefused_theDashboardIsReadOnly() async throws {
    let fixture = try FixtureStore()
    try fixture.write { try writeTwelveTrials($0, "iris") }
    try await withDashboard(fixture.path) { d in
      let answer = try await HTTPAnswer.get(d.base + "/api/experiments", method: "DELETE")
      #expect(answer.status == 405)
      #expect(try answer.json() as? [String: String] == ["error": "DELETE is not served: the dashboard is read-only; use GET"])
    }
  }
}
