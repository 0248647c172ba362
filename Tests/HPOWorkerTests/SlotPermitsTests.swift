import Foundation
import HPOCore
import Synchronization
import Testing
@testable import HPOWorker

/// A worker's slots as permits for trials that hold several.
@Suite struct SlotPermitsTests {
  /// Two trials of 2 slots on a worker of 2 run one after the other; a trial
  /// of 2 is not overtaken by a trial of 1 that asked after it.
  @Test func trialsHoldTheirSlots_firstComeFirstServed() throws {
    let permits = SlotPermits(2)
    let order = Mutex<[String]>([])
    try permits.acquire(1, stop: StopSignal())  // a running one-slot trial
    let wide = Thread {
      // The acquire can only fail when stopped, which this test never does.
      try? permits.acquire(2, stop: StopSignal())
      order.withLock { $0.append("wide") }
      permits.release(2)
    }
    wide.start()
    Thread.sleep(forTimeInterval: 0.2)  // the wide trial waits first
    let narrow = Thread {
      // As above: never stopped.
      try? permits.acquire(1, stop: StopSignal())
      order.withLock { $0.append("narrow") }
      permits.release(1)
    }
    narrow.start()
    Thread.sleep(forTimeInterval: 0.3)
    #expect(order.withLock { $0 }.isEmpty, "one slot is free, but the wide trial's turn comes first and it needs two")
    permits.release(1)
    let deadline = Date().addingTimeInterval(5)
    while order.withLock({ $0.count }) < 2, Date() < deadline { Thread.sleep(forTimeInterval: 0.01) }
    #expect(order.withLock { $0 } == ["wide", "narrow"])
  }

  @Test func aStoppedWorker_stopsWaiting_andTheNextInLineGetsItsTurn() throws {
    let permits = SlotPermits(1)
    try permits.acquire(1, stop: StopSignal())
    let stop = StopSignal()
    let stopped = Mutex<TrialRunError?>(nil)
    let waiter = Thread {
      do { try permits.acquire(1, stop: stop) } catch let error as TrialRunError { stopped.withLock { $0 = error } } catch {}
    }
    waiter.start()
    Thread.sleep(forTimeInterval: 0.1)
    stop.raise("SIGTERM")
    let deadline = Date().addingTimeInterval(5)
    while stopped.withLock({ $0 }) == nil, Date() < deadline { Thread.sleep(forTimeInterval: 0.01) }
    #expect(stopped.withLock { $0?.kind } == .interrupted)
    permits.release(1)
    try permits.acquire(1, stop: StopSignal())  // not blocked by the abandoned turn
  }
}
