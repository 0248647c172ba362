import Foundation
import GRDB
import HPOCore

/// Reads. Each call reads one consistent snapshot (the last committed batch).
extension ExperimentStore {
  /// The experiment named `name` with its trial counts, or `nil`.
  public func experiment(named name: String) throws(StoreError) -> StoredExperiment? {
    try perform("reading experiment \"\(name)\"") {
      try writer.read { db in try ExperimentRows.load(db, name: name).first }
    }
  }

  /// Every experiment with its trial counts, oldest first.
  public func experiments() throws(StoreError) -> [StoredExperiment] {
    try perform("listing experiments") { try writer.read { db in try ExperimentRows.load(db, name: nil) } }
  }

  /// The experiment's trials as samplers and schedulers see them: sorted by number, each with
  /// its intermediate reports in step order.
  /// - Throws: `.unknownExperiment` if there is no such experiment.
  public func trials(of experiment: String) throws(StoreError) -> [TrialRecord] {
    try storedTrials(of: experiment, withMetrics: false).map(\.record)
  }

  /// The experiment's trials with everything stored about them, sorted by number.
  /// - Throws: `.unknownExperiment` if there is no such experiment.
  public func storedTrials(of experiment: String) throws(StoreError) -> [StoredTrial] {
    try storedTrials(of: experiment, withMetrics: true)
  }

  /// One trial, or `nil` if the experiment or the trial does not exist.
  public func trial(_ id: TrialID) throws(StoreError) -> StoredTrial? {
    try perform("reading \(id)") {
      try writer.read { db in
        try TrialRows.load(db, where: "e.name = ? AND t.number = ?", [id.experiment, id.number], withMetrics: true).first
      }
    }
  }

  /// Running trials whose lease deadline is before `time`, over all experiments (by
  /// experiment, then number): the ones whose worker is presumed lost.
  public func trials(leaseExpiredBefore time: Date) throws(StoreError) -> [StoredTrial] {
    try perform("reading expired leases") {
      try writer.read { db in
        try TrialRows.load(
          db, where: "t.state = 'running' AND t.lease_deadline < ?", [StoreCoding.millis(time)], withMetrics: true)
      }
    }
  }

  /// Every running trial over all experiments (by experiment, then number): after a restart,
  /// what to re-lease or requeue.
  public func runningTrials() throws(StoreError) -> [StoredTrial] {
    try perform("reading running trials") {
      try writer.read { db in try TrialRows.load(db, where: "t.state = 'running'", [], withMetrics: true) }
    }
  }

  /// The outcome of the experiment's release stage, or `nil` before it ended.
  public func release(of experiment: String) throws(StoreError) -> StoredRelease? {
    try perform("reading the release of \"\(experiment)\"") {
      try writer.read { db -> StoredRelease? in
        guard let row = try Row.fetchOne(db, sql: """
          SELECT r.status, r.failed_gates_json, r.message, r.report_path, r.package_path, r.recorded_at
          FROM releases r JOIN experiments e ON e.id = r.experiment_id WHERE e.name = ?
          """, arguments: [experiment])
        else { return nil }
        let gates = try JSONDecoder().decode([String].self, from: Data((row["failed_gates_json"] as String).utf8))
        let millis: Int64 = row["recorded_at"]
        let statusText: String = row["status"]
        guard let status = ReleaseOutcome.Status(rawValue: statusText) else {
          throw StoreCoding.corrupt("the release of \"\(experiment)\"", "unknown status \"\(statusText)\"")
        }
        return StoredRelease(
          status: status, failedGates: gates, message: row["message"], report: row["report_path"],
          package: row["package_path"], recordedAt: StoreCoding.date(millis))
      }
    }
  }

  /// The experiment's checkpoint records, by trial number.
  /// - Throws: `.unknownExperiment` if there is no such experiment.
  public func checkpoints(of experiment: String) throws(StoreError) -> [StoredCheckpoint] {
    let rows = try perform("reading checkpoints of \"\(experiment)\"") {
      try writer.read { db -> [Row]? in
        guard try ExperimentRows.id(db, experiment) != nil else { return nil }
        return try Row.fetchAll(db, sql: """
          SELECT c.trial_number, c.path, c.sha256, c.bytes, c.created_at
          FROM checkpoints c JOIN experiments e ON e.id = c.experiment_id
          WHERE e.name = ? ORDER BY c.trial_number
          """, arguments: [experiment])
      }
    }
    guard let rows else { throw StoreError(path: path, kind: .unknownExperiment(name: experiment)) }
    return rows.map { row in
      StoredCheckpoint(
        trial: TrialID(experiment: experiment, number: row["trial_number"]), path: row["path"],
        sha256: row["sha256"], bytes: row["bytes"], createdAt: StoreCoding.date(row["created_at"] as Int64))
    }
  }

  private func storedTrials(of experiment: String, withMetrics: Bool) throws(StoreError) -> [StoredTrial] {
    let trials = try perform("reading trials of \"\(experiment)\"") {
      try writer.read { db -> [StoredTrial]? in
        guard let id = try ExperimentRows.id(db, experiment) else { return nil }
        return try TrialRows.load(db, where: "t.experiment_id = ?", [id], experimentID: id, withMetrics: withMetrics)
      }
    }
    guard let trials else { throw StoreError(path: path, kind: .unknownExperiment(name: experiment)) }
    return trials
  }
}

/// Decoding of `experiments` rows.
private enum ExperimentRows {
  static func id(_ db: Database, _ name: String) throws -> Int64? {
    try Int64.fetchOne(db, sql: "SELECT id FROM experiments WHERE name = ?", arguments: [name])
  }

  static func load(_ db: Database, name: String?) throws -> [StoredExperiment] {
    let filter = name == nil ? "" : "WHERE e.name = ?"
    let arguments: StatementArguments = name.map { [$0] } ?? []
    var counts: [Int64: TrialCounts] = [:]
    for row in try Row.fetchAll(db, sql: """
      SELECT t.experiment_id, t.state, COUNT(*) AS n FROM trials t JOIN experiments e ON e.id = t.experiment_id
      \(filter) GROUP BY t.experiment_id, t.state
      """, arguments: arguments)
    {
      let text: String = row["state"]
      guard let state = TrialState(rawValue: text) else {
        throw StoreCoding.corrupt("trial counts", "unknown trial state \"\(text)\"")
      }
      counts[row["experiment_id"], default: TrialCounts()][state] = row["n"]
    }
    let decoder = JSONDecoder()
    return try Row.fetchAll(db, sql: "SELECT e.* FROM experiments e \(filter) ORDER BY e.id", arguments: arguments).map { row in
      let name: String = row["name"]
      let what = "experiment \"\(name)\""
      let stateText: String = row["state"]
      guard let state = ExperimentState(rawValue: stateText) else {
        throw StoreCoding.corrupt(what, "unknown state \"\(stateText)\"")
      }
      let json: String = row["spec_json"]
      let spec: ExperimentSpec
      do {
        spec = try decoder.decode(ExperimentSpec.self, from: Data(json.utf8))
      } catch {
        throw StoreCoding.corrupt("the spec of \(what)", "\(error)")
      }
      // Schema 2 stores (read-only) have none of the failure, fingerprint and release-stage columns: nil.
      var failure: ExperimentFailure?
      if let causeText = row["failure_cause"] as String? {
        guard let cause = ExperimentFailure.Cause(rawValue: causeText) else {
          throw StoreCoding.corrupt(what, "unknown failure cause \"\(causeText)\"")
        }
        failure = ExperimentFailure(cause: cause, message: row["failure_message"] ?? "")
      }
      var releaseStage: ReleaseStageRecord?
      if let stageText = row["release_stage"] as String? {
        guard let stage = ReleaseStageRecord(rawValue: stageText) else {
          throw StoreCoding.corrupt(what, "unknown release stage \"\(stageText)\"")
        }
        releaseStage = stage
      }
      return StoredExperiment(
        name: name, spec: spec, specJSON: json, specSHA256: row["spec_sha256"],
        seed: StoreCoding.seed(row["seed"] as Int64), state: state,
        createdAt: StoreCoding.date(row["created_at"] as Int64), updatedAt: StoreCoding.date(row["updated_at"] as Int64),
        finishedAt: StoreCoding.date(row["finished_at"] as Int64?), trialCounts: counts[row["id"]] ?? TrialCounts(),
        failure: failure, dataFingerprint: row["data_fingerprint"], releaseStage: releaseStage)
    }
  }
}

/// Decoding of `trials` rows joined with their experiment, result and intermediate reports
/// (also used by the paged reads of `ExperimentStore+Pages.swift`).
enum TrialRows {
  /// Trials matching `condition` (over `t` = trials, `e` = experiments), by experiment and
  /// number. With `experimentID`, all of that experiment's intermediate reports are read in
  /// one query; otherwise trial by trial (for the few running ones). Without `withReports`
  /// none is read: the trials have no intermediate reports (rows of a table).
  static func load(
    _ db: Database, where condition: String, _ arguments: StatementArguments, experimentID: Int64? = nil,
    withMetrics: Bool, withReports: Bool = true
  ) throws -> [StoredTrial] {
    let coder = StoreCoding.MetricsCoder()
    let rows = try Row.fetchAll(db, sql: """
      SELECT e.name AS experiment, t.*, r.metrics_json AS result_metrics, r.seconds
      FROM trials t JOIN experiments e ON e.id = t.experiment_id
      LEFT JOIN results r ON r.experiment_id = t.experiment_id AND r.trial_number = t.number
      WHERE \(condition) ORDER BY t.experiment_id, t.number
      """, arguments: arguments)
    var reports: [Int: [Row]] = [:]
    if let experimentID {
      for row in try Row.fetchAll(db, sql: """
        SELECT trial_number, step, value, metrics_json FROM intermediate_metrics
        WHERE experiment_id = ? ORDER BY trial_number, step
        """, arguments: [experimentID])
      {
        reports[row["trial_number"], default: []].append(row)
      }
    }
    return try rows.map { row in
      let experiment: String = row["experiment"]
      let number: Int = row["number"]
      let what = "trial \(number) of experiment \"\(experiment)\""
      let stepRows = !withReports ? [] : experimentID != nil ? reports[number] ?? [] : try Row.fetchAll(db, sql: """
        SELECT trial_number, step, value, metrics_json FROM intermediate_metrics
        WHERE experiment_id = ? AND trial_number = ? ORDER BY step
        """, arguments: [row["experiment_id"] as Int64, number])
      var intermediate: [IntermediateReport] = []
      intermediate.reserveCapacity(stepRows.count)
      var stepMetrics: [Int: [String: Double]] = [:]
      for step in stepRows {
        let s: Int = step["step"]
        let value = try StoreCoding.value(step["value"], what: "step \(s) of \(what)") ?? .nan
        intermediate.append(IntermediateReport(step: s, value: value))
        if withMetrics {
          let m = try coder.decode(step["metrics_json"], what: "metrics of step \(s) of \(what)")
          if !m.isEmpty { stepMetrics[s] = m }
        }
      }
      let stateText: String = row["state"]
      guard let state = TrialState(rawValue: stateText) else {
        throw StoreCoding.corrupt(what, "unknown state \"\(stateText)\"")
      }
      let record = TrialRecord(
        number: number, configuration: try StoreCoding.configuration(row["configuration_json"], what: "the configuration of \(what)"),
        state: state, value: try StoreCoding.value(row["value"], what: "the value of \(what)"), intermediate: intermediate)
      return StoredTrial(
        experiment: experiment, record: record, seed: StoreCoding.seed(row["seed"] as Int64),
        worker: row["worker"], attempts: row["attempts"],
        leaseDeadline: StoreCoding.date(row["lease_deadline"] as Int64?),
        createdAt: StoreCoding.date(row["created_at"] as Int64),
        startedAt: StoreCoding.date(row["started_at"] as Int64?), finishedAt: StoreCoding.date(row["finished_at"] as Int64?),
        epochs: row["epochs"], rung: row["rung"], reason: row["reason"],
        metrics: withMetrics ? try coder.decode(row["result_metrics"], what: "the final metrics of \(what)") : [:],
        seconds: row["seconds"], intermediateMetrics: stepMetrics,
        outputTail: row.hasColumn("output_tail") ? row["output_tail"] : nil)
    }
  }
}
