import Foundation
import HPOCore
import HPOStore

/// The dashboard's answers, independent of the HTTP server: the page and its assets, and the
/// read-only JSON API over one store.
///
/// | path | answer |
/// |---|---|
/// | `GET /` | the page (``DashboardAssets``) |
/// | `GET /api/experiments` | every experiment ([`APIExperiment`]) |
/// | `GET /api/experiments/{name}/trials` | a page of trials (``TrialListParameters``) |
/// | `GET /api/experiments/{name}/trials/{number}` | one trial in full |
/// | `GET /api/experiments/{name}/history` | the optimisation history (``APIHistory``) |
/// | `GET /api/experiments/{name}/columns`, `…/intermediate`, `…/importance` | chart data (`DashboardAPI+Charts.swift`) |
///
/// **Threads.** `Sendable`; each call reads one snapshot of the store and blocks on its I/O,
/// so callers run it off the cooperative thread pool (``DashboardServer`` does).
public struct DashboardAPI: Sendable {
  public let store: ExperimentStore
  /// The clock for durations of experiments that have not ended.
  let now: @Sendable () -> Date

  public init(store: ExperimentStore, now: @escaping @Sendable () -> Date = Date.init) {
    self.store = store
    self.now = now
  }

  /// The answer to `method path?query`: `segments` are the path's components, percent-decoded
  /// (`/api/experiments/a%2Fb` → `["api", "experiments", "a/b"]`), `query` the decoded items.
  public func respond(method: String, segments: [String], query: [(name: String, value: String)]) -> DashboardResponse {
    do {
      guard method == "GET" else {
        throw APIError(status: 405, message: "\(method) is not served: the dashboard is read-only; use GET")
      }
      return try route(segments, query)
    } catch let error as APIError {
      return .error(error)
    } catch let error as StoreError {
      if case .unknownExperiment(let name) = error.kind { return .error(.notFound("no experiment named \"\(name)\"")) }
      return .error(APIError(status: 500, message: "the store could not be read: \(error)"))
    } catch {
      return .error(APIError(status: 500, message: "\(error)"))
    }
  }

  private func route(_ segments: [String], _ query: [(name: String, value: String)]) throws -> DashboardResponse {
    if let asset = DashboardAssets.asset(at: segments) {
      try Self.noQuery(query)
      return DashboardResponse(status: 200, contentType: asset.contentType, body: asset.bytes)
    }
    let path = segments.first == "api" ? Array(segments.dropFirst()) : []
    if let response = try chartResponse(path, query) { return response }
    switch path {
    case ["experiments"]:
      try Self.noQuery(query)
      return try .json(["experiments": try experiments()])
    case let s where s.count == 3 && s[0] == "experiments" && s[2] == "trials":
      return try .json(try trials(of: s[1], TrialListParameters(query)))
    case let s where s.count == 3 && s[0] == "experiments" && s[2] == "history":
      try Self.noQuery(query)
      return try .json(try history(of: s[1]))
    case let s where s.count == 4 && s[0] == "experiments" && s[2] == "trials":
      try Self.noQuery(query)
      return try .json(try trial(s[3], of: s[1]))
    default:
      throw APIError.notFound("no such path: /\(segments.joined(separator: "/")); see the README's \"Dashboard\" section for the API")
    }
  }

  /// Every experiment with its counts and best trial, oldest first.
  func experiments() throws -> [APIExperiment] {
    let time = now()
    return try store.experiments().map { e in
      APIExperiment(e, best: try store.bestTrial(of: e.name, direction: e.spec.objective.direction), now: time)
    }
  }

  func trials(of name: String, _ parameters: TrialListParameters) throws -> APITrialPage {
    guard let spec = try store.spec(ofExperiment: name) else { throw APIError.notFound("no experiment named \"\(name)\"") }
    let query = try parameters.query(space: spec.space)
    let page = try store.trialPage(of: name, query)
    return APITrialPage(
      experiment: name, total: page.total, offset: query.offset, limit: query.limit, sort: parameters.sort,
      order: query.order.rawValue, state: query.state, trials: page.trials.map(APITrialRow.init))
  }

  func history(of name: String) throws -> APIHistory {
    guard let spec = try store.spec(ofExperiment: name) else { throw APIError.notFound("no experiment named \"\(name)\"") }
    return try APIHistory(
      experiment: name, objective: spec.objective.metric.rawValue, direction: spec.objective.direction,
      outcomes: try store.finishedOutcomes(of: name), trials: try store.trialNumberEnd(of: name),
      configuration: { number in try store.trial(TrialID(experiment: name, number: number))?.record.configuration })
  }

  func trial(_ text: String, of name: String) throws -> APITrialDetail {
    guard let number = Int(text), number >= 0 else {
      throw APIError.badRequest("trial number \"\(text)\": not accepted; give an integer of 0 or more")
    }
    guard try store.spec(ofExperiment: name) != nil else { throw APIError.notFound("no experiment named \"\(name)\"") }
    guard let t = try store.trial(TrialID(experiment: name, number: number)) else {
      throw APIError.notFound("experiment \"\(name)\" has no trial \(number)")
    }
    return APITrialDetail(t)
  }

  static func noQuery(_ query: [(name: String, value: String)]) throws(APIError) {
    if let first = query.first { throw .badRequest("unknown query parameter \"\(first.name)\"; this path takes none") }
  }
}
