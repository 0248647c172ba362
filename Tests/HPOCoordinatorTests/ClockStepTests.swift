import Foundation
import HPOCore
import HPOStore
import HPOWire
import Testing
@testable import HPOCoordinator

/// Leases are measured on the monotonic clock: a step of the wall clock (NTP,
/// an operator, a resumed VM) neither expires nor extends one (issue 15, finding 7).
/// Before, lease deadlines were `Date`s and both cases went wrong.
@Suite struct ClockStepTests {
  typealias T = CoordinatorCoreTests
  let t = CoordinatorCoreTests()

  /// Wall clock `step` seconds off, monotonic clock `elapsed` seconds on from t0.
  static func at(elapsed: Double, step: Double) -> CoordinatorTime {
    CoordinatorTime(wall: T.t0.wall.addingTimeInterval(elapsed + step), monotonic: T.t0.monotonic + .milliseconds(Int64(elapsed * 1000)))
  }

  @Test func wallClockJumpingAnHourAhead_doesNotExpireALease() throws {
    let store = ExperimentStore.inMemory()
    let core = try T.core(store)
    _ = t.submit(core, T.spec(trials: 1, parallel: 1))
    _ = try #require(t.ask(core, "w1"))
    try core.tick(now: Self.at(elapsed: 1, step: 3600))  // lease 10 s; 1 s has passed
    #expect(try store.trials(of: "fn").first?.state == .running)
    #expect(t.ask(core, "w2", at: Self.at(elapsed: 1, step: 3600)) == nil, "nothing was requeued")
  }

  @Test func wallClockJumpingBack_doesNotExtendALease() throws {
    let store = ExperimentStore.inMemory()
    let core = try T.core(store)
    _ = t.submit(core, T.spec(trials: 1, parallel: 1))
    let first = try #require(t.ask(core, "w1"))
    try core.tick(now: Self.at(elapsed: 11, step: -3600))  // 11 s without a heartbeat, wall clock an hour back
    let second = try #require(t.ask(core, "w2", at: Self.at(elapsed: 11, step: -3600)))
    #expect(second.key.trial == first.key.trial)
    #expect(second.key.attempt == 2)
  }

  @Test func theStoreRecordsWallClockTimes() throws {
    let store = ExperimentStore.inMemory()
    let core = try T.core(store)
    _ = t.submit(core, T.spec(trials: 1, parallel: 1))
    let a = try #require(t.ask(core, "w1"))
    t.finish(core, a, value: 1, at: Self.at(elapsed: 2, step: 100))
    let stored = try #require(try store.storedTrials(of: "fn").first)
    #expect(stored.finishedAt == T.t0.wall.addingTimeInterval(102))
  }
}

/// A worker slot that says hello again is a new process of it (the old one
/// died): the trial its id held is requeued at once, not after the lease runs
/// out (issue 15, finding 1: `hpo run` restarts a killed worker under its id).
@Suite struct WorkerRestartTests {
  typealias T = CoordinatorCoreTests
  let t = CoordinatorCoreTests()

  @Test func helloFromAWorkerHoldingALease_requeuesItsTrialAtOnce() throws {
    let store = ExperimentStore.inMemory()
    let core = try T.core(store)
    _ = t.submit(core, T.spec(trials: 2, parallel: 2))
    let held = try #require(t.ask(core, "w1"))
    let other = try #require(t.ask(core, "w2"))
    _ = t.send(core, .hello(WorkerHello(workerID: "w1", slots: 1, host: "h")), at: T.t0.addingTimeInterval(1))
    let stored = try #require(try store.storedTrials(of: "fn").first { $0.number == held.key.trial })
    #expect(stored.state == .pending)
    #expect(try store.storedTrials(of: "fn").first { $0.number == other.key.trial }?.state == .running, "w2 keeps its trial")
    let again = try #require(t.ask(core, "w1", at: T.t0.addingTimeInterval(1)))
    #expect(again.key.trial == held.key.trial)
    #expect(again.key.attempt == 2)
    #expect(again.configuration == held.configuration)
  }
}
