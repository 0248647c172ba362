import Foundation
import GRDB
import HPOCore

extension ExperimentStore {
  /// Commits `changes` in one transaction, in order, all stamped with `time`, and returns one
  /// outcome per change once the commit is durable (see ``StoreDurability``).
  ///
  /// All or nothing: if any change throws, nothing of the batch is written. A change that
  /// answers a lease the trial no longer runs under does not throw; it is skipped and reported
  /// as ``ChangeOutcome/stale(_:)`` while the rest of the batch commits (see ``StoreChange``).
  /// - Throws: ``StoreError`` — `.invalidChange`, `.duplicateExperiment`, `.unknownExperiment`,
  ///   `.unknownTrial`, `.trialNumberNotDense`, `.invalidTransition`, `.database`, `.diskFull`;
  ///   `.fileDeleted`, `.fileReplaced`, `.fileTruncated` (checked before the transaction: the
  ///   store file is no longer the one opened, see ``checkFile()``).
  @discardableResult
  public func apply(_ changes: [StoreChange], at time: Date = Date()) throws(StoreError) -> [ChangeOutcome] {
    guard !changes.isEmpty else { return [] }
    for change in changes {
      if let problem = change.argumentProblem {
        throw StoreError(path: path, kind: .invalidChange(change: change.name, reason: problem))
      }
    }
    try checkFile()
    let path = self.path
    return try perform("committing a batch of \(changes.count) change(s)") {
      try writer.write { db in
        var batch = WriteBatch(db: db, now: StoreCoding.millis(time), path: path)
        return try changes.map { try batch.apply($0) }
      }
    }
  }

  /// Applies a single change (its own transaction; prefer batches on a file store).
  @discardableResult
  public func apply(_ change: StoreChange, at time: Date = Date()) throws(StoreError) -> ChangeOutcome {
    try apply([change], at: time)[0]
  }
}

/// One write transaction: applies changes with guarded SQL and caches experiment ids.
private struct WriteBatch {
  let db: Database
  let now: Int64
  let path: String
  var experimentIDs: [String: Int64] = [:]
  let metrics = StoreCoding.MetricsCoder()

  init(db: Database, now: Int64, path: String) {
    self.db = db
    self.now = now
    self.path = path
  }

  /// The condition under which a change answering `lease` applies.
  static let leaseGuard = "experiment_id = ? AND number = ? AND state = 'running' AND worker = ? AND attempts = ?"

  mutating func apply(_ change: StoreChange) throws -> ChangeOutcome {
    switch change {
    case .createExperiment(let spec, let seed):
      try createExperiment(spec, seed: seed)
      return .applied

    case .setExperimentState(let name, let state):
      let id = try experimentID(name)
      try execute(
        """
        UPDATE experiments SET state = ?, updated_at = ?, finished_at = ?, failure_cause = NULL, failure_message = NULL
        WHERE id = ?
        """,
        [state.rawValue, now, state.isFinished ? now : nil, id])
      return .applied

    case .failExperiment(let name, let failure):
      try execute(
        """
        UPDATE experiments SET state = 'failed', updated_at = ?, finished_at = ?, failure_cause = ?, failure_message = ?
        WHERE id = ?
        """,
        [now, now, failure.cause.rawValue, failure.message, try experimentID(name)])
      return .applied

    case .recordDataFingerprint(let name, let sha256):
      try execute("UPDATE experiments SET data_fingerprint = ? WHERE id = ?", [sha256, try experimentID(name)])
      return .applied

    case .awaitRelease(let name):
      try execute(
        "UPDATE experiments SET release_stage = 'pending' WHERE id = ? AND release_stage IS NOT 'done'", [try experimentID(name)])
      return .applied

    case .insertTrial(let trial, let configuration, let seed):
      let id = try experimentID(trial.experiment)
      let next = try Int.fetchOne(
        db.cachedStatement(sql: "SELECT COALESCE(MAX(number) + 1, 0) FROM trials WHERE experiment_id = ?"),
        arguments: [id]) ?? 0
      guard trial.number == next else { throw refuse(.trialNumberNotDense(trial, expected: next)) }
      try execute(
        """
        INSERT INTO trials (experiment_id, number, configuration_json, seed, state, created_at)
        VALUES (?, ?, ?, ?, 'pending', ?)
        """,
        [id, trial.number, StoreCoding.configurationJSON(configuration), StoreCoding.seed(seed), now])
      return .applied

    case .leaseTrial(let trial, let lease, let deadline):
      let id = try experimentID(trial.experiment)
      try execute(
        """
        UPDATE trials SET state = 'running', worker = ?, attempts = ?, lease_deadline = ?, started_at = ?
        WHERE experiment_id = ? AND number = ? AND state = 'pending' AND attempts = ?
        """,
        [lease.worker, lease.attempt, StoreCoding.millis(deadline), now, id, trial.number, lease.attempt - 1])
      if db.changesCount == 0 {
        let (state, _, attempts) = try current(trial, id)
        let detail = state != .pending
          ? "only a pending trial can be leased"
          : "it has had \(attempts) lease(s), so the next attempt is \(attempts + 1), not \(lease.attempt)"
        throw refuse(.invalidTransition(trial, change: change.name, state: state, detail: detail))
      }
      return .applied

    case .renewLease(let trial, let lease, let deadline):
      return try guarded(change, trial, lease, set: "lease_deadline = ?", [StoreCoding.millis(deadline)])

    case .recordIntermediate(let trial, let lease, let step, let value, let stepMetrics):
      let outcome = try guarded(change, trial, lease, set: "epochs = MAX(epochs, ?)", [step])
      guard outcome == .applied else { return outcome }
      try execute(
        """
        INSERT INTO intermediate_metrics (experiment_id, trial_number, step, value, metrics_json, recorded_at)
        VALUES (?, ?, ?, ?, ?, ?)
        ON CONFLICT (experiment_id, trial_number, step) DO UPDATE
        SET value = excluded.value, metrics_json = excluded.metrics_json, recorded_at = excluded.recorded_at
        """,
        [try experimentID(trial.experiment), trial.number, step, StoreCoding.value(value),
         try metrics.encode(stepMetrics), now])
      return .applied

    case .completeTrial(let trial, let lease, let value, let finalMetrics, let seconds, let epochs):
      let outcome = try guarded(
        change, trial, lease,
        set: "state = 'complete', value = ?, epochs = ?, finished_at = ?, lease_deadline = NULL, reason = NULL",
        [StoreCoding.value(value), epochs, now])
      guard outcome == .applied else { return outcome }
      try execute(
        "INSERT INTO results (experiment_id, trial_number, metrics_json, seconds, recorded_at) VALUES (?, ?, ?, ?, ?)",
        [try experimentID(trial.experiment), trial.number, try metrics.encode(finalMetrics), seconds, now])
      return .applied

    case .pruneTrial(let trial, let lease, let value, let rung, let reason, let epochs):
      return try guarded(
        change, trial, lease,
        set: """
          state = 'pruned', rung = ?, reason = ?, epochs = COALESCE(?, epochs), finished_at = ?,
          lease_deadline = NULL,
          value = COALESCE(?, (SELECT i.value FROM intermediate_metrics i
                               WHERE i.experiment_id = trials.experiment_id AND i.trial_number = trials.number
                               ORDER BY i.step DESC LIMIT 1))
          """,
        [rung, reason, epochs, now, StoreCoding.value(value)])

    case .failTrial(let trial, let lease?, let reason, let output):
      return try guarded(
        change, trial, lease,
        set: "state = 'failed', value = NULL, reason = ?, output_tail = ?, finished_at = ?, lease_deadline = NULL",
        [reason, output.map(StoreCoding.outputTail), now])

    case .markInfeasible(let trial, let lease, let reason):
      return try guarded(
        change, trial, lease,
        set: "state = 'infeasible', value = NULL, reason = ?, finished_at = ?, lease_deadline = NULL",
        [reason, now])

    case .failTrial(let trial, nil, let reason, let output):
      let id = try experimentID(trial.experiment)
      try execute(
        """
        UPDATE trials SET state = 'failed', value = NULL, reason = ?, output_tail = ?, finished_at = ?, lease_deadline = NULL
        WHERE experiment_id = ? AND number = ? AND state IN ('pending', 'running')
        """,
        [reason, output.map(StoreCoding.outputTail), now, id, trial.number])
      if db.changesCount == 0 {
        let (state, _, _) = try current(trial, id)
        throw refuse(.invalidTransition(trial, change: change.name, state: state, detail: "a finished trial cannot fail"))
      }
      return .applied

    case .requeueTrial(let trial, let lease, let reason, let kept):
      let outcome = try guarded(
        change, trial, lease,
        set: "state = 'pending', worker = NULL, lease_deadline = NULL, started_at = NULL, epochs = ?, reason = ?",
        [max(kept, 0), reason])
      guard outcome == .applied else { return outcome }
      try execute(
        "DELETE FROM intermediate_metrics WHERE experiment_id = ? AND trial_number = ? AND step > ?",
        [try experimentID(trial.experiment), trial.number, max(kept, 0)])
      return .applied

    case .recordCheckpoint(let trial, let file, let sha256, let bytes):
      let id = try experimentID(trial.experiment)
      _ = try current(trial, id)
      try execute(
        """
        INSERT INTO checkpoints (experiment_id, trial_number, path, sha256, bytes, created_at)
        VALUES (?, ?, ?, ?, ?, ?)
        ON CONFLICT (experiment_id, trial_number) DO UPDATE
        SET path = excluded.path, sha256 = excluded.sha256, bytes = excluded.bytes, created_at = excluded.created_at
        """,
        [id, trial.number, file, sha256, bytes, now])
      return .applied

    case .deleteCheckpoint(let trial):
      try execute(
        "DELETE FROM checkpoints WHERE experiment_id = ? AND trial_number = ?",
        [try experimentID(trial.experiment), trial.number])
      return .applied

    case .recordRelease(let experiment, let r):
      let gates = String(decoding: try JSONEncoder().encode(r.failedGates), as: UTF8.self)
      try execute(
        """
        INSERT INTO releases (experiment_id, status, failed_gates_json, message, report_path, package_path, recorded_at)
        VALUES (?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (experiment_id) DO UPDATE
        SET status = excluded.status, failed_gates_json = excluded.failed_gates_json, message = excluded.message,
            report_path = excluded.report_path, package_path = excluded.package_path, recorded_at = excluded.recorded_at
        """,
        [try experimentID(experiment), r.status.rawValue, gates, r.message, r.report, r.package, now])
      try execute("UPDATE experiments SET release_stage = 'done' WHERE id = ?", [try experimentID(experiment)])
      return .applied
    }
  }

  private mutating func createExperiment(_ spec: ExperimentSpec, seed: UInt64) throws {
    let json: String
    do {
      json = try SpecDigest.canonicalJSON(of: spec)
    } catch {
      throw refuse(.invalidChange(change: "createExperiment", reason: "the spec cannot be encoded as JSON: \(error)"))
    }
    let exists = try Int64.fetchOne(
      db.cachedStatement(sql: "SELECT id FROM experiments WHERE name = ?"), arguments: [spec.name]) != nil
    if exists { throw refuse(.duplicateExperiment(name: spec.name)) }
    try execute(
      """
      INSERT INTO experiments (name, spec_json, spec_sha256, seed, state, created_at, updated_at)
      VALUES (?, ?, ?, ?, 'queued', ?, ?)
      """,
      [spec.name, json, SHA256Hex.of(Array(json.utf8)), StoreCoding.seed(seed), now, now])
    experimentIDs[spec.name] = db.lastInsertedRowID
  }

  /// Runs `UPDATE trials SET <set> WHERE <lease guard>`; no row changed means the change is
  /// stale (or the trial does not exist, which throws).
  private mutating func guarded(
    _ change: StoreChange, _ trial: TrialID, _ lease: Lease, set: String, _ arguments: StatementArguments
  ) throws -> ChangeOutcome {
    let id = try experimentID(trial.experiment)
    try execute(
      "UPDATE trials SET \(set) WHERE \(Self.leaseGuard)",
      arguments + [id, trial.number, lease.worker, lease.attempt])
    if db.changesCount == 1 { return .applied }
    let (state, worker, attempts) = try current(trial, id)
    let currentLease = state == .running ? worker.map { Lease(worker: $0, attempt: attempts) } : nil
    return .stale(StaleChange(change: change.name, trial: trial, presented: lease, state: state, current: currentLease))
  }

  /// The trial's state, worker and attempts; throws `.unknownTrial` if it does not exist.
  private func current(_ trial: TrialID, _ id: Int64) throws -> (TrialState, String?, Int) {
    let row = try Row.fetchOne(
      db.cachedStatement(sql: "SELECT state, worker, attempts FROM trials WHERE experiment_id = ? AND number = ?"),
      arguments: [id, trial.number])
    guard let row else { throw refuse(.unknownTrial(trial)) }
    let text: String = row["state"]
    guard let state = TrialState(rawValue: text) else {
      throw StoreCoding.corrupt("the state of \(trial)", "unknown state \"\(text)\"")
    }
    return (state, row["worker"], row["attempts"])
  }

  private mutating func experimentID(_ name: String) throws -> Int64 {
    if let id = experimentIDs[name] { return id }
    let id = try Int64.fetchOne(db.cachedStatement(sql: "SELECT id FROM experiments WHERE name = ?"), arguments: [name])
    guard let id else { throw refuse(.unknownExperiment(name: name)) }
    experimentIDs[name] = id
    return id
  }

  private func execute(_ sql: String, _ arguments: StatementArguments) throws {
    try db.cachedStatement(sql: sql).execute(arguments: arguments)
  }

  private func refuse(_ kind: StoreError.Kind) -> StoreError { StoreError(path: path, kind: kind) }
}
