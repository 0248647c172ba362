import Foundation
import HPOCore
import HPOStore
import HPOWire

/// Where a command experiment's release stage is before it can run: its
/// `evaluate` commands being prepared (off the loop), then leased to workers.
enum EvaluationPhase {
  case preparing(BackgroundJob<[EvaluationInputs]>, SearchRecord)
  case running(SearchRecord, [PendingEvaluation])
}

/// One `evaluate` command of a release stage: its inputs, its current lease
/// and, once it ended, what it reported.
struct PendingEvaluation {
  var inputs: EvaluationInputs
  var attempts = 0
  var lease: ExperimentRuntime.ActiveLease?
  var outcome: CommandEvaluation?

  var role: EvaluationRole { inputs.role }
  var isWaiting: Bool { lease == nil && outcome == nil }
}

extension CoordinatorCore {
  /// Starts the release stage of `name` once what it needs is there: at
  /// once for built-in models; for a command experiment, first its
  /// `evaluate` commands (the stage's ``ReleaseRunner/evaluationInputs(_:)``
  /// on a background job, then leased to workers started with
  /// `--allow-commands`, which ``evaluationAssignment(for:workerSlots:now:)``
  /// hands out before any trial), then the stage with what they reported.
  func advanceEvaluation(_ name: String, record: SearchRecord?, stage: any ReleaseRunner, now: CoordinatorTime) throws {
    switch evaluations[name] {
    case nil:
      guard let record else { return }
      guard record.spec.model.kind == .command else { return startRelease(name, record: record, evaluations: [], stage: stage, now: now) }
      evaluations[name] = .preparing(BackgroundJob(name: "evaluation \(name)") { try stage.evaluationInputs(record) }, record)
    case .preparing(let job, let record)?:
      guard let result = job.result else { return }
      switch result {
      case .failure(let error):
        evaluations[name] = nil
        endRelease(name, ReleaseOutcome(status: .error, message: "the release stage of \(name) cannot start: \(error)"), now: now)
      case .success(let inputs):
        for i in inputs {
          for (sha, path) in i.files { servedFiles[sha] = path }
          logger.info("evaluate command waiting for a worker", metadata: ["experiment": "\(name)", "model": "\(i.subject)"])
        }
        evaluations[name] = .running(record, inputs.map { PendingEvaluation(inputs: $0) })
        try advanceEvaluation(name, record: nil, stage: stage, now: now)
      }
    case .running(let record, let tasks)?:
      guard tasks.allSatisfy({ $0.outcome != nil }) else { return }
      startRelease(name, record: record, evaluations: tasks.compactMap(\.outcome), stage: stage, now: now)
    }
  }

  /// Runs the stage on a background job (``advanceReleases(now:)`` takes its outcome).
  private func startRelease(
    _ name: String, record: SearchRecord, evaluations: [CommandEvaluation], stage: any ReleaseRunner, now: CoordinatorTime
  ) {
    logger.info("release stage started", metadata: ["experiment": "\(name)"])
    let wall = now.wall
    releaseJobs[name] = BackgroundJob(name: "release \(name)") { stage.run(record, evaluations: evaluations, now: wall) }
  }

  /// The lease of a waiting `evaluate` command for a worker that runs
  /// commands (`nil` when none waits, or it holds more slots than the worker has).
  func evaluationAssignment(for worker: String, workerSlots: Int, now: CoordinatorTime) -> TrialAssignment? {
    for name in order {
      guard case .running(let record, var tasks)? = evaluations[name], record.spec.slotsPerTrial <= workerSlots,
        let index = tasks.firstIndex(where: \.isWaiting)
      else { continue }
      tasks[index].attempts += 1
      let attempt = tasks[index].attempts
      tasks[index].lease = ExperimentRuntime.ActiveLease(
        worker: worker, attempt: attempt, deadline: now.monotonic + configuration.leaseDuration)
      evaluations[name] = .running(record, tasks)
      logger.info("evaluate command leased", metadata: [
        "experiment": "\(name)", "model": "\(tasks[index].inputs.subject)", "attempt": "\(attempt)", "worker.id": "\(worker)",
      ])
      return assignment(record.spec, tasks[index], attempt: attempt)
    }
    return nil
  }

  /// The assignment of an `evaluate` command `worker` holds, if any (a repeated ask gets it again).
  func heldEvaluation(of worker: String, except running: TrialKey?) -> TrialAssignment? {
    for name in order {
      guard case .running(let record, let tasks)? = evaluations[name] else { continue }
      for task in tasks {
        guard let lease = task.lease, lease.worker == worker,
          running != TrialKey(experiment: name, trial: task.role.keyNumber, attempt: lease.attempt)
        else { continue }
        return assignment(record.spec, task, attempt: lease.attempt)
      }
    }
    return nil
  }

  private func assignment(_ spec: ExperimentSpec, _ task: PendingEvaluation, attempt: Int) -> TrialAssignment {
    var model = spec.model
    model.command = task.inputs.command
    return TrialAssignment(
      key: TrialKey(experiment: spec.name, trial: task.role.keyNumber, attempt: attempt),
      configuration: task.inputs.configuration, model: model, task: spec.data?.task ?? .regression,
      objective: spec.objective, shards: task.inputs.shards, epochs: nil, seed: task.inputs.seed,
      reportEveryEpoch: false, slots: spec.slotsPerTrial, evaluation: task.role)
  }

  /// Applies `change` to the `evaluate` command `key` names when that
  /// attempt still holds its lease; `false` when it does not (a late message).
  @discardableResult
  func updateEvaluation(_ key: TrialKey, worker: String? = nil, _ change: (inout PendingEvaluation) -> Void) -> Bool {
    guard let role = EvaluationRole(keyNumber: key.trial), case .running(let record, var tasks)? = evaluations[key.experiment],
      let index = tasks.firstIndex(where: { $0.role == role }), let lease = tasks[index].lease, lease.attempt == key.attempt,
      worker.map({ $0 == lease.worker }) ?? true
    else { return false }
    change(&tasks[index])
    evaluations[key.experiment] = .running(record, tasks)
    return true
  }

  /// How an `evaluate` command ended on its worker: its metrics, or the
  /// failure the release stage will report; a retry (exit 75) runs it again
  /// within the attempt budget.
  func evaluationResult(_ r: TrialResult) {
    let accepted = updateEvaluation(r.key) { task in
      let worker = task.lease?.worker ?? "?"
      task.lease = nil
      switch r.status {
      case .complete:
        task.outcome = CommandEvaluation(role: task.role, metrics: r.metrics, seconds: r.seconds, worker: worker)
      case .retry where task.attempts < configuration.maxAttempts:
        break  // waits for the next ask
      case .retry, .failed, .infeasible, .stopped:
        let why = r.status == .retry
          ? "it asked to be retried (exit 75) on attempt \(task.attempts) of \(configuration.maxAttempts); no attempt is left"
          : r.error ?? "it \(r.status.rawValue)"
        task.outcome = CommandEvaluation(role: task.role, metrics: [:], seconds: r.seconds, worker: worker, error: why, output: r.output)
      }
    }
    logger.info(accepted ? "evaluate command ended" : "late evaluate result ignored", metadata: [
      "evaluation": "\(r.key)", "status": "\(r.status.rawValue)", "error": "\(r.error ?? "-")",
    ])
  }

  /// Ends the leases of `evaluate` commands that expired (or, with `worker`,
  /// that this worker held): each runs again on the next ask, or fails the
  /// stage once it has used every attempt.
  func expireEvaluations(now: CoordinatorTime, worker: String? = nil, reason: String? = nil) {
    for name in order {
      guard case .running(let record, var tasks)? = evaluations[name] else { continue }
      var changed = false
      for i in tasks.indices {
        guard let lease = tasks[i].lease, worker.map({ $0 == lease.worker }) ?? (lease.deadline < now.monotonic) else { continue }
        changed = true
        tasks[i].lease = nil
        let why = reason ?? "lost worker \(lease.worker) (no heartbeat for \(configuration.leaseDuration))"
        if tasks[i].attempts >= configuration.maxAttempts {
          tasks[i].outcome = CommandEvaluation(
            role: tasks[i].role, metrics: [:], seconds: 0, worker: lease.worker,
            error: "\(why) on attempt \(tasks[i].attempts) of \(configuration.maxAttempts)")
        }
        logger.warning("evaluate command lease ended", metadata: ["experiment": "\(name)", "role": "\(tasks[i].role.rawValue)", "reason": "\(why)"])
      }
      if changed { evaluations[name] = .running(record, tasks) }
    }
  }

  /// What the status says of `e`'s release while its `evaluate` commands run; `nil` otherwise.
  func evaluationStatus(of e: ExperimentRuntime) -> String? {
    switch evaluations[e.name] {
    case nil: return nil
    case .preparing?: return "preparing the evaluate command's inputs (the test split, the winner's checkpoint, the champion's package)"
    case .running(_, let tasks)?:
      let parts = tasks.map { t -> String in
        if let o = t.outcome { return "\(t.inputs.subject): \(o.error == nil ? "evaluated" : "failed")" }
        if let lease = t.lease { return "\(t.inputs.subject): evaluate running on \(lease.worker)" }
        return "\(t.inputs.subject): evaluate waiting for a worker started with --allow-commands"
      }
      return parts.joined(separator: "; ")
    }
  }
}
