import GRDB
import HPOCore

/// A finished trial's number, state and objective: what the optimisation history plots.
public struct TrialOutcome: Sendable, Equatable {
  public var number: Int
  public var state: TrialState
  /// The objective (final for a complete trial, last reported for a pruned one); NaN as stored.
  public var value: Double?

  public init(number: Int, state: TrialState, value: Double?) {
    self.number = number
    self.state = state
    self.value = value
  }
}

extension ExperimentStore {
  /// The experiment's complete and pruned trials, by number, with their objective only: one
  /// query over the trials table, no configuration or per-epoch report decoded (a history of
  /// 100,000 trials without the cost of ``trials(of:)``).
  /// - Throws: `.unknownExperiment` if there is no such experiment.
  public func finishedOutcomes(of experiment: String) throws(StoreError) -> [TrialOutcome] {
    let answer = try perform("reading the outcomes of \"\(experiment)\"") {
      try writer.read { db -> [TrialOutcome]? in
        guard let id = try Int64.fetchOne(db, sql: "SELECT id FROM experiments WHERE name = ?", arguments: [experiment])
        else { return nil }
        return try Row.fetchAll(db, sql: """
          SELECT number, state, value FROM trials
          WHERE experiment_id = ? AND state IN ('complete', 'pruned') ORDER BY number
          """, arguments: [id]).map { row in
          let number: Int = row[0]
          let text: String = row[1]
          guard let state = TrialState(rawValue: text) else {
            throw StoreCoding.corrupt("trial \(number) of \"\(experiment)\"", "unknown trial state \"\(text)\"")
          }
          return TrialOutcome(number: number, state: state, value: try StoreCoding.value(row[2], what: "the value of trial \(number)"))
        }
      }
    }
    guard let answer else { throw StoreError(path: path, kind: .unknownExperiment(name: experiment)) }
    return answer
  }

  /// The highest trial number of the experiment plus one (0 without trials).
  public func trialNumberEnd(of experiment: String) throws(StoreError) -> Int {
    try perform("reading the trial numbers of \"\(experiment)\"") {
      try writer.read { db in
        try Int.fetchOne(db, sql: """
          SELECT COALESCE(MAX(t.number) + 1, 0) FROM trials t JOIN experiments e ON e.id = t.experiment_id WHERE e.name = ?
          """, arguments: [experiment]) ?? 0
      }
    }
  }
}
