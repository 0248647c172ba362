import Foundation
import HPOCore
import HPOStore
import HPOWire

extension CoordinatorCore {
  /// A worker has a free slot: lease it the next trial of the next experiment
  /// (round-robin over experiments with capacity). When there is none, the ask
  /// is parked and answered by ``serveParked(now:)`` as soon as a trial is
  /// available (or with `noWork` after ``CoordinatorConfiguration/parkTimeout``).
  func askForWork(_ r: WorkRequest, from peer: PeerID, now: CoordinatorTime) throws -> [Outgoing] {
    workers[r.workerID] = WorkerInfo(peer: peer, lastSeen: now)
    if r.runsCommands { commandWorkers[r.workerID] = r.workerSlots } else if !commandWorkers.isEmpty { commandWorkers[r.workerID] = nil }
    if !r.cachedShards.isEmpty { workerShards[r.workerID] = Set(r.cachedShards) }
    parked.removeAll { $0.workerID == r.workerID }
    // A worker slot holds at most one trial besides the one it runs: an ask
    // from a slot that already holds such a lease (its earlier ask or our
    // answer was lost, or it reconnected) gets the same assignment again
    // rather than another trial.
    if let held = heldAssignment(of: r.workerID, except: r.running)
      ?? (r.runsCommands ? heldEvaluation(of: r.workerID, except: r.running) : nil)
    {
      return [Outgoing(peer: peer, message: .assignment(held))]
    }
    if let assignment = try anyAssignment(
      for: r.workerID, peer: peer, runsCommands: r.runsCommands, workerSlots: r.workerSlots, ahead: r.running != nil, now: now)
    {
      return [Outgoing(peer: peer, message: .assignment(assignment), askedAt: now)]
    }
    // An ask ahead is answered at once: holding it would hand freed capacity
    // to a busy slot before an idle one.
    if r.running != nil { return [Outgoing(peer: peer, message: .noWork(NoWork(retryAfterMilliseconds: 0)))] }
    guard !draining, configuration.parkTimeout > .zero else { return [noWork(peer)] }
    parked.append(ParkedAsk(workerID: r.workerID, peer: peer, since: now, runsCommands: r.runsCommands, workerSlots: r.workerSlots))
    return []
  }

  /// Answers parked asks: a trial for each, oldest first, while there are
  /// trials to hand out; `noWork` (ask again at once) for asks parked longer
  /// than the park timeout, and for all of them once draining. Call it after
  /// every batch of messages and every tick; its leases are committed by the
  /// next ``flush()``, before the replies are sent.
  public func serveParked(now: CoordinatorTime) throws -> [Outgoing] {
    // A gang that will not form frees its slots (and its trial) first.
    var replies = expireGangFormation(now: now)
    guard !parked.isEmpty else { return replies }
    var remaining: [ParkedAsk] = []
    // Once an ask of one kind (runs commands or not, slot count) found nothing, later asks of that kind will not either.
    var foundNothing: Set<Int> = []
    for ask in parked {
      let kind = ask.runsCommands ? -ask.workerSlots : ask.workerSlots
      if !draining, !foundNothing.contains(kind) {
        if let assignment = try anyAssignment(
          for: ask.workerID, peer: ask.peer, runsCommands: ask.runsCommands, workerSlots: ask.workerSlots, ahead: false, now: now)
        {
          replies.append(Outgoing(peer: ask.peer, message: .assignment(assignment), askedAt: ask.since))
          continue
        }
        foundNothing.insert(kind)
      }
      if draining || now.duration(since: ask.since) >= configuration.parkTimeout {
        replies.append(Outgoing(peer: ask.peer, message: .noWork(NoWork(retryAfterMilliseconds: 0))))
      } else {
        remaining.append(ask)
      }
    }
    parked = remaining
    return replies
  }

  /// The next trial of the next experiment with one to run now, leased to
  /// `worker`: first, in round-robin order, an experiment whose shards the
  /// worker already holds (no transfer, warm page cache), then any. A worker
  /// that does not run commands is never given a `command` experiment's
  /// trial, nor a worker with fewer slots than a trial holds. A forming gang
  /// goes before any other trial (see ``CoordinatorCore`` + Gangs). `ahead`: the
  /// slot runs a trial already (see ``ExperimentRuntime/hasCapacityAhead``).
  private func anyAssignment(
    for worker: String, peer: PeerID, runsCommands: Bool, workerSlots: Int, ahead: Bool, now: CoordinatorTime
  ) throws -> TrialAssignment? {
    guard !draining, !order.isEmpty else { return nil }
    // A release waits on it: an evaluate command goes before any trial.
    if runsCommands, let evaluation = evaluationAssignment(for: worker, workerSlots: workerSlots, now: now) { return evaluation }
    if let member = gangAssignment(for: worker, peer: peer, runsCommands: runsCommands, ahead: ahead) { return member }
    func allowed(_ e: ExperimentRuntime) -> Bool {
      (runsCommands || e.spec.model.kind != .command) && e.spec.slotsPerTrial <= workerSlots && mayFormGang(e, ahead: ahead, now: now)
    }
    /// A gang trial's slot becomes rank 0 of its forming gang.
    func gang(_ a: TrialAssignment, _ e: ExperimentRuntime) -> TrialAssignment {
      e.spec.workersPerTrial > 1 ? formGang(a, size: e.spec.workersPerTrial, worker: worker, peer: peer, now: now) : a
    }
    if let held = workerShards[worker], !held.isEmpty {
      for offset in 0..<order.count {
        let name = order[(cursor + offset) % order.count]
        guard let e = experiments[name], allowed(e), !e.shards.isEmpty, e.shards.allSatisfy({ held.contains($0.sha256) }),
          let assignment = try nextAssignment(in: name, for: worker, ahead: ahead, now: now)
        else { continue }
        cursor = (cursor + offset + 1) % order.count
        return gang(assignment, e)
      }
    }
    for offset in 0..<order.count {
      let name = order[(cursor + offset) % order.count]
      guard let e = experiments[name], allowed(e), let assignment = try nextAssignment(in: name, for: worker, ahead: ahead, now: now)
      else { continue }
      cursor = (cursor + offset + 1) % order.count
      return gang(assignment, e)
    }
    return nil
  }

  /// The assignment of a trial `worker` holds other than `running`, if any
  /// (the lowest-numbered, so a repeated ask gets the same answer).
  private func heldAssignment(of worker: String, except running: TrialKey?) -> TrialAssignment? {
    for name in order {
      guard let e = experiments[name] else { continue }
      let held = e.leases.filter { number, lease in
        lease.worker == worker && !(running?.experiment == name && running?.trial == number)
      }
      if let (number, lease) = held.min(by: { $0.key < $1.key }) {
        let a = assignment(e, number: number, attempt: lease.attempt)
        // A gang trial's lease is its rank 0's.
        return e.spec.workersPerTrial > 1 ? GangFormation.share(of: a, rank: 0, size: e.spec.workersPerTrial) : a
      }
    }
    return nil
  }

  private func assignment(_ e: ExperimentRuntime, number: Int, attempt: Int) -> TrialAssignment {
    TrialAssignment(
      key: TrialKey(experiment: e.name, trial: number, attempt: attempt), configuration: e.trials[number].configuration,
      model: e.spec.model, task: e.spec.data?.task ?? .regression, objective: e.spec.objective,
      shards: e.shards + resumeShard(e, number: number, attempt: attempt),
      epochs: e.spec.model.epochs, seed: trialSeed(e, number), reportEveryEpoch: e.spec.model.hasEpochs,
      slots: e.spec.slotsPerTrial)
  }

  /// For a later attempt of a command, softmax or mlp trial: the checkpoint
  /// an earlier attempt sent while it ran, as a `.resume` shard the worker
  /// fetches like any other (a command gets it as `HPO_RESUME_DIR`; a model
  /// resumes at its epoch); served from its file by ``shard(_:to:)``.
  private func resumeShard(_ e: ExperimentRuntime, number: Int, attempt: Int) -> [ShardReference] {
    guard e.spec.model.kind == .command || e.spec.model.checkpointCadence > 0, attempt > 1 else { return [] }
    do {
      guard let c = try store.checkpoints(of: e.name).first(where: { $0.trial.number == number }) else { return [] }
      if e.spec.model.kind != .command {
        // Written without flushing (a resume point only): after a crash it may be short or empty.
        let sha256 = try SHA256Hex.ofFile(c.path).sha256
        guard sha256 == c.sha256 else {
          logger.warning("a trial's checkpoint is not the one recorded (cut short by a crash?); the next attempt starts afresh", metadata: [
            "trial": "\(e.name)#\(number)", "path": "\(c.path)", "sha256": "\(sha256)", "recorded": "\(c.sha256)",
          ])
          return []
        }
      }
      servedFiles[c.sha256] = c.path
      return [ShardReference(sha256: c.sha256, bytes: c.bytes, role: .resume)]
    } catch {
      // The attempt starts from scratch, as it would without a checkpoint; the trial is not lost.
      logger.warning("cannot read a trial's checkpoint record; the next attempt starts afresh", metadata: [
        "trial": "\(e.name)#\(number)", "error": "\(error)",
      ])
      return []
    }
  }

  private func noWork(_ peer: PeerID) -> Outgoing {
    Outgoing(peer: peer, message: .noWork(NoWork(retryAfterMilliseconds: configuration.noWorkRetry.milliseconds)))
  }

  /// Leases a requeued trial, or a new one from the sampler; `nil` when the
  /// experiment has nothing to run now.
  private func nextAssignment(in name: String, for worker: String, ahead: Bool, now: CoordinatorTime) throws -> TrialAssignment? {
    guard var e = experiments[name], ahead ? e.hasCapacityAhead : e.hasCapacity else { return nil }
    var changes: [StoreChange] = []
    let number: Int
    if let queued = e.queue.first {
      number = queued
      e.queue.removeFirst()
    } else {
      guard e.trials.count < e.budget, !e.exhausted else { return nil }
      number = e.trials.count
      guard let configuration = try suggest(&e, number: number) else {
        experiments[name] = e
        try finishIfDone(name, now: now)
        return nil
      }
      let record = TrialRecord(number: number, configuration: configuration, state: .pending)
      e.trials.append(record)
      changes.append(.insertTrial(TrialID(experiment: name, number: number), configuration: configuration,
                                  seed: trialSeed(e, number)))
    }
    let attempt = (e.attempts[number] ?? 0) + 1
    let deadline = now.advanced(by: self.configuration.leaseDuration)
    // The store keeps the wall-clock deadline for people; expiry is decided on the monotonic one.
    changes.append(.leaseTrial(TrialID(experiment: name, number: number), lease: Lease(worker: worker, attempt: attempt), deadline: deadline.wall))
    // Durable before the worker hears of it (the service flushes before sending).
    record(changes, at: now.wall)
    if e.state == .queued {
      record(.setExperimentState(experiment: name, .running), at: now.wall)
      e.state = .running
    }
    e.attempts[number] = attempt
    e.leases[number] = ExperimentRuntime.ActiveLease(worker: worker, attempt: attempt, deadline: deadline.monotonic)
    e.trials[number].state = .running
    experiments[name] = e
    logger.debug("trial leased", metadata: ["trial": "\(name)#\(number)", "attempt": "\(attempt)", "worker.id": "\(worker)"])
    return assignment(e, number: number, attempt: attempt)
  }

  /// The sampler's proposal for trial `number`, or `nil` when it has none now
  /// (marking the experiment exhausted when it will never have one).
  ///
  /// The generator is the experiment seed's stream for this trial number, so a
  /// proposal depends only on the seed, the number and the history it is shown.
  /// In reproducible mode the history is trials `0 ..< number − parallel + 1`,
  /// all finished (otherwise it waits): the same whatever the workers' timing.
  private func suggest(_ e: inout ExperimentRuntime, number: Int) throws -> Configuration? {
    var history = e.trials
    if e.spec.search.reproducible {
      let visible = max(0, number - e.spec.search.parallel + 1)
      guard e.trials.prefix(visible).allSatisfy({ $0.state.isFinished }) else { return nil }
      history = Array(e.trials.prefix(visible))
    }
    var rng = SeededGenerator(seed: e.spec.search.seed, stream: UInt64(number))
    switch try e.sampler.suggest(in: e.spec.space, history: history, using: &rng) {
    case .configuration(let c): return e.spec.space.normalized(c)
    case .exhausted:
      e.exhausted = true
      return nil
    case .notNow:
      return nil
    }
  }

  /// The training seed of trial `number`: derived from the experiment seed and
  /// the number only.
  func trialSeed(_ e: ExperimentRuntime, _ number: Int) -> UInt64 {
    var g = SeededGenerator(seed: e.spec.search.seed, stream: 0x7472_6961_6C00_0000 | UInt64(number))
    return g.next() >> 1
  }

  /// Marks the experiment finished once every trial it will have is finished.
  func finishIfDone(_ name: String, now: CoordinatorTime) throws {
    guard let e = experiments[name], e.state == .running || e.state == .queued, e.isDone else { return }
    record(.setExperimentState(experiment: name, .finished), at: now.wall)
    // In the same batch: a restart after the search finished owes the release stage (see resume).
    if releaseStage != nil, releaseEligible.contains(name) { record(.awaitRelease(experiment: name), at: now.wall) }
    experiments[name]?.state = .finished
    let best = e.best
    logger.info("experiment finished", metadata: [
      "experiment": "\(name)", "trials": "\(e.trials.count)",
      "best": "\(best.map { "trial \($0.number) = \($0.value!)" } ?? "none")",
    ])
  }

  /// A chunk of a shard for a worker that lacks it: at most
  /// ``WireLimits/chunkBytes`` bytes from the offset asked for, read from
  /// disk alone (never the whole file), with the shard's size.
  func shard(_ r: ShardRequest, to peer: PeerID) -> [Outgoing] {
    let found: FileChunk?
    do {
      if let checkpoint = servedFiles[r.sha256] {
        found = try FileChunk.read(checkpoint, offset: r.offset, maxBytes: WireLimits.chunkBytes)
      } else {
        found = try data?.shardChunk(sha256: r.sha256, offset: r.offset, maxBytes: WireLimits.chunkBytes)
      }
    } catch {
      logger.error("a prepared shard cannot be read", metadata: ["sha256": "\(r.sha256)", "error": "\(error)"])
      return [Outgoing(peer: peer, message: .error(WireFailure(code: .internal, message: "the shard with SHA-256 \(r.sha256) cannot be read on the coordinator: \(error)")))]
    }
    guard let chunk = found else {
      return [Outgoing(peer: peer, message: .error(WireFailure(code: .unknownShard, message: "no shard with SHA-256 \(r.sha256)")))]
    }
    guard r.offset <= chunk.total else {
      return [Outgoing(peer: peer, message: .error(WireFailure(
        code: .badMessage, message: "the shard with SHA-256 \(r.sha256) has \(chunk.total) bytes; offset \(r.offset) is past its end")))]
    }
    return [Outgoing(peer: peer, message: .shard(ShardTransfer(sha256: r.sha256, offset: r.offset, total: chunk.total, bytes: chunk.bytes)))]
  }
}
