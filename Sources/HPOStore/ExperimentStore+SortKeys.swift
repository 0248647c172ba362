import GRDB
import HPOCore

/// Bulk reads for an index of trials kept in memory (the dashboard's trial table): the sort
/// keys of every trial, or only of those that may have changed since the last read, and the
/// trials of a page by number.
extension ExperimentStore {
  /// The sort keys of the experiment's trials with `parameters` (names of its space), by
  /// number, and how many trials it has: every trial when `changes` is `nil`, else only the
  /// trials numbered `changes.end` or more and the ones of `changes.unfinished`. One read
  /// transaction; `nil` when there is no experiment of that name.
  public func trialSortKeys(
    of experiment: String, parameters: [String], changedSince changes: TrialKeyChanges? = nil
  ) throws(StoreError) -> TrialSortKeyRead? {
    try perform("reading the sort keys of the trials of \"\(experiment)\"") {
      try writer.read { db -> TrialSortKeyRead? in
        guard let id = try Int64.fetchOne(db, sql: "SELECT id FROM experiments WHERE name = ?", arguments: [experiment])
        else { return nil }
        let count = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM trials WHERE experiment_id = ?", arguments: [id]) ?? 0
        var filter = "t.experiment_id = ?"
        var arguments: StatementArguments = [id]
        if let changes {
          let list = changes.unfinished.map(String.init).joined(separator: ",")
          filter += list.isEmpty ? " AND t.number >= ?" : " AND (t.number >= ? OR t.number IN (\(list)))"
          arguments += [changes.end]
        }
        let columns = parameters.map { _ in ", json_extract(t.configuration_json, ?)" }.joined()
        let cursor = try Row.fetchCursor(db, sql: """
          SELECT t.number, t.state, \(Self.numericValueSQL), t.started_at, \(Self.durationSQL)\(columns)
          FROM trials t LEFT JOIN results r ON r.experiment_id = t.experiment_id AND r.trial_number = t.number
          WHERE \(filter) ORDER BY t.number
          """, arguments: StatementArguments(parameters.map(Self.jsonPath)) + arguments)
        var trials: [TrialSortKeys] = []
        while let row = try cursor.next() {
          let number: Int = row[0]
          let text: String = row[1]
          guard let state = TrialState(rawValue: text) else {
            throw StoreCoding.corrupt("trial \(number) of \"\(experiment)\"", "unknown trial state \"\(text)\"")
          }
          trials.append(TrialSortKeys(
            number: number, state: state, value: row[2], startedMillis: row[3], duration: row[4],
            parameters: (0..<parameters.count).map { Self.scalar(row[5 + $0] as DatabaseValue) }))
        }
        return TrialSortKeyRead(experimentID: id, trialCount: count, trials: trials)
      }
    }
  }

  /// The trials `numbers` of the experiment `experimentID` (as ``trialSortKeys(of:parameters:changedSince:)``
  /// answered it) as rows of a table, in the order of `numbers`: without intermediate reports
  /// and final metrics (``StoredTrial/seconds`` is read); numbers without a trial are left out.
  public func trialRows(ofExperimentID experimentID: Int64, numbers: [Int]) throws(StoreError) -> [StoredTrial] {
    try perform("reading \(numbers.count) trials") {
      try writer.read { db in try Self.trials(db, experimentID: experimentID, numbers: numbers, full: false) }
    }
  }

  private static func scalar(_ value: DatabaseValue) -> TrialSortKeys.Scalar? {
    switch value.storage {
    case .null, .blob: return nil
    case .int64(let i): return .number(Double(i))
    case .double(let d): return .number(d)
    case .string(let s): return .text(s)
    }
  }
}
