import Foundation
import HPOCore
import HPOSearch
import HPOStore
import HPOWire
import Testing

@testable import HPOCoordinator

/// Idle workers' asks are held and answered the moment a trial can be run,
/// instead of being told to come back later.
@Suite struct ParkedAskTests {
  typealias T = CoordinatorCoreTests
  let t = CoordinatorCoreTests()

  func park(_ core: CoordinatorCore, _ worker: String, peer: UInt8, at now: CoordinatorTime = T.t0) -> [WireMessage] {
    let replies = core.handle(Incoming(peer: PeerID([peer]), message: .success(.askForWork(WorkRequest(workerID: worker)))), now: now)
    #expect(throws: Never.self) { try core.flush() }
    return replies.map(\.message)
  }

  @Test func anAskWithNothingToRun_isHeldThenAnsweredBySubmission() throws {
    let core = try T.core(ExperimentStore.inMemory())
    #expect(park(core, "w1", peer: 1).isEmpty, "no experiment yet: the ask waits")
    #expect(park(core, "w2", peer: 2).isEmpty)
    #expect(try core.serveParked(now: T.t0).isEmpty, "still nothing to run")
    #expect(t.submit(core, T.spec(parallel: 1))?.accepted == true)
    let served = try core.serveParked(now: T.t0.addingTimeInterval(0.01))
    try core.flush()
    // parallel 1: the oldest ask gets the trial; the other keeps waiting.
    #expect(served.count == 1)
    #expect(served.first?.peer == PeerID([1]))
    guard case .assignment(let a)? = served.first?.message else {
      Issue.record("expected an assignment, got \(served)")
      return
    }
    #expect(a.key.trial == 0)
    // The trial's result frees the slot: the second worker's ask is answered.
    t.finish(core, a, value: 1)
    let next = try core.serveParked(now: T.t0.addingTimeInterval(0.02))
    #expect(next.count == 1)
    #expect(next.first?.peer == PeerID([2]))
    if case .assignment(let b)? = next.first?.message { #expect(b.key.trial == 1) } else { Issue.record("expected an assignment, got \(next)") }
  }

  @Test func aHeldAsk_expiresWithAskAgainAtOnce() throws {
    let core = try T.core(ExperimentStore.inMemory())
    #expect(park(core, "w1", peer: 1).isEmpty)
    #expect(try core.serveParked(now: T.t0.addingTimeInterval(0.5)).isEmpty, "within the park timeout (1 s)")
    let expired = try core.serveParked(now: T.t0.addingTimeInterval(1.0)).map(\.message)
    #expect(expired.count == 1)
    if case .noWork(let n)? = expired.first { #expect(n.retryAfterMilliseconds == 0) } else { Issue.record("expected noWork, got \(expired)") }
    #expect(try core.serveParked(now: T.t0.addingTimeInterval(2)).isEmpty, "answered once only")
  }

  @Test func draining_answersEveryHeldAskWithNoWork() throws {
    let core = try T.core(ExperimentStore.inMemory())
    #expect(park(core, "w1", peer: 1).isEmpty)
    #expect(park(core, "w2", peer: 2).isEmpty)
    core.draining = true
    let replies = try core.serveParked(now: T.t0)
    #expect(replies.count == 2)
    #expect(replies.allSatisfy { if case .noWork = $0.message { true } else { false } })
    #expect(park(core, "w3", peer: 3).count == 1, "a draining coordinator answers at once")
  }

  @Test func aWorkerThatLeaves_isNoLongerServed() throws {
    let core = try T.core(ExperimentStore.inMemory())
    #expect(park(core, "w1", peer: 1).isEmpty)
    _ = core.handle(Incoming(peer: PeerID([1]), message: .success(.goodbye(Goodbye(workerID: "w1", reason: "test")))), now: T.t0)
    #expect(t.submit(core, T.spec())?.accepted == true)
    #expect(try core.serveParked(now: T.t0).isEmpty)
  }
}
