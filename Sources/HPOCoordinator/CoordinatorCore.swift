import Foundation
import HPOCore
import HPOStore
import HPOWire
import Logging

/// The coordinator's logic: a single-threaded state machine that turns each
/// incoming message (and the passage of time) into store changes and replies.
///
/// Every state change is committed to the store before the reply that
/// depends on it is returned, so an acknowledged lease, result or submission
/// survives a crash; ``init(store:configuration:samplerFactory:schedulerFactory:data:logger:now:)``
/// rebuilds everything from the store. Not thread-safe: one thread owns it
/// (the ``CoordinatorService`` loop).
public final class CoordinatorCore {
  /// A reply to send.
  public struct Outgoing: Sendable {
    public var peer: PeerID
    public var message: WireMessage
    /// For an assignment answering an ask: when the ask arrived (for the
    /// dispatch-latency metric).
    public var askedAt: CoordinatorTime?

    public init(peer: PeerID, message: WireMessage, askedAt: CoordinatorTime? = nil) {
      self.peer = peer
      self.message = message
      self.askedAt = askedAt
    }
  }

  let store: ExperimentStore
  let configuration: CoordinatorConfiguration
  let samplerFactory: SamplerFactory
  let schedulerFactory: SchedulerFactory
  let data: (any ExperimentPreparer)?
  let logger: Logger
  /// Runs after an experiment's last trial (held-out evaluation, gates, package); `nil`: none.
  let releaseStage: (any ReleaseRunner)?
  /// Release stages running in the background, by experiment name.
  var releaseJobs: [String: BackgroundJob<ReleaseOutcome>] = [:]
  /// Data preparations running in the background, by experiment name.
  var preparations: [String: BackgroundJob<PreparedShards>] = [:]
  /// Recorded release outcomes, by experiment name.
  var releaseStatuses: [String: ReleaseStatus] = [:]
  /// Experiments submitted or resumed by this coordinator: only their searches
  /// are followed by a release stage (not those merely loaded to answer a status).
  var releaseEligible: Set<String> = []
  /// When each finished experiment was first seen waiting for its release (for the checkpoint grace period).
  var releaseWaitingSince: [String: CoordinatorTime] = [:]

  /// Experiments by name, and their names in submission order (fair dispatch
  /// walks this list round-robin from ``cursor``).
  var experiments: [String: ExperimentRuntime] = [:]
  var order: [String] = []
  var cursor = 0
  /// Experiments that ended for good, their runtimes dropped (``evictSettled(now:)``).
  var ended: [String: EndedExperiment] = [:]
  /// Each experiment's place in the order it was first submitted or loaded here.
  var submissionOrder: [String: Int] = [:]
  /// Connected workers by id.
  var workers: [String: WorkerInfo] = [:]
  /// Worker slots whose asks say they run commands (`--allow-commands`), with their worker's slot count.
  var commandWorkers: [String: Int] = [:]
  /// Idle workers' asks held until a trial is available (oldest first);
  /// see ``serveParked(now:)``.
  var parked: [ParkedAsk] = []
  /// The shards each worker slot said it holds (its last non-empty list).
  var workerShards: [String: Set<String>] = [:]
  /// Stop reasons decided for running trials, reported when their result arrives.
  var stopReasons: [TrialKey: String] = [:]
  /// Appends command trials' output to their logs.
  let logs = TrialLogWriter()
  /// Files served by SHA-256 besides prepared shards (see ``shard(_:to:)``):
  /// command trials' checkpoints handed to later attempts, and the inputs of
  /// `evaluate` commands.
  var servedFiles: [String: String] = [:]
  /// Command experiments whose `evaluate` commands are prepared or running, by name.
  var evaluations: [String: EvaluationPhase] = [:]
  /// The gang trial gathering its members, if any (one at a time; see ``gangAssignment(for:peer:runsCommands:ahead:)``).
  var forming: GangFormation?
  /// The members of each gang trial attempt that started, by rank (for
  /// `hpo status` and `hpo trials`); dropped once its lease is gone.
  var runningGangs: [TrialKey: [GangMember]] = [:]
  /// Checkpoints being received in chunks, by trial (see ``checkpoint(_:from:now:)``).
  var checkpointUploads: [TrialID: CheckpointUpload] = [:]
  /// Set when the coordinator is shutting down: no new trials are handed out.
  public var draining = false
  /// Store changes decided since the last ``flush()``, committed together.
  var pending: [StoreChange] = []
  var pendingTime = Date.distantPast

  struct WorkerInfo {
    var peer: PeerID
    var lastSeen: CoordinatorTime
  }

  struct ParkedAsk {
    var workerID: String
    var peer: PeerID
    var since: CoordinatorTime
    /// The asking worker runs `command` trials.
    var runsCommands: Bool
    /// The asking slot's worker's slot count.
    var workerSlots: Int
  }

  /// A coordinator over `store`, resuming every unfinished experiment in it:
  /// trials that were running when the previous coordinator stopped go back to
  /// the queue (their next lease is a new attempt).
  public init(
    store: ExperimentStore, configuration: CoordinatorConfiguration, samplerFactory: @escaping SamplerFactory,
    schedulerFactory: @escaping SchedulerFactory = { _ in nil }, data: (any ExperimentPreparer)? = nil,
    release: (any ReleaseRunner)? = nil, logger: Logger = Logger(label: "hpo.coordinator"), now: CoordinatorTime = .now()
  ) throws {
    self.releaseStage = release
    self.store = store
    self.configuration = configuration
    self.samplerFactory = samplerFactory
    self.schedulerFactory = schedulerFactory
    self.data = data
    self.logger = logger
    try resume(now: now)
  }

  /// Handles one message and returns the replies to send, in order.
  public func handle(_ incoming: Incoming, now: CoordinatorTime) -> [Outgoing] {
    let peer = incoming.peer
    let message: WireMessage
    switch incoming.message {
    case .failure(let error):
      logger.warning("refused a message", metadata: ["peer": "\(peer)", "error": "\(error)"])
      return [Outgoing(peer: peer, message: .error(WireFailure(code: .badMessage, message: error.description)))]
    case .success(let m):
      message = m
    }
    do {
      switch message {
      case .hello(let h): return hello(h, from: peer, now: now)
      case .askForWork(let r): return try askForWork(r, from: peer, now: now)
      case .progress(let p): return try progress(p, from: peer, now: now)
      case .result(let r) where EvaluationRole(keyNumber: r.key.trial) != nil:
        evaluationResult(r)
        return []
      case .result(let r): return try result(r, now: now)
      case .checkpoint(let c): return try checkpoint(c, from: peer, now: now)
      case .shardRequest(let r): return shard(r, to: peer)
      case .heartbeat(let h): return heartbeat(h, from: peer, now: now)
      case .goodbye(let g): return try goodbye(g, now: now)
      case .log(let l): return log(l)
      case .gangJoin(let j): return gangJoin(j, from: peer, now: now)
      case .submit(let s): return [Outgoing(peer: peer, message: .submitted(try submit(s, now: now)))]
      case .statusRequest(let r): return [Outgoing(peer: peer, message: .status(try status(r, now: now)))]
      case .cancel(let c): return [Outgoing(peer: peer, message: .submitted(try cancel(c, now: now)))]
      case .logRequest(let r): return [Outgoing(peer: peer, message: .logReply(try logReply(r)))]
      case .welcome, .assignment, .noWork, .decision, .shard, .checkpointReceipt, .submitted, .status, .logReply,
        .gangStart, .gangCancel:
        return [Outgoing(peer: peer, message: .error(WireFailure(code: .unexpected, message: "\(message.type.name) is sent by a coordinator, not to it")))]
      case .error(let e):
        logger.warning("peer reported an error", metadata: ["peer": "\(peer)", "code": "\(e.code)", "message": "\(e.message)"])
        return []
      }
    } catch {
      logger.error("could not handle \(message.type.name)", metadata: ["error": "\(error)"])
      return [Outgoing(peer: peer, message: .error(WireFailure(code: .internal, message: "\(error)")))]
    }
  }

  /// Expires leases whose deadline has passed: their trials go back to the
  /// queue, or fail once they have used every attempt.
  public func tick(now: CoordinatorTime) throws {
    try advancePreparations(now: now)
    expireEvaluations(now: now)
    try advanceReleases(now: now)
    for name in order {
      guard let e = experiments[name] else { continue }
      let expired = e.leases.filter { $0.value.deadline < now.monotonic }.sorted { $0.key < $1.key }
      guard !expired.isEmpty else { continue }
      var changes: [StoreChange] = []
      for (number, lease) in expired {
        let id = TrialID(experiment: name, number: number)
        let storeLease = Lease(worker: lease.worker, attempt: lease.attempt)
        e.leases[number] = nil
        if lease.attempt >= configuration.maxAttempts {
          let reason = "lost worker \(lease.worker) (no heartbeat for \(configuration.leaseDuration)) on attempt \(lease.attempt) of \(configuration.maxAttempts)"
          changes.append(.failTrial(id, lease: storeLease, reason: reason))
          e.trials[number].state = .failed
          logger.warning("trial failed", metadata: ["trial": "\(name)#\(number)", "reason": "\(reason)"])
        } else {
          changes.append(requeue(e, number, lease: storeLease, reason: "lease of \(lease.worker) expired"))
          e.queue.append(number)
          logger.warning("lease expired; trial requeued", metadata: ["trial": "\(name)#\(number)", "worker": "\(lease.worker)"])
        }
      }
      record(changes, at: now.wall)
      experiments[name] = e
      try finishIfDone(name, now: now)
    }
    dropAbandonedUploads(now: now)
    try flush()
    try evictSettled(now: now)
  }

  /// Queues store changes; they are committed by the next ``flush()``.
  /// The in-memory state is updated by the caller at once, so decisions in the
  /// same batch see them.
  func record(_ changes: [StoreChange], at now: Date) {
    pending += changes
    pendingTime = max(pendingTime, now)
  }

  func record(_ change: StoreChange, at now: Date) { record([change], at: now) }

  /// Commits every queued change in one transaction (one fsync for a whole
  /// batch of messages). Replies that depend on them must be sent only after
  /// this returns: that is what makes a state change durable before it is
  /// acknowledged.
  /// - Throws: store failures; the coordinator must then stop (a restart resumes from the store).
  public func flush() throws {
    guard !pending.isEmpty else { return }
    let changes = pending
    pending = []
    for case .stale(let s) in try store.apply(changes, at: pendingTime) {
      logger.info("stale change ignored", metadata: ["change": "\(s)"])
    }
  }

  /// Whether no trial is running anywhere (a draining coordinator may stop).
  public var isIdle: Bool { experiments.values.allSatisfy { $0.leases.isEmpty } }

  /// Whether there is at least one experiment and every experiment has ended,
  /// its release stage included.
  public var allFinished: Bool {
    !(experiments.isEmpty && ended.isEmpty) && experiments.values.allSatisfy { $0.state.isFinished && !awaitsRelease($0) }
  }

  // MARK: Workers

  /// A worker slot starts (a slot says hello once, when it starts): any lease
  /// its id still holds belongs to an earlier process of it that died (killed,
  /// restarted by `hpo run`), so those trials go back to the queue now rather
  /// than when their lease runs out.
  private func hello(_ h: WorkerHello, from peer: PeerID, now: CoordinatorTime) -> [Outgoing] {
    workers[h.workerID] = WorkerInfo(peer: peer, lastSeen: now)
    parked.removeAll { $0.workerID == h.workerID }
    requeueLeases(of: h.workerID, reason: "worker \(h.workerID) restarted", now: now)
    expireEvaluations(now: now, worker: h.workerID, reason: "worker \(h.workerID) restarted")
    logger.info("worker joined", metadata: ["worker.id": "\(h.workerID)", "worker.host": "\(h.host)", "worker.version": "\(h.hpoVersion)"])
    return [Outgoing(peer: peer, message: .welcome(Welcome(
      coordinatorID: configuration.coordinatorID, heartbeatMilliseconds: configuration.heartbeatInterval.milliseconds,
      leaseMilliseconds: configuration.leaseDuration.milliseconds)))]
  }

  private func heartbeat(_ h: Heartbeat, from peer: PeerID, now: CoordinatorTime) -> [Outgoing] {
    workers[h.workerID] = WorkerInfo(peer: peer, lastSeen: now)
    for key in h.running {
      renew(key, worker: h.workerID, now: now)
      updateEvaluation(key, worker: h.workerID) { $0.lease?.deadline = now.monotonic + configuration.leaseDuration }
    }
    renewAhead(of: h.workerID, now: now)
    return []
  }

  /// Extends every other lease `worker` holds: a trial leased ahead waits in
  /// the slot (which may not have read it yet) until the running one ends, and
  /// the slot's heartbeat proves it alive.
  private func renewAhead(of worker: String, now: CoordinatorTime) {
    for name in order {
      guard let e = experiments[name], e.leases.values.contains(where: { $0.worker == worker }) else { continue }
      for (number, lease) in e.leases where lease.worker == worker {
        e.leases[number]?.deadline = max(lease.deadline, now.monotonic + configuration.leaseDuration)
      }
    }
  }

  /// Extends the lease of `key` when `worker` still holds that attempt.
  func renew(_ key: TrialKey, worker: String, now: CoordinatorTime) {
    guard let e = experiments[key.experiment], var lease = e.leases[key.trial],
      lease.attempt == key.attempt, lease.worker == worker
    else { return }
    lease.deadline = now.monotonic + configuration.leaseDuration
    e.leases[key.trial] = lease
    experiments[key.experiment] = e
  }

  /// Puts every trial `worker` holds back at the head of its queue (a new attempt when leased again).
  private func requeueLeases(of worker: String, reason: String, now: CoordinatorTime) {
    for name in order {
      guard let e = experiments[name] else { continue }
      for (number, lease) in e.leases.sorted(by: { $0.key > $1.key }) where lease.worker == worker {
        record(requeue(e, number, lease: Lease(worker: lease.worker, attempt: lease.attempt), reason: reason), at: now.wall)
        e.leases[number] = nil
        e.queue.insert(number, at: 0)
        logger.warning("trial requeued", metadata: ["trial": "\(name)#\(number)", "reason": "\(reason)"])
      }
    }
  }

  private func goodbye(_ g: Goodbye, now: CoordinatorTime) throws -> [Outgoing] {
    logger.info("worker left", metadata: ["worker.id": "\(g.workerID)", "reason": "\(g.reason)"])
    workers[g.workerID] = nil
    commandWorkers[g.workerID] = nil
    workerShards[g.workerID] = nil
    parked.removeAll { $0.workerID == g.workerID }
    for key in g.handedBack {
      if updateEvaluation(key, worker: g.workerID, { $0.lease = nil }) { continue }
      guard let e = experiments[key.experiment], let lease = e.leases[key.trial], lease.attempt == key.attempt else { continue }
      record(requeue(e, key.trial, lease: Lease(worker: lease.worker, attempt: lease.attempt),
                     reason: "handed back by \(g.workerID): \(g.reason)"), at: now.wall)
      e.leases[key.trial] = nil
      e.queue.insert(key.trial, at: 0)
      experiments[key.experiment] = e
    }
    return []
  }
}
