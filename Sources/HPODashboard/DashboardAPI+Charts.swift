import Foundation
import HPOCore
import HPOStore

/// The chart data of an experiment's page:
///
/// | path | answer |
/// |---|---|
/// | `GET /api/experiments/{name}/columns` | every trial as columns (``APITrialColumns``) |
/// | `GET /api/experiments/{name}/intermediate?limit=N` | intermediate values of at most N trials (``APIIntermediate``) |
/// | `GET /api/experiments/{name}/importance` | parameter importance (``APIImportance``) |
extension DashboardAPI {
  /// The answer when `path` (after `api/`) is one of the chart paths, else `nil`.
  func chartResponse(_ path: [String], _ query: [(name: String, value: String)]) throws -> DashboardResponse? {
    guard path.count == 3, path[0] == "experiments" else { return nil }
    let name = path[1]
    switch path[2] {
    case "columns":
      try Self.noQuery(query)
      let spec = try spec(of: name)
      let columns = try store.trialColumns(of: name, parameters: APITrialColumns.searched(spec.space).map(\.name))
      return try .json(APITrialColumns(experiment: name, spec: spec, columns: columns, now: now()))
    case "importance":
      try Self.noQuery(query)
      let spec = try spec(of: name)
      let columns = try store.trialColumns(of: name, parameters: spec.space.names)
      return try .json(APIImportance(experiment: name, spec: spec, columns: columns))
    case "intermediate":
      let limit = try APIIntermediate.limit(query)
      let spec = try spec(of: name)
      let reported = try store.trialsWithIntermediateValues(of: name)
      let best = try store.bestTrial(of: name, direction: spec.objective.direction)?.number
      let curves = try store.intermediateCurves(
        of: name, trials: APIIntermediate.sample(reported, limit: limit, best: best))
      return try .json(APIIntermediate(
        experiment: name, objective: spec.objective.metric.rawValue, total: reported.count, limit: limit,
        trials: curves.map { APIIntermediate.Curve(number: $0.number, state: $0.state, step: $0.steps, value: $0.values) }))
    default:
      return nil
    }
  }

  private func spec(of name: String) throws -> ExperimentSpec {
    guard let spec = try store.spec(ofExperiment: name) else { throw APIError.notFound("no experiment named \"\(name)\"") }
    return spec
  }
}
