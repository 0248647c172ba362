import Foundation
import HPOCore
import HPOSearch
import HPOStore
import HPOWire
import Testing

@testable import HPOCoordinator

/// A slot may ask for its next trial while it runs one (lease-ahead); the
/// coordinator grants it within the experiment's `parallel` limit only, and
/// never takes the last free place for it.
@Suite struct LeaseAheadTests {
  typealias T = CoordinatorCoreTests
  let t = CoordinatorCoreTests()

  func ask(_ core: CoordinatorCore, _ worker: String, running: TrialKey? = nil, peer: UInt8 = 1, at now: CoordinatorTime = T.t0) -> [WireMessage] {
    let m = WireMessage.askForWork(WorkRequest(workerID: worker, running: running))
    let replies = core.handle(Incoming(peer: PeerID([peer]), message: .success(m)), now: now)
    #expect(throws: Never.self) { try core.flush() }
    return replies.map(\.message)
  }

  func assignment(_ replies: [WireMessage]) -> TrialAssignment? {
    guard replies.count == 1, case .assignment(let a) = replies[0] else { return nil }
    return a
  }

  @Test func anAskAhead_getsTheNextTrialWithinTheParallelLimit() throws {
    let store = ExperimentStore.inMemory()
    let core = try T.core(store)
    #expect(t.submit(core, T.spec(trials: 6, parallel: 3))?.accepted == true)
    let first = try #require(assignment(ask(core, "w1")))
    let ahead = try #require(assignment(ask(core, "w1", running: first.key)), "capacity for a second lease")
    #expect(ahead.key.trial == 1)
    #expect(assignment(ask(core, "w1", running: first.key))?.key == ahead.key, "a repeated ask ahead gets the same trial")
    // The last place of parallel 3 is not for a lease ahead: that ask is refused at once, never held.
    let refused = ask(core, "w2", running: TrialKey(experiment: "fn", trial: 99, attempt: 1), peer: 2)
    #expect(refused.count == 1)
    if case .noWork(let n)? = refused.first { #expect(n.retryAfterMilliseconds == 0) } else { Issue.record("expected noWork, got \(refused)") }
    #expect(try core.serveParked(now: T.t0).isEmpty, "the refused ask ahead was not parked")
    // Both leases are the slot's; the store shows both running on w1.
    let running = try store.trials(of: "fn").filter { $0.state == .running }
    #expect(running.map(\.number) == [0, 1])
  }

  @Test func aPlainAsk_afterTheRunningTrialEnds_getsTheTrialLeasedAhead() throws {
    let core = try T.core(ExperimentStore.inMemory())
    _ = t.submit(core, T.spec(trials: 6, parallel: 3))
    let first = try #require(assignment(ask(core, "w1")))
    let ahead = try #require(assignment(ask(core, "w1", running: first.key)))
    t.finish(core, first, value: 1)
    // The answer to the ask ahead was lost: asking again yields the same trial, not a third.
    #expect(assignment(ask(core, "w1"))?.key == ahead.key)
  }

  @Test func aHeartbeat_keepsTheTrialLeasedAheadAlive() throws {
    let store = ExperimentStore.inMemory()
    let core = try T.core(store)  // leases of 10 s
    _ = t.submit(core, T.spec(trials: 6, parallel: 3))
    let first = try #require(assignment(ask(core, "w1")))
    let ahead = try #require(assignment(ask(core, "w1", running: first.key)))
    // The slot runs `first` for 25 s, heartbeating every 5 s with only the running trial listed.
    for s in stride(from: 5.0, through: 25, by: 5) {
      let now = T.t0.addingTimeInterval(s)
      _ = core.handle(Incoming(peer: PeerID([1]), message: .success(.heartbeat(Heartbeat(workerID: "w1", running: [first.key])))), now: now)
      try core.tick(now: now)
    }
    let trials = try store.storedTrials(of: "fn")
    #expect(trials[ahead.key.trial].state == .running, "not requeued while the slot is alive")
    #expect(trials[ahead.key.trial].attempts == 1)
    // Once the slot goes silent, both leases expire and both trials go back to the queue.
    try core.tick(now: T.t0.addingTimeInterval(40))
    let after = try store.storedTrials(of: "fn")
    #expect(after[first.key.trial].state == .pending)
    #expect(after[ahead.key.trial].state == .pending)
  }

  /// parallel 2 and a worker whose slot asked first: its ask ahead would
  /// take the last place and leave the worker that joins a moment later
  /// idle for the whole run (each of its trials leased ahead to the first);
  /// it is refused, and the idle slot gets the trial.
  @Test func anAskAhead_neverTakesTheLastPlace_soALaterIdleSlotIsNotStarved() throws {
    let core = try T.core(ExperimentStore.inMemory())
    _ = t.submit(core, T.spec(trials: 6, parallel: 2))
    let first = try #require(assignment(ask(core, "w1")))
    let refused = ask(core, "w1", running: first.key)
    if case .noWork? = refused.first {} else { Issue.record("expected noWork for the ask ahead, got \(refused)") }
    let second = try #require(assignment(ask(core, "w2", peer: 2)), "the idle slot that joined later gets a trial")
    #expect(second.key.trial == 1)
  }
}
