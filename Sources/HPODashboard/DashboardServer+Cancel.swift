import Foundation

extension DashboardServer {
  /// `POST /api/experiments/{name}/cancel`: cancels the experiment through the coordinator
  /// serving this dashboard. The only request that changes anything, so it needs both: a
  /// coordinator (`canceller`; `hpo dashboard` over a store file has none: 404) and a token
  /// (`--http-token-file`; without one the dashboard stays read-only, on loopback too: 403).
  /// The request itself has passed the bearer-token check (401 otherwise). Answers 200
  /// `{"experiment", "accepted": true, "message"}`, 409 with the coordinator's reason when it
  /// refuses (no such experiment, already ended), 503 when it does not answer in time, 405 for
  /// any method but POST.
  static func cancel(
    _ method: String, experiment: String, token: BearerToken?, canceller: (any ExperimentCanceller)?
  ) async -> DashboardResponse {
    guard method == "POST" else {
      return .error(APIError(status: 405, message: "\(method) is not served at /api/experiments/{name}/cancel; use POST"))
    }
    guard let canceller else {
      return .error(.notFound(
        "cancel is not served here: this dashboard reads a store file; cancel with hpo cancel, or from the dashboard of the coordinator that runs the experiment (hpo coordinator --http ADDR --http-token-file FILE)"))
    }
    guard token != nil else {
      return .error(APIError(
        status: 403,
        message: "cancelling needs the dashboard's token: start the coordinator with --http-token-file FILE; without a token the dashboard is read-only"))
    }
    guard let answer = await canceller.cancel(experiment: experiment) else {
      return .error(APIError(status: 503, message: "the coordinator did not answer the cancel in time; it may be stopping"))
    }
    guard answer.accepted else { return .error(APIError(status: 409, message: answer.message)) }
    struct Accepted: Encodable {
      var experiment: String
      var accepted: Bool
      var message: String
    }
    do {
      return try .json(Accepted(experiment: experiment, accepted: true, message: answer.message))
    } catch {
      return .error(APIError(status: 500, message: "\(error)"))
    }
  }
}
