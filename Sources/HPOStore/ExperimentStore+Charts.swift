import Foundation
import GRDB
import HPOCore

/// Every trial of an experiment as columns, for charts of all trials (parallel coordinates,
/// slices, contours, the objective's distribution, the timeline): index `i` of each column is
/// the trial `number[i]`. Read in one query, parameters taken out of the configuration's JSON by
/// SQLite (`json_extract`), so no configuration is decoded in Swift.
public struct TrialColumns: Sendable, Equatable {
  public var number: [Int] = []
  public var state: [TrialState] = []
  /// The objective as stored (NaN included); `nil` without one.
  public var value: [Double?] = []
  /// The worker that last leased the trial; `nil` before a lease.
  public var worker: [String?] = []
  public var started: [Date?] = []
  public var finished: [Date?] = []
  /// Per parameter asked for: its value in each trial, `nil` where the trial has none (an
  /// inactive conditional parameter).
  public var parameters: [String: [ParameterValue?]] = [:]

  public init() {}
}

/// A trial's intermediate reports (one per step, in step order), for the intermediate-values chart.
public struct IntermediateCurve: Sendable, Equatable {
  public var number: Int
  public var state: TrialState
  public var steps: [Int]
  /// NaN as stored.
  public var values: [Double]
}

extension ExperimentStore {
  /// Every trial of `experiment`, by number, as columns, with the values of `parameters`.
  /// - Throws: `.unknownExperiment` if there is no such experiment.
  public func trialColumns(of experiment: String, parameters: [String]) throws(StoreError) -> TrialColumns {
    let answer = try perform("reading the trials of \"\(experiment)\" for the charts") {
      try writer.read { db -> TrialColumns? in
        guard let id = try experimentID(db, experiment) else { return nil }
        // Per parameter: its JSON type (to tell true from 1, 2 from 2.0) and its value.
        let selected = parameters.map { _ in "json_type(configuration_json, ?), json_extract(configuration_json, ?)" }
        var arguments: StatementArguments = []
        for name in parameters {
          let path = Self.jsonPath(name)
          arguments += [path, path]
        }
        arguments += [id]
        let sql = """
          SELECT number, state, value, worker, started_at, finished_at\(selected.map { ", " + $0 }.joined())
          FROM trials WHERE experiment_id = ? ORDER BY number
          """
        var columns = TrialColumns()
        var values = parameters.map { _ in [ParameterValue?]() }
        let rows = try Row.fetchCursor(db, sql: sql, arguments: arguments)
        while let row = try rows.next() {
          let number: Int = row[0]
          let text: String = row[1]
          guard let state = TrialState(rawValue: text) else {
            throw StoreCoding.corrupt("trial \(number) of \"\(experiment)\"", "unknown trial state \"\(text)\"")
          }
          columns.number.append(number)
          columns.state.append(state)
          columns.value.append(try StoreCoding.value(row[2], what: "the value of trial \(number)"))
          columns.worker.append(row[3])
          columns.started.append(StoreCoding.date(row[4] as Int64?))
          columns.finished.append(StoreCoding.date(row[5] as Int64?))
          for p in parameters.indices {
            values[p].append(Self.parameterValue(type: row[6 + 2 * p], value: row[7 + 2 * p]))
          }
        }
        for (p, name) in parameters.enumerated() { columns.parameters[name] = values[p] }
        return columns
      }
    }
    guard let answer else { throw StoreError(path: path, kind: .unknownExperiment(name: experiment)) }
    return answer
  }

  /// The trials of `experiment` that reported intermediate values, by number.
  /// - Throws: `.unknownExperiment` if there is no such experiment.
  public func trialsWithIntermediateValues(of experiment: String) throws(StoreError) -> [Int] {
    let answer = try perform("reading which trials of \"\(experiment)\" reported") {
      try writer.read { db -> [Int]? in
        guard let id = try experimentID(db, experiment) else { return nil }
        return try Int.fetchAll(db, sql: """
          SELECT DISTINCT trial_number FROM intermediate_metrics WHERE experiment_id = ? ORDER BY trial_number
          """, arguments: [id])
      }
    }
    guard let answer else { throw StoreError(path: path, kind: .unknownExperiment(name: experiment)) }
    return answer
  }

  /// The intermediate reports of the trials `numbers` of `experiment` (those without any are
  /// left out), by number.
  /// - Throws: `.unknownExperiment` if there is no such experiment.
  public func intermediateCurves(of experiment: String, trials numbers: [Int]) throws(StoreError) -> [IntermediateCurve] {
    let answer = try perform("reading the intermediate values of \"\(experiment)\"") {
      try writer.read { db -> [IntermediateCurve]? in
        guard let id = try experimentID(db, experiment) else { return nil }
        guard !numbers.isEmpty else { return [] }
        let list = numbers.map(String.init).joined(separator: ",")
        let rows = try Row.fetchCursor(db, sql: """
          SELECT m.trial_number, t.state, m.step, m.value FROM intermediate_metrics m
          JOIN trials t ON t.experiment_id = m.experiment_id AND t.number = m.trial_number
          WHERE m.experiment_id = ? AND m.trial_number IN (\(list)) ORDER BY m.trial_number, m.step
          """, arguments: [id])
        var curves: [IntermediateCurve] = []
        while let row = try rows.next() {
          let number: Int = row[0]
          if curves.last?.number != number {
            let text: String = row[1]
            guard let state = TrialState(rawValue: text) else {
              throw StoreCoding.corrupt("trial \(number) of \"\(experiment)\"", "unknown trial state \"\(text)\"")
            }
            curves.append(IntermediateCurve(number: number, state: state, steps: [], values: []))
          }
          curves[curves.count - 1].steps.append(row[2])
          curves[curves.count - 1].values.append(
            try StoreCoding.value(row[3], what: "an intermediate value of trial \(number)") ?? .nan)
        }
        return curves
      }
    }
    guard let answer else { throw StoreError(path: path, kind: .unknownExperiment(name: experiment)) }
    return answer
  }

  private func experimentID(_ db: Database, _ name: String) throws -> Int64? {
    try Int64.fetchOne(db, sql: "SELECT id FROM experiments WHERE name = ?", arguments: [name])
  }

  /// A parameter's value from SQLite's `json_type` and `json_extract` of it.
  static func parameterValue(type: String?, value: DatabaseValue) -> ParameterValue? {
    switch (type, value.storage) {
    case ("true", _): return .bool(true)
    case ("false", _): return .bool(false)
    case ("integer", .int64(let i)): return .int(Int(i))
    case ("real", .double(let d)): return .float(d)
    case ("real", .int64(let i)): return .float(Double(i))
    case ("text", .string(let s)): return .string(s)
    default: return nil
    }
  }
}
