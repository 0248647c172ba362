import Foundation
import HPOCore

/// A trial's identity across the store: its experiment's name and its number in it.
public struct TrialID: Sendable, Hashable, CustomStringConvertible {
  public var experiment: String
  /// 0-based and dense per experiment.
  public var number: Int

  public init(experiment: String, number: Int) {
    self.experiment = experiment
    self.number = number
  }

  public var description: String { "trial \(number) of experiment \"\(experiment)\"" }
}

/// One lease of a trial: the worker holding it and the attempt number (1 for the first lease,
/// +1 for each re-lease). A worker's messages carry the lease they answer, so a message from an
/// earlier lease is recognised as stale.
public struct Lease: Sendable, Hashable, CustomStringConvertible {
  public var worker: String
  public var attempt: Int

  public init(worker: String, attempt: Int) {
    self.worker = worker
    self.attempt = attempt
  }

  public var description: String { "worker \(worker) (attempt \(attempt))" }
}

/// One state change of the store. ``ExperimentStore/apply(_:at:)`` commits a batch of them in
/// a single transaction, all stamped with the batch's time.
///
/// Two kinds of changes:
/// - **Coordinator decisions** (`createExperiment`, `setExperimentState`, `insertTrial`,
///   `leaseTrial`, `failTrial` without a lease, checkpoints): if the store's state does not allow
///   them the coordinator and its store disagree, which is a bug, so ``StoreError`` is thrown and
///   the whole batch is rolled back.
/// - **Answers to a lease** (every change that carries a ``Lease``): they apply only while the
///   trial is `running` under exactly that lease. Otherwise the change is skipped and reported
///   as ``ChangeOutcome/stale(_:)``; the rest of the batch still commits. This is what keeps a
///   late result of a re-leased trial from ever being counted twice.
public enum StoreChange: Sendable, Equatable {
  /// A new experiment in state `queued`, named `spec.name`; the spec is stored as canonical
  /// JSON with its SHA-256 (``SpecDigest``). `seed` is the experiment's seed (usually
  /// `spec.search.seed`). Throws ``StoreError/Kind/duplicateExperiment(name:)`` if the name exists.
  case createExperiment(ExperimentSpec, seed: UInt64)
  /// Any state may follow any other (a resumed experiment goes back to `running`). Entering a
  /// finished state sets `finishedAt`; leaving one clears it. Clears a recorded failure.
  case setExperimentState(experiment: String, ExperimentState)
  /// → `failed` with why (``StoredExperiment/failure``); sets `finishedAt`.
  case failExperiment(experiment: String, ExperimentFailure)
  /// The SHA-256 of the experiment's data file, once prepared (64 lowercase hex digits).
  case recordDataFingerprint(experiment: String, sha256: String)
  /// Its search finished and a release stage is owed (`release_stage = pending`);
  /// ``recordRelease(experiment:_:)`` marks it `done`.
  case awaitRelease(experiment: String)
  /// A new `pending` trial; `trial.number` must be the experiment's next number.
  case insertTrial(TrialID, configuration: Configuration, seed: UInt64)
  /// `pending` → `running` under `lease` until `deadline`; `lease.attempt` must be the trial's
  /// attempts so far + 1, else ``StoreError/Kind/invalidTransition(_:change:state:detail:)``.
  case leaseTrial(TrialID, lease: Lease, deadline: Date)
  /// Moves the lease deadline (heartbeat or progress). Stale unless running under `lease`.
  case renewLease(TrialID, lease: Lease, deadline: Date)
  /// The objective after `step` epochs, with any other metrics of that epoch. Re-sending a step
  /// replaces it. Raises the trial's `epochs` to at least `step`. Stale unless running under `lease`.
  case recordIntermediate(TrialID, lease: Lease, step: Int, value: Double, metrics: [String: Double])
  /// `running` → `complete` with the final objective `value`, the final `metrics`, the training
  /// time in `seconds` and the `epochs` trained. Stale unless running under `lease`.
  case completeTrial(TrialID, lease: Lease, value: Double, metrics: [String: Double], seconds: Double, epochs: Int)
  /// `running` → `pruned` at `rung`, with `reason`. `value` nil means the last reported
  /// intermediate value; `epochs` nil keeps the epochs reported so far. Stale unless running under `lease`.
  case pruneTrial(TrialID, lease: Lease, value: Double?, rung: Int, reason: String, epochs: Int?)
  /// → `failed` with `reason`. With a lease: stale unless running under it (a worker's error).
  /// Without one (a coordinator decision: retry budget spent, experiment cancelled): any
  /// `pending` or `running` trial; a finished one throws.
  /// `output` is the last 4 KB of a failed command's standard error (cut to
  /// 4,096 UTF-8 bytes at a character boundary when longer), kept apart from the reason.
  case failTrial(TrialID, lease: Lease?, reason: String, output: String? = nil)
  /// `running` → `infeasible` with `reason` (the command said the configuration
  /// cannot be trained). Stale unless running under `lease`.
  case markInfeasible(TrialID, lease: Lease, reason: String)
  /// `running` → `pending` (the worker was lost): the worker, lease, start time, epochs and
  /// intermediate reports of the lost attempt are cleared — but for the reports of steps up to
  /// `keepingSteps`, where the next attempt resumes (from the trial's checkpoint), and epochs
  /// becomes that; `attempts` is kept, so the next lease is attempt + 1 and the coordinator can
  /// enforce its retry budget. Stale unless running under `lease`.
  case requeueTrial(TrialID, lease: Lease, reason: String, keepingSteps: Int = 0)
  /// The trial's checkpoint file, written (atomically) by the coordinator; replaces an earlier
  /// record for the same trial. `sha256` is 64 hex digits.
  case recordCheckpoint(TrialID, path: String, sha256: String, bytes: Int)
  /// Forgets the trial's checkpoint record (after the file was deleted). Idempotent.
  case deleteCheckpoint(TrialID)
  /// The outcome of the experiment's release stage (after its search); replaces an earlier one
  /// and marks the stage `done`.
  case recordRelease(experiment: String, StoredRelease)

  /// The case's name, for messages.
  public var name: String {
    switch self {
    case .createExperiment: return "createExperiment"
    case .setExperimentState: return "setExperimentState"
    case .failExperiment: return "failExperiment"
    case .recordDataFingerprint: return "recordDataFingerprint"
    case .awaitRelease: return "awaitRelease"
    case .insertTrial: return "insertTrial"
    case .leaseTrial: return "leaseTrial"
    case .renewLease: return "renewLease"
    case .recordIntermediate: return "recordIntermediate"
    case .completeTrial: return "completeTrial"
    case .pruneTrial: return "pruneTrial"
    case .failTrial: return "failTrial"
    case .markInfeasible: return "markInfeasible"
    case .requeueTrial: return "requeueTrial"
    case .recordCheckpoint: return "recordCheckpoint"
    case .deleteCheckpoint: return "deleteCheckpoint"
    case .recordRelease: return "recordRelease"
    }
  }

  /// What is wrong with the arguments themselves, before looking at the store; `nil` if nothing.
  var argumentProblem: String? {
    func checkTrial(_ t: TrialID) -> String? { t.number < 0 ? "trial number \(t.number) is negative" : nil }
    func checkLease(_ l: Lease) -> String? {
      if l.worker.isEmpty { return "the worker id is empty" }
      return l.attempt < 1 ? "lease attempt \(l.attempt) is below 1" : nil
    }
    switch self {
    case .createExperiment(let spec, _):
      return spec.name.isEmpty ? "the experiment name is empty" : nil
    case .setExperimentState, .recordRelease, .awaitRelease:
      return nil
    case .failExperiment(_, let failure):
      return failure.message.isEmpty ? "the failure message is empty" : nil
    case .recordDataFingerprint(_, let sha256):
      let hex = sha256.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
      return sha256.utf8.count == 64 && hex ? nil : "sha256 \"\(sha256)\" is not 64 lowercase hex digits"
    case .insertTrial(let t, _, _), .deleteCheckpoint(let t):
      return checkTrial(t)
    case .leaseTrial(let t, let l, _), .renewLease(let t, let l, _), .requeueTrial(let t, let l, _, _),
      .markInfeasible(let t, let l, _):
      return checkTrial(t) ?? checkLease(l)
    case .recordIntermediate(let t, let l, let step, _, _):
      return checkTrial(t) ?? checkLease(l) ?? (step < 0 ? "step \(step) is negative" : nil)
    case .completeTrial(let t, let l, _, _, let seconds, let epochs):
      if let p = checkTrial(t) ?? checkLease(l) { return p }
      if !(seconds >= 0) || !seconds.isFinite { return "seconds \(seconds) is not a finite duration ≥ 0" }
      return epochs < 0 ? "epochs \(epochs) is negative" : nil
    case .pruneTrial(let t, let l, _, let rung, _, let epochs):
      if let p = checkTrial(t) ?? checkLease(l) { return p }
      if rung < 0 { return "rung \(rung) is negative" }
      return (epochs ?? 0) < 0 ? "epochs \(epochs!) is negative" : nil
    case .failTrial(let t, let l, _, _):
      return checkTrial(t) ?? l.flatMap(checkLease)
    case .recordCheckpoint(let t, let path, let sha256, let bytes):
      if let p = checkTrial(t) { return p }
      if path.isEmpty { return "the checkpoint path is empty" }
      if bytes < 0 { return "bytes \(bytes) is negative" }
      let hex = sha256.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
      return sha256.utf8.count == 64 && hex ? nil : "sha256 \"\(sha256)\" is not 64 lowercase hex digits"
    }
  }
}

/// What became of one change of a committed batch, in batch order.
public enum ChangeOutcome: Sendable, Equatable {
  case applied
  /// Skipped: it answered a lease the trial no longer runs under. Nothing of it was written.
  case stale(StaleChange)

  public var isApplied: Bool { self == .applied }
}

/// A change that answered a lease the trial no longer runs under.
public struct StaleChange: Sendable, Equatable, CustomStringConvertible {
  /// The change's name (`completeTrial`, …).
  public var change: String
  public var trial: TrialID
  /// The lease the change answered.
  public var presented: Lease
  /// The trial's state when the change arrived.
  public var state: TrialState
  /// The trial's current lease, if it is running.
  public var current: Lease?

  public init(change: String, trial: TrialID, presented: Lease, state: TrialState, current: Lease?) {
    self.change = change
    self.trial = trial
    self.presented = presented
    self.state = state
    self.current = current
  }

  public var description: String {
    let now = current.map { "running under \($0)" } ?? state.rawValue
    return "\(change) of \(trial) from \(presented) ignored: the trial is \(now)"
  }
}
