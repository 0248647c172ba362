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
/// | `GET /api/experiments/{name}/release` | the release stage's outcome (``APIRelease``) |
///
/// **Threads.** `Sendable`; each call reads one snapshot of the store and blocks on its I/O,
/// so callers run it off the cooperative thread pool (``DashboardServer`` does).
public struct DashboardAPI: Sendable {
  public let store: ExperimentStore
  /// The clock for durations of experiments that have not ended.
  let now: @Sendable () -> Date
  /// Each experiment's trials as sort keys in memory, for the trial table's pages.
  let tables: TrialTables

  public init(store: ExperimentStore, now: @escaping @Sendable () -> Date = Date.init) {
    self.store = store
    self.now = now
    tables = TrialTables(store: store)
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
    case let s where s.count == 3 && s[0] == "experiments" && s[2] == "release":
      try Self.noQuery(query)
      return try .json(try release(of: s[1]))
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

  /// A page of the trial table: sorted and filtered in memory (``TrialTables``), the page's
  /// trials read from the store.
  func trials(of name: String, _ parameters: TrialListParameters) throws -> APITrialPage {
    guard let spec = try store.spec(ofExperiment: name) else { throw APIError.notFound("no experiment named \"\(name)\"") }
    let request = try parameters.resolve(space: spec.space)
    let page = try tables.page(
      of: name, parameters: spec.space.names, column: request.column, descending: request.descending,
      filter: request.filter.isEmpty ? nil : request.filter, offset: parameters.offset, limit: parameters.limit)
    return APITrialPage(
      experiment: name, total: page.total, offset: parameters.offset, limit: parameters.limit, sort: parameters.sort,
      order: parameters.order.rawValue, state: parameters.state,
      filter: Dictionary(parameters.parameterFilters.map { ($0.name, $0.text) }, uniquingKeysWith: { a, _ in a }),
      space: spec.space.parameters.map(APIParameterSpace.init), trials: page.trials.map(APITrialRow.init))
  }

  func history(of name: String) throws -> APIHistory {
    guard let spec = try store.spec(ofExperiment: name) else { throw APIError.notFound("no experiment named \"\(name)\"") }
    return try APIHistory(
      experiment: name, objective: spec.objective.metric.rawValue, direction: spec.objective.direction,
      outcomes: try store.finishedOutcomes(of: name), trials: try store.trialNumberEnd(of: name),
      configuration: { number in try store.trial(TrialID(experiment: name, number: number))?.record.configuration })
  }

  /// The release stage's record and the files it names (``APIRelease``).
  func release(of name: String) throws -> APIRelease {
    guard let experiment = try store.experiment(named: name) else { throw APIError.notFound("no experiment named \"\(name)\"") }
    return APIRelease(experiment: experiment, release: try store.release(of: name))
  }

  func trial(_ text: String, of name: String) throws -> APITrialDetail {
    guard let number = Int(text), number >= 0 else {
      throw APIError.badRequest("trial number \"\(text)\": not accepted; give an integer of 0 or more")
    }
    guard try store.spec(ofExperiment: name) != nil else { throw APIError.notFound("no experiment named \"\(name)\"") }
    guard let t = try store.trial(TrialID(experiment: name, number: number)) else {
      throw APIError.notFound("experiment \"\(name)\" has no trial \(number)")
    }
    // The experiment's checkpoints are few (its `output.keep_top`).
    let checkpoint = try store.checkpoints(of: name).first { $0.trial.number == number }
    return APITrialDetail(t, checkpoint: checkpoint)
  }

  static func noQuery(_ query: [(name: String, value: String)]) throws(APIError) {
    if let first = query.first { throw .badRequest("unknown query parameter \"\(first.name)\"; this path takes none") }
  }
}
