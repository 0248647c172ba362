import Foundation
import GRDB
import HPOCore

/// Paged reads for tables of many trials (the dashboard's trial table): ordering, filtering
/// and slicing happen in SQL, in one read transaction, so the answer is one consistent
/// snapshot and its cost grows with the page, plus one scan of the experiment's trials when
/// the order is not the trial number (SQLite's sorter keeps only `offset + limit` rows).
extension ExperimentStore {
  /// The trials of `experiment` that `query` asks for, and how many match in all.
  /// A negative offset or a limit below 1 is a programming error (a precondition): callers
  /// validate user input first.
  /// - Throws: `.unknownExperiment` if there is no such experiment.
  public func trialPage(of experiment: String, _ query: TrialPageQuery) throws(StoreError) -> TrialPage {
    precondition(query.offset >= 0 && query.limit >= 1, "a page needs offset >= 0 and limit >= 1")
    let page = try perform("reading a page of the trials of \"\(experiment)\"") {
      try writer.read { db -> TrialPage? in
        guard let id = try Int64.fetchOne(db, sql: "SELECT id FROM experiments WHERE name = ?", arguments: [experiment])
        else { return nil }
        var filter = "t.experiment_id = ?"
        var arguments: StatementArguments = [id]
        if let state = query.state {
          filter += " AND t.state = ?"
          arguments += [state.rawValue]
        }
        let total = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM trials t WHERE \(filter)", arguments: arguments) ?? 0
        let (expression, needsResults, keyArguments) = Self.sortExpression(query.sort)
        let direction = query.order == .asc ? "ASC" : "DESC"
        let join = needsResults
          ? "LEFT JOIN results r ON r.experiment_id = t.experiment_id AND r.trial_number = t.number" : ""
        let numbers = try Int.fetchAll(db, sql: """
          SELECT t.number FROM trials t \(join) WHERE \(filter)
          ORDER BY \(expression) \(direction) NULLS LAST, t.number \(direction) LIMIT ? OFFSET ?
          """, arguments: arguments + keyArguments + [query.limit, query.offset])
        return TrialPage(total: total, trials: try Self.trials(db, experimentID: id, numbers: numbers))
      }
    }
    guard let page else { throw StoreError(path: path, kind: .unknownExperiment(name: experiment)) }
    return page
  }

  /// The spec of the experiment named `name`, or `nil`: one row read, without the trial
  /// counts ``experiment(named:)`` adds (those scan every trial of the store).
  public func spec(ofExperiment name: String) throws(StoreError) -> ExperimentSpec? {
    let json = try perform("reading the spec of \"\(name)\"") {
      try writer.read { db in try String.fetchOne(db, sql: "SELECT spec_json FROM experiments WHERE name = ?", arguments: [name]) }
    }
    guard let json else { return nil }
    return try perform("decoding the spec of \"\(name)\"") {
      do {
        return try JSONDecoder().decode(ExperimentSpec.self, from: Data(json.utf8))
      } catch {
        throw StoreCoding.corrupt("the spec of experiment \"\(name)\"", "\(error)")
      }
    }
  }

  /// The complete trial with the best objective value in `direction` (ties: the lowest
  /// number); `nil` when no complete trial has a value that is a number (NaN does not count).
  /// - Throws: `.unknownExperiment` if there is no such experiment.
  public func bestTrial(of experiment: String, direction: Direction) throws(StoreError) -> TrialValue? {
    let order = direction == .maximize ? "DESC" : "ASC"
    let answer = try perform("reading the best trial of \"\(experiment)\"") {
      try writer.read { db -> TrialValue?? in
        guard let id = try Int64.fetchOne(db, sql: "SELECT id FROM experiments WHERE name = ?", arguments: [experiment])
        else { return nil }
        let row = try Row.fetchOne(db, sql: """
          SELECT number, value FROM trials
          WHERE experiment_id = ? AND state = 'complete' AND typeof(value) IN ('real', 'integer')
          ORDER BY value \(order), number ASC LIMIT 1
          """, arguments: [id])
        return .some(row.map { TrialValue(number: $0["number"], value: $0["value"]) })
      }
    }
    guard let answer else { throw StoreError(path: path, kind: .unknownExperiment(name: experiment)) }
    return answer
  }

  /// The SQL that orders by `key` (over `t` = trials and, when it says so, `r` = results),
  /// with the arguments it binds (a parameter's JSON path).
  private static func sortExpression(_ key: TrialPageQuery.SortKey) -> (String, needsResults: Bool, StatementArguments) {
    switch key {
    case .number:
      return ("t.number", false, [])
    case .state:
      let cases = TrialState.allCases.enumerated().map { "WHEN '\($0.element.rawValue)' THEN \($0.offset)" }
      return ("CASE t.state \(cases.joined(separator: " ")) END", false, [])
    case .value:
      // NaN is stored as the text 'NaN' (StoreCoding): not a value to order by.
      return (numericValueSQL, false, [])
    case .parameter(let name):
      return ("json_extract(t.configuration_json, ?)", false, [jsonPath(name)])
    case .started:
      return ("t.started_at", false, [])
    case .duration:
      return (durationSQL, true, [])
    }
  }

  /// The objective of `t` as a number to order by: NaN (stored as the text 'NaN', see
  /// ``StoreCoding``) and NULL are no value.
  static let numericValueSQL = "CASE WHEN typeof(t.value) IN ('real', 'integer') THEN t.value END"

  /// ``StoredTrial/elapsedSeconds`` in SQL, over `t` (trials) and `r` (its results row, joined).
  static let durationSQL = """
    CASE WHEN r.seconds IS NOT NULL THEN r.seconds
    WHEN t.state IN ('complete', 'pruned', 'failed', 'infeasible') AND t.finished_at >= t.started_at
    THEN (t.finished_at - t.started_at) / 1000.0 END
    """

  /// The JSON path of the parameter `name` in `configuration_json`: a quoted member, for any
  /// name without a double quote (the spec's names have none).
  static func jsonPath(_ name: String) -> String {
    "$.\"\(name.replacingOccurrences(of: "\"", with: ""))\""
  }

  /// The trials `numbers` of the experiment `experimentID`, in the order of `numbers` (numbers
  /// without a trial left out), each with its reports and final metrics unless `full` is false.
  static func trials(_ db: Database, experimentID id: Int64, numbers: [Int], full: Bool = true) throws -> [StoredTrial] {
    guard !numbers.isEmpty else { return [] }
    let list = numbers.map(String.init).joined(separator: ",")
    let loaded = try TrialRows.load(
      db, where: "t.experiment_id = ? AND t.number IN (\(list))", [id], withMetrics: full, withReports: full)
    let byNumber = Dictionary(uniqueKeysWithValues: loaded.map { ($0.number, $0) })
    return numbers.compactMap { byNumber[$0] }
  }
}
