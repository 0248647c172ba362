import Foundation
import HPOCore
import HPOStore
import HPOWire
import Testing

@testable import HPOCoordinator

/// Gang trials (`resources.workers_per_trial`): formed from one slot of each
/// of N distinct worker processes, all-or-nothing, one gang forming at a
/// time and going first; started once every member joined; cancelled (the
/// trial requeued, not failed) when one does not join in time.
@Suite struct GangFormationTests {
  typealias T = CoordinatorCoreTests

  static func gangSpec(_ name: String = "gang", workers: Int = 2, trials: Int = 4) -> ExperimentSpec {
    var spec = T.spec(name, trials: trials, parallel: 2)
    spec.resources = ResourcesSpec(workersPerTrial: workers)
    return spec
  }

  /// Sends `m` from `peer` and commits; the replies with their peers.
  func send(_ core: CoordinatorCore, _ m: WireMessage, from peer: UInt8, at now: CoordinatorTime = T.t0) -> [CoordinatorCore.Outgoing] {
    let replies = core.handle(Incoming(peer: PeerID([peer]), message: .success(m)), now: now)
    #expect(throws: Never.self) { try core.flush() }
    return replies
  }

  func hello(_ core: CoordinatorCore, _ slots: [(String, UInt8)]) {
    for (slot, peer) in slots { _ = send(core, .hello(WorkerHello(workerID: slot, slots: 1, host: "h")), from: peer) }
  }

  func ask(_ core: CoordinatorCore, _ slot: String, peer: UInt8, at now: CoordinatorTime = T.t0) -> TrialAssignment? {
    guard case .assignment(let a)? = send(core, .askForWork(WorkRequest(workerID: slot)), from: peer, at: now).first?.message else { return nil }
    return a
  }

  func join(_ core: CoordinatorCore, _ a: TrialAssignment, _ slot: String, peer: UInt8) -> [CoordinatorCore.Outgoing] {
    send(core, .gangJoin(GangJoin(key: a.key, workerID: slot, rank: a.gang!.rank, address: "tcp://127.0.0.1:\(4000 + Int(peer))")), from: peer)
  }

  @Test func aGang_takesOneSlotOfEachWorker_andStartsOnceAllJoined() throws {
    let store = ExperimentStore.inMemory()
    let core = try T.core(store)
    hello(core, [("a-0", 1), ("a-1", 2), ("b-0", 3)])
    #expect(T().submit(core, Self.gangSpec())?.accepted == true)
    let rank0 = try #require(ask(core, "a-0", peer: 1))
    #expect(rank0.gang == GangRole(rank: 0, size: 2))
    #expect(ask(core, "a-1", peer: 2) == nil, "a second slot of worker a is not a second member, and no other gang forms meanwhile")
    let rank1 = try #require(ask(core, "b-0", peer: 3))
    #expect(rank1.key == rank0.key)
    #expect(rank1.gang == GangRole(rank: 1, size: 2))
    #expect(join(core, rank0, "a-0", peer: 1).isEmpty, "no start before every member joined")
    let started = join(core, rank1, "b-0", peer: 3)
    #expect(started.map(\.peer) == [PeerID([1]), PeerID([3])])
    for out in started {
      guard case .gangStart(let s) = out.message else { Issue.record("expected gangStart, got \(out.message)"); continue }
      #expect(s.addresses == ["tcp://127.0.0.1:4001", "tcp://127.0.0.1:4003"])
      #expect(s.deadlineMilliseconds == 10_000, "the lease duration")
    }
    // hpo status and hpo trials show the members by rank, while the trial runs.
    let members = [GangMember(workerID: "a-0", address: "tcp://127.0.0.1:4001"), GangMember(workerID: "b-0", address: "tcp://127.0.0.1:4003")]
    guard case .status(let running)? = send(core, .statusRequest(StatusRequest(experiment: "gang", includeTrials: true)), from: 9).first?.message else {
      Issue.record("no status"); return
    }
    #expect(running.experiments.first?.gangs == [rank0.key.trial: members])
    #expect(running.experiments.first?.trials?.first?.members == members)
    // Rank 0 holds the lease and reports the result: one trial, one attempt.
    _ = send(core, .result(TrialResult(key: rank0.key, status: .complete, metrics: ["value": 1], epochs: 0, seconds: 0.1)), from: 1)
    let trials = try store.storedTrials(of: "gang")
    #expect(trials.map(\.state) == [.complete])
    #expect(trials[0].attempts == 1)
    #expect(trials[0].worker == "a-0")
    guard case .status(let ended)? = send(core, .statusRequest(StatusRequest(experiment: "gang", includeTrials: true)), from: 9).first?.message else {
      Issue.record("no status"); return
    }
    #expect(ended.experiments.first?.gangs == nil, "no gang runs once its trial ended")
    #expect(ended.experiments.first?.trials?.first?.members == nil)
  }

  @Test func whileAGangForms_itGoesFirst_andSlotsItCannotUseRunOtherTrials() throws {
    let core = try T.core(ExperimentStore.inMemory())
    hello(core, [("a-0", 1), ("a-1", 2), ("b-0", 3), ("c-0", 4)])
    #expect(T().submit(core, Self.gangSpec(workers: 3))?.accepted == true)
    #expect(T().submit(core, T.spec("single", trials: 4, parallel: 4))?.accepted == true)
    let rank0 = try #require(ask(core, "a-0", peer: 1))
    #expect(rank0.gang?.size == 3)
    let backfill = try #require(ask(core, "a-1", peer: 2), "worker a is in the gang: its other slot runs a single trial")
    #expect(backfill.key.experiment == "single")
    #expect(backfill.gang == nil)
    #expect(ask(core, "b-0", peer: 3)?.gang == GangRole(rank: 1, size: 3), "the gang goes before the single experiment")
    #expect(ask(core, "c-0", peer: 4)?.gang == GangRole(rank: 2, size: 3))
  }

  @Test func aGangNotJoinedInTime_isCancelled_andItsTrialRequeuedNotFailed() throws {
    let store = ExperimentStore.inMemory()
    let core = try T.core(store)
    hello(core, [("a-0", 1), ("b-0", 2)])
    #expect(T().submit(core, Self.gangSpec())?.accepted == true)
    let rank0 = try #require(ask(core, "a-0", peer: 1))
    let rank1 = try #require(ask(core, "b-0", peer: 2))
    _ = join(core, rank0, "a-0", peer: 1)
    // b-0 never joins (its slot is stuck, heartbeating): after the formation timeout both are told, and the trial waits again.
    for second in stride(from: 5.0, through: 25, by: 5) {
      for (slot, peer) in [("a-0", UInt8(1)), ("b-0", 2)] {
        _ = send(core, .heartbeat(Heartbeat(workerID: slot, running: [rank0.key])), from: peer + 10, at: T.t0.addingTimeInterval(second))
      }
      let early = try core.serveParked(now: T.t0.addingTimeInterval(second))
      #expect(early.isEmpty, "still forming at \(second) s: \(early.map(\.message))")
    }
    let later = T.t0.addingTimeInterval(31)
    let cancels = try core.serveParked(now: later)
    try core.flush()
    #expect(cancels.map(\.peer) == [PeerID([1]), PeerID([2])])
    guard case .gangCancel(let c)? = cancels.first?.message else { Issue.record("expected gangCancel, got \(cancels)"); return }
    #expect(c.key == rank0.key)
    #expect(c.reason == "1 of 2 members did not join within 30.0 seconds")
    #expect(try store.storedTrials(of: "gang").map(\.state) == [.pending])
    // A late join is told the gang is gone; the next gang forms for the same trial, as a new attempt.
    guard case .gangCancel? = join(core, rank1, "b-0", peer: 2).first?.message else { Issue.record("a late join is cancelled"); return }
    let again = try #require(ask(core, "b-0", peer: 2, at: later))
    #expect(again.key.trial == rank0.key.trial)
    #expect(again.key.attempt == 2)
    #expect(again.gang?.rank == 0)
  }

  /// A member whose worker stopped (SIGSTOP, a cut network) sends no heartbeat: the gang is
  /// given up after a lease duration, not the whole formation timeout.
  @Test func aSilentMember_cancelsTheGangAfterALeaseDuration() throws {
    let core = try T.core(ExperimentStore.inMemory())  // leases of 10 s
    hello(core, [("a-0", 1), ("b-0", 2)])
    #expect(T().submit(core, Self.gangSpec())?.accepted == true)
    let rank0 = try #require(ask(core, "a-0", peer: 1))
    _ = try #require(ask(core, "b-0", peer: 2))
    _ = join(core, rank0, "a-0", peer: 1)
    for second in [5.0, 10, 11] {
      _ = send(core, .heartbeat(Heartbeat(workerID: "a-0", running: [rank0.key])), from: 11, at: T.t0.addingTimeInterval(second))
    }
    #expect(try core.serveParked(now: T.t0.addingTimeInterval(9)).isEmpty)
    let cancels = try core.serveParked(now: T.t0.addingTimeInterval(11))
    guard case .gangCancel(let c)? = cancels.first?.message else { Issue.record("expected gangCancel, got \(cancels)"); return }
    #expect(c.reason == "member b-0 sent nothing for 10.0 seconds while the gang formed")
  }

  /// A worker killed without a goodbye stops counting after a lease duration
  /// of silence: no gang forms that would wait for it, and the status says why.
  @Test func aWorkerSilentForALeaseDuration_doesNotCountForAGang() throws {
    let core = try T.core(ExperimentStore.inMemory())  // leases of 10 s
    hello(core, [("a-0", 1), ("b-0", 2)])
    #expect(T().submit(core, Self.gangSpec())?.accepted == true)
    // b's worker died at t0; a asks again 11 s later.
    let later = T.t0.addingTimeInterval(11)
    #expect(ask(core, "a-0", peer: 1, at: later) == nil, "no gang forms with a dead worker")
    guard case .status(let s)? = send(core, .statusRequest(StatusRequest(experiment: "gang")), from: 9, at: later).first?.message else {
      Issue.record("no status"); return
    }
    #expect(s.experiments.first?.waiting == "waiting for 2 workers to train a trial together (resources.workers_per_trial); have 1")
  }

  @Test func status_saysAGangWaitsForWorkers_whenTooFewAreConnected() throws {
    let core = try T.core(ExperimentStore.inMemory())
    hello(core, [("a-0", 1), ("a-1", 2)])
    #expect(T().submit(core, Self.gangSpec(workers: 3))?.accepted == true)
    #expect(ask(core, "a-0", peer: 1) == nil, "no slot is held for a gang that cannot form")
    guard case .status(let s)? = send(core, .statusRequest(StatusRequest(experiment: "gang")), from: 9).first?.message else {
      Issue.record("no status"); return
    }
    #expect(s.experiments.first?.waiting == "waiting for 3 workers to train a trial together (resources.workers_per_trial); have 1")
  }

  /// Training shard i goes to rank i mod N; the validation shard (every
  /// member evaluates its rows of it), the preprocessing and any other shard
  /// to every member.
  @Test func eachMembersShare_isItsTrainingShards_andEveryOtherShard() throws {
    let core = try T.core(ExperimentStore.inMemory())
    hello(core, [("a-0", 1), ("b-0", 2)])
    #expect(T().submit(core, Self.gangSpec())?.accepted == true)
    var a = try #require(ask(core, "a-0", peer: 1))
    func ref(_ name: String, _ role: ShardRole) -> ShardReference {
      ShardReference(sha256: String(repeating: name, count: 64), bytes: 1, role: role)
    }
    a.shards = [ref("a", .train), ref("b", .train), ref("c", .validation), ref("d", .train), ref("e", .preprocessing), ref("f", .train), ref("0", .train)]
    let hashes = { (rank: Int) in GangFormation.share(of: a, rank: rank, size: 2).shards.map { String($0.sha256.prefix(1)) } }
    #expect(hashes(0) == ["a", "c", "d", "e", "0"])
    #expect(hashes(1) == ["b", "c", "e", "f"])
    #expect(GangFormation.share(of: a, rank: 1, size: 2).gang == GangRole(rank: 1, size: 2))
  }
}

