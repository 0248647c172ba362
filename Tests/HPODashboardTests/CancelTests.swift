import Foundation
import HPOCore
import HPODashboard
import HPOStore
import Testing

/// `POST /api/experiments/{name}/cancel`, the dashboard's one request that changes anything:
/// only with a coordinator to cancel through and a token, on loopback too.
@Suite struct CancelTests {
  /// A coordinator's answers: accepts "iris" once, refuses the rest; `nil` for "silent".
  final class Coordinator: ExperimentCanceller {
    let asked = Locked<[String]>([])

    func cancel(experiment: String) async -> (accepted: Bool, message: String)? {
      let first = asked.withLock { a in
        a.append(experiment)
        return a.filter { $0 == experiment }.count == 1
      }
      if experiment == "silent" { return nil }
      if experiment == "iris" && first { return (true, "cancelled iris; 1 running trials stop at their next report") }
      return (false, "\(experiment) has already ended (cancelled); there is nothing to cancel")
    }
  }

  static let secret = "cancel-secret-0123456789abcdef"

  @Test func withACoordinatorAndAToken_aPOSTcancels_andTheCoordinatorsAnswerIsPassedOn() async throws {
    let fixture = try FixtureStore()
    try fixture.write { try writeTwelveTrials($0, "iris") }
    let coordinator = Coordinator()
    try await withDashboard(fixture.path, token: try BearerToken(Self.secret), canceller: coordinator) { dashboard in
      let bearer = ["Authorization": "Bearer \(Self.secret)"]
      let url = dashboard.base + "/api/experiments/iris/cancel"
      #expect(try await HTTPAnswer.get(url, method: "POST").status == 401, "the token is asked for")
      #expect(coordinator.asked.value.isEmpty)
      let accepted = try await HTTPAnswer.get(url, method: "POST", headers: bearer)
      #expect(accepted.status == 200, "\(accepted.text)")
      #expect(try accepted.json()["accepted"] as? Bool == true && accepted.text.contains("cancelled iris"), "\(accepted.text)")
      let again = try await HTTPAnswer.get(url, method: "POST", headers: bearer)
      #expect(again.status == 409 && again.text.contains("has already ended"), "\(again.text)")
      let silent = try await HTTPAnswer.get(dashboard.base + "/api/experiments/silent/cancel", method: "POST", headers: bearer)
      #expect(silent.status == 503, "\(silent.text)")
      let get = try await HTTPAnswer.get(url, headers: bearer)
      #expect(get.status == 405 && get.text.contains("use POST"), "\(get.text)")
    }
    #expect(coordinator.asked.value == ["iris", "iris", "silent"])
  }

  @Test func withoutAToken_orWithoutACoordinator_thereIsNoCancel() async throws {
    let fixture = try FixtureStore()
    try fixture.write { try writeTwelveTrials($0, "iris") }
    let coordinator = Coordinator()
    let open = try await LiveDashboard(fixture.path, canceller: coordinator)
    let refused = try await HTTPAnswer.get(open.base + "/api/experiments/iris/cancel", method: "POST")
    await open.stop()
    #expect(refused.status == 403 && refused.text.contains("cancelling needs the dashboard's token"), "\(refused.text)")
    #expect(coordinator.asked.value.isEmpty)

    let readOnly = try await LiveDashboard(fixture.path, token: try BearerToken(Self.secret))
    let none = try await HTTPAnswer.get(
      readOnly.base + "/api/experiments/iris/cancel", method: "POST", headers: ["Authorization": "Bearer \(Self.secret)"])
    await readOnly.stop()
    #expect(none.status == 404 && none.text.contains("cancel is not served here"), "\(none.text)")
  }
}
