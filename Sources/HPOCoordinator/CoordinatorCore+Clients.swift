import Foundation
import HPOCore
import HPOStore
import HPOWire

extension CoordinatorCore {
  /// A new experiment (or, with `resume`, the continuation of one with the
  /// same name and spec), answered at once: an experiment with data is
  /// accepted in state `preparing` and its data is validated and sharded off
  /// the dispatch loop (data that cannot be used then fails it, with the
  /// reason in its status). The acceptance is durable before it is answered.
  func submit(_ s: SubmitRequest, now: CoordinatorTime) throws -> SubmitReply {
    try flush()
    let spec = absolutePaths(s.spec, base: URL(fileURLWithPath: s.baseDirectory))
    let name = spec.name
    if let existing = try store.experiment(named: name) {
      guard s.resume else {
        let counts = existing.trialCounts
        return SubmitReply(experiment: name, accepted: false, message: "an experiment named \(name) exists in this coordinator's store (\(existing.state.rawValue), \(counts.finished) of \(existing.spec.search.trials) trials finished); use --resume to continue it, or choose another name")
      }
      guard existing.specSHA256 == (try SpecDigest.sha256(of: spec)) else {
        return SubmitReply(experiment: name, accepted: false, message: "the experiment \(name) in the store has a different spec; --resume continues only the same experiment; choose another name to run this one")
      }
      if existing.state == .cancelled || existing.state == .failed {
        _ = try store.apply(.setExperimentState(experiment: name, .running), at: now.wall)  // rare: commit at once
      }
      try load(name, now: now)
      guard let e = experiments[name] else {
        return SubmitReply(experiment: name, accepted: false, message: "the experiment \(name) could not be loaded from the store")
      }
      let preparing = e.state == .preparing ? "; preparing its data" : ""
      return SubmitReply(experiment: name, accepted: true, message: "resumed \(name): \(e.finishedCount) of \(e.budget) trials finished\(preparing)")
    }
    record(.createExperiment(spec, seed: spec.search.seed), at: now.wall)
    let e = ExperimentRuntime(
      spec: spec, state: .queued, sampler: samplerFactory(spec), scheduler: schedulerFactory(spec), trials: [],
      attempts: [:], leases: [:], queue: [], exhausted: false, startedAt: now.wall, shards: [])
    register(e)
    releaseEligible.insert(name)
    logger.info("experiment submitted", metadata: ["experiment": "\(name)", "trials": "\(spec.search.trials)"])
    let plan = "\(spec.search.trials) trials, \(spec.search.parallel) at a time"
    if spec.needsPreparation, data != nil {
      startPreparation(e, now: now)
      return SubmitReply(experiment: name, accepted: true, message: "submitted \(name): preparing \(spec.preparedInputs), then \(plan)")
    }
    return SubmitReply(experiment: name, accepted: true, message: "submitted \(name): \(plan)")
  }

  /// The spec with its file paths made absolute against the experiment file's folder.
  private func absolutePaths(_ spec: ExperimentSpec, base: URL) -> ExperimentSpec {
    var spec = spec
    func absolute(_ path: String) -> String {
      path.hasPrefix("/") ? path : base.appendingPathComponent(path).standardizedFileURL.path
    }
    if var d = spec.data {
      d.path = absolute(d.path)
      spec.data = d
    }
    if var c = spec.model.command {
      c.workdir = absolute(c.workdir)
      spec.model.command = c
    }
    spec.output.dir = absolute(spec.output.dir)
    if var v = spec.validation {
      v.champion = v.champion.map(absolute)
      v.newData = v.newData.map(absolute)
      spec.validation = v
    }
    return spec
  }

  func register(_ runtime: ExperimentRuntime) {
    if experiments[runtime.name] == nil { order.append(runtime.name) }
    experiments[runtime.name] = runtime
    ended[runtime.name] = nil
    if submissionOrder[runtime.name] == nil {
      submissionOrder[runtime.name] = submissionOrder.count
    }
  }

  /// The state of one or all experiments (those submitted or resumed here, in
  /// submission order; one named is also read from the store when it is not).
  func status(_ r: StatusRequest, now: CoordinatorTime) throws -> StatusReply {
    try flush()
    if let name = r.experiment {
      if let x = ended[name] {
        return StatusReply(experiments: [try status(ofEnded: x, includeTrials: r.includeTrials, now: now)], workers: workers.count)
      }
      if experiments[name] == nil, try store.experiment(named: name) != nil { try load(name, now: now, activate: false) }
      guard let e = experiments[name] else { return StatusReply(experiments: [], workers: workers.count) }
      let trials = r.includeTrials ? try storedTrialSummaries(of: name, spec: e.spec) : nil
      return StatusReply(experiments: [status(of: e, trials: trials, now: now)], workers: workers.count)
    }
    var all: [(Int, ExperimentStatus)] = try ended.values.map { x in
      (x.sequence, try status(ofEnded: x, includeTrials: r.includeTrials, now: now))
    }
    for name in order {
      guard let e = experiments[name] else { continue }
      let trials = r.includeTrials ? try storedTrialSummaries(of: name, spec: e.spec) : nil
      all.append((submissionOrder[name] ?? 0, status(of: e, trials: trials, now: now)))
    }
    return StatusReply(experiments: all.sorted { $0.0 < $1.0 }.map(\.1), workers: workers.count)
  }

  /// One experiment's status from its runtime.
  func status(of e: ExperimentRuntime, trials: [TrialSummary]?, now: CoordinatorTime) -> ExperimentStatus {
    var counts: [TrialState: Int] = [:]
    for t in e.trials { counts[t.state, default: 0] += 1 }
    let best = e.best
    return ExperimentStatus(
      name: e.name, state: e.state, budget: e.budget, counts: counts, bestValue: best?.value,
      bestTrial: best?.number, bestConfiguration: best?.configuration, elapsedSeconds: now.wall.timeIntervalSince(e.startedAt),
      trials: trials.map { withMembers($0, of: e) }, release: releaseStatus(of: e), failure: e.failure, waiting: waiting(e, now: now),
      gangs: runningGangs(of: e))
  }

  /// `trials` with each running gang trial's members.
  private func withMembers(_ trials: [TrialSummary], of e: ExperimentRuntime) -> [TrialSummary] {
    guard let gangs = runningGangs(of: e) else { return trials }
    return trials.map { t in
      var t = t
      if t.state == .running { t.members = gangs[t.number] }
      return t
    }
  }

  /// Why `e`'s waiting trials do not run, when it is because no connected
  /// worker may run them (a command experiment and no `--allow-commands` worker).
  func waiting(_ e: ExperimentRuntime, now: CoordinatorTime) -> String? {
    if let gang = gangWaiting(e, now: now) { return gang }
    guard e.spec.model.kind == .command, e.state == .queued || e.state == .running, e.leases.isEmpty else { return nil }
    let slots = e.spec.slotsPerTrial
    let able = commandWorkers.filter { workers[$0.key] != nil }
    if able.isEmpty {
      return "waiting for a worker started with --allow-commands (none of the \(workers.count) connected workers runs commands)"
    }
    guard !able.values.contains(where: { $0 >= slots }) else { return nil }
    return "waiting for a worker with at least \(slots) slots (resources.slots_per_trial) started with --allow-commands; the largest connected one has \(able.values.max() ?? 0)"
  }

  /// An experiment's trials as the store holds them.
  func storedTrialSummaries(of name: String, spec: ExperimentSpec) throws -> [TrialSummary] {
    let record = SearchRecord(spec: spec, trials: try store.storedTrials(of: name), checkpoints: [])
    let marks = record.marks
    return record.trials.map { t in
      TrialSummary(number: t.number, state: t.state, configuration: spec.space.normalized(t.record.configuration),
                   value: t.record.value, metrics: t.metrics, epochs: t.epochs, attempts: t.attempts, worker: t.worker,
                   reason: t.reason, output: t.outputTail, pareto: marks[t.number]?.pareto ?? nil,
                   feasible: marks[t.number]?.feasible ?? nil)
    }
  }

  /// Cancels an experiment: no new trials; running ones stop at their next report.
  func cancel(_ c: CancelRequest, now: CoordinatorTime) throws -> SubmitReply {
    if let x = ended[c.experiment] {
      return SubmitReply(
        experiment: c.experiment, accepted: false,
        message: "\(c.experiment) has already ended (\(x.status.state.rawValue)); there is nothing to cancel")
    }
    guard let e = experiments[c.experiment] else {
      return SubmitReply(experiment: c.experiment, accepted: false, message: "no running experiment named \(c.experiment)")
    }
    record(.setExperimentState(experiment: c.experiment, .cancelled), at: now.wall)
    e.state = .cancelled
    for number in e.queue {
      record(.failTrial(TrialID(experiment: c.experiment, number: number), lease: nil, reason: "the experiment was cancelled"), at: now.wall)
      e.trials[number].state = .failed
    }
    e.queue = []
    experiments[c.experiment] = e
    return SubmitReply(experiment: c.experiment, accepted: true, message: "cancelled \(c.experiment); \(e.runningCount) running trials stop at their next report")
  }

  // MARK: Resume

  /// Loads every unfinished experiment of the store, and every finished one
  /// whose release stage is owed (`pending`: the previous coordinator stopped
  /// before it recorded the outcome), which ``advanceReleases(now:)`` then runs.
  func resume(now: CoordinatorTime) throws {
    for stored in try store.experiments()
    where !stored.state.isFinished || (releaseStage != nil && stored.state == .finished && stored.releaseStage == .pending) {
      try load(stored.name, now: now)
    }
  }

  /// Rebuilds one experiment from the store. Trials that were running under a
  /// previous coordinator (or pending) go to the queue, to be leased again.
  func load(_ name: String, now: CoordinatorTime, activate: Bool = true) throws {
    guard let stored = try store.experiment(named: name) else { return }
    let spec = stored.spec
    let storedTrials = try store.storedTrials(of: name)
    var changes: [StoreChange] = []
    var queue: [Int] = []
    var trials: [TrialRecord] = []
    var attempts: [Int: Int] = [:]
    for t in storedTrials {
      var record = spec.scored(t.record, metrics: t.metrics, reportMetrics: t.intermediateMetrics)
      record.configuration = spec.space.normalized(record.configuration)
      attempts[t.number] = t.attempts
      if activate, t.state == .running, let lease = t.lease {
        changes.append(.requeueTrial(t.id, lease: lease, reason: "the coordinator restarted"))
        record.state = .pending
        record.intermediate = []
      }
      if activate, record.state == .pending { queue.append(t.number) }
      trials.append(record)
    }
    if !changes.isEmpty { _ = try store.apply(changes, at: now.wall) }
    try loadRelease(name)
    let e = ExperimentRuntime(
      spec: spec, state: stored.state, sampler: samplerFactory(spec), scheduler: schedulerFactory(spec), trials: trials,
      attempts: attempts, leases: [:], queue: queue, exhausted: false, startedAt: stored.createdAt, shards: [])
    e.failure = stored.failure
    e.dataFingerprint = stored.dataFingerprint
    if spec.release?.pick != nil {
      for t in storedTrials where t.state == .complete { e.pickMetrics[t.number] = t.metrics }
    }
    register(e)
    // The shards are prepared again (a missing or changed file fails the experiment then);
    // no trial is handed out before.
    if activate, spec.needsPreparation, !stored.state.isFinished, data != nil { startPreparation(e, now: now) }
    if activate {
      releaseEligible.insert(name)
      logger.info("experiment resumed", metadata: ["experiment": "\(name)", "finished": "\(trials.count { $0.state.isFinished })", "requeued": "\(queue.count)"])
      try finishIfDone(name, now: now)
    }
  }
}
