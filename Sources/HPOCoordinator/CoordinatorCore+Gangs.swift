import HPOCore
import HPOStore
import HPOWire

/// Gang trials (`resources.workers_per_trial` N > 1): one trial on one slot
/// of each of N distinct worker processes.
///
/// **Policy: one gang forms at a time, and it goes first.** An ask that would
/// lease a gang trial makes its slot rank 0 of a forming gang (only when N
/// worker processes are connected, so a gang that can never form holds no
/// slot). While it forms, every ask from a slot of a worker not yet in it
/// joins it, before any other trial is considered: a stream of small trials
/// cannot starve it. Slots it cannot use (of workers already in it) run
/// other trials meanwhile (the backfill). Members that do not join within
/// ``CoordinatorConfiguration/gangFormationTimeout`` cancel it: the trial goes
/// back to the queue (not a failed attempt) and the slots are free again. As
/// only one gang holds slots while incomplete, gangs never deadlock each other.
extension CoordinatorCore {
  /// The gang collective deadline members are given: the lease duration (the
  /// heartbeat timeout), so a member that stalls is given up as soon as a
  /// lost worker would be.
  var gangDeadline: Duration { configuration.leaseDuration }

  /// Worker processes heard from within a lease duration (a worker of K
  /// slots counts once): a worker killed without a goodbye stops counting.
  func connectedProcesses(now: CoordinatorTime) -> Set<String> {
    Set(workers.filter { now.duration(since: $0.value.lastSeen) <= configuration.leaseDuration }.keys.map(GangFormation.process(of:)))
  }

  /// Whether `e`'s next trial may start forming a gang now.
  func mayFormGang(_ e: ExperimentRuntime, ahead: Bool, now: CoordinatorTime) -> Bool {
    e.spec.workersPerTrial == 1
      || (!ahead && forming == nil && connectedProcesses(now: now).count >= e.spec.workersPerTrial)
  }

  /// The forming gang's assignment for `worker` when it can take the slot
  /// (its worker process is not in the gang yet); the slot joins as the next rank.
  func gangAssignment(for worker: String, peer: PeerID, runsCommands: Bool, ahead: Bool) -> TrialAssignment? {
    guard !ahead, var g = forming, g.members.count < g.size else { return nil }
    if let rank = g.members.firstIndex(where: { $0.workerID == worker }) {
      // An ask repeated (its answer lost): the same rank again.
      g.members[rank].peer = peer
      forming = g
      return g.assignment(rank: rank)
    }
    let process = GangFormation.process(of: worker)
    guard !g.members.contains(where: { $0.process == process }) else { return nil }
    g.members.append(GangFormation.Member(workerID: worker, process: process, peer: peer))
    forming = g
    logger.info("gang member", metadata: ["trial": "\(g.key)", "rank": "\(g.members.count - 1)", "worker.id": "\(worker)"])
    return g.assignment(rank: g.members.count - 1)
  }

  /// Makes `assignment` (just leased to `worker`) rank 0 of a new forming gang.
  func formGang(_ assignment: TrialAssignment, size: Int, worker: String, peer: PeerID, now: CoordinatorTime) -> TrialAssignment {
    let g = GangFormation(
      key: assignment.key, size: size, assignment: assignment,
      members: [GangFormation.Member(workerID: worker, process: GangFormation.process(of: worker), peer: peer)],
      deadline: now.monotonic + configuration.gangFormationTimeout)
    forming = g
    logger.info("gang forming", metadata: ["trial": "\(g.key)", "size": "\(size)", "worker.id": "\(worker)"])
    return g.assignment(rank: 0)
  }

  /// A member bound its peer socket. Once all have, each is sent the gang's
  /// addresses and the trial starts; a join for a gang no longer forming is
  /// answered with a cancel.
  func gangJoin(_ j: GangJoin, from peer: PeerID, now: CoordinatorTime) -> [Outgoing] {
    guard var g = forming, g.key == j.key, g.members.indices.contains(j.rank), g.members[j.rank].workerID == j.workerID else {
      return [Outgoing(peer: peer, message: .gangCancel(GangCancel(key: j.key, reason: "the gang of \(j.key) is no longer forming")))]
    }
    g.members[j.rank].address = j.address
    g.members[j.rank].publicKey = j.publicKey
    g.members[j.rank].peer = peer
    forming = g
    guard g.isComplete else { return [] }
    forming = nil
    runningGangs[g.key] = g.members.map { GangMember(workerID: $0.workerID, address: $0.address ?? "") }
    let keys = g.members.compactMap(\.publicKey)
    let start = GangStart(
      key: g.key, addresses: g.members.compactMap(\.address), publicKeys: keys.count == g.size ? keys : nil,
      deadlineMilliseconds: gangDeadline.milliseconds)
    logger.info("gang started", metadata: [
      "trial": "\(g.key)", "members": "\(g.members.map(\.workerID).joined(separator: ","))",
    ])
    return g.members.map { Outgoing(peer: $0.peer, message: .gangStart(start)) }
  }

  /// Gives up the forming gang when its deadline passed, rank 0's lease is
  /// gone (expired, handed back, the experiment ended), a member left, or a
  /// member sent nothing (no heartbeat) for a lease duration: its members
  /// are told, and the trial goes back to the queue.
  func expireGangFormation(now: CoordinatorTime) -> [Outgoing] {
    if !runningGangs.isEmpty { runningGangs = runningGangs.filter { isLeased($0.key) } }
    guard let g = forming else { return [] }
    let lease = experiments[g.key.experiment]?.leases[g.key.trial]
    let reason: String
    if lease?.attempt != g.key.attempt || lease?.worker != g.members[0].workerID {
      reason = "the trial's lease ended while its gang formed"
    } else if let gone = g.members.first(where: { workers[$0.workerID] == nil }) {
      reason = "member \(gone.workerID) left while the gang formed"
    } else if let silent = g.members.first(where: { member in
      workers[member.workerID].map { now.duration(since: $0.lastSeen) > configuration.leaseDuration } ?? false
    }) {
      // A member's slot heartbeats while it waits for the start: silence is a stopped or cut-off worker.
      reason = "member \(silent.workerID) sent nothing for \(configuration.leaseDuration) while the gang formed"
    } else if now.monotonic >= g.deadline {
      reason = "\(g.size - g.members.filter { $0.address != nil }.count) of \(g.size) members did not join within \(configuration.gangFormationTimeout)"
    } else {
      return []
    }
    return cancelForming(reason: reason, now: now)
  }

  /// Cancels the forming gang: the trial back at the head of its queue
  /// (its lease, if still held, released without counting a failure).
  func cancelForming(reason: String, now: CoordinatorTime) -> [Outgoing] {
    guard let g = forming else { return [] }
    forming = nil
    if let e = experiments[g.key.experiment], let lease = e.leases[g.key.trial], lease.attempt == g.key.attempt {
      record(requeue(e, g.key.trial, lease: Lease(worker: lease.worker, attempt: lease.attempt), reason: "gang not formed: \(reason)"), at: now.wall)
      e.leases[g.key.trial] = nil
      e.queue.insert(g.key.trial, at: 0)
    }
    logger.warning("gang cancelled", metadata: ["trial": "\(g.key)", "reason": "\(reason)"])
    return g.members.map { Outgoing(peer: $0.peer, message: .gangCancel(GangCancel(key: g.key, reason: reason))) }
  }

  /// Whether attempt `key` still holds its trial's lease.
  func isLeased(_ key: TrialKey) -> Bool {
    experiments[key.experiment]?.leases[key.trial]?.attempt == key.attempt
  }

  /// `e`'s gang trials running now, by trial number; `nil` when it has none.
  func runningGangs(of e: ExperimentRuntime) -> [Int: [GangMember]]? {
    let mine = runningGangs.filter { $0.key.experiment == e.name && isLeased($0.key) }
    return mine.isEmpty ? nil : Dictionary(uniqueKeysWithValues: mine.map { ($0.key.trial, $0.value) })
  }

  /// Why `e`'s trials wait, when it is for workers to form a gang.
  func gangWaiting(_ e: ExperimentRuntime, now: CoordinatorTime) -> String? {
    let n = e.spec.workersPerTrial
    guard n > 1, e.state == .queued || e.state == .running, e.leases.isEmpty else { return nil }
    let have = connectedProcesses(now: now).count
    guard have < n else { return nil }
    return "waiting for \(n) workers to train a trial together (resources.workers_per_trial); have \(have)"
  }
}
