import Foundation
import HPOCore
import HPOWire
import HPOWorker
import Testing

func isResult(_ m: WireMessage) -> Bool { if case .result = m { true } else { false } }
func isAsk(_ m: WireMessage) -> Bool { if case .askForWork = m { true } else { false } }

/// A worker slot driven message by message by an in-memory coordinator:
/// what it sends for an assignment, decisions, stale replies, failures,
/// lease-ahead, heartbeats and stopping.
@Suite struct SlotLoopTests {
  @Test func aSlot_greetsAsksRunsAndReportsProgressThenTheResult() throws {
    let a = assignment(0, epochs: 3)  // sphere at (1, 2): 5
    let c = FakeCoordinator(asks: [[.assignment(a)]])
    let w = RunningWorker(c, runner: FunctionRunner())
    // Until it asks again after the result.
    #expect(c.waitUntil { m in m.firstIndex(where: isResult).map { m[$0...].contains(where: isAsk) } ?? false })
    #expect(w.shutDown())
    #expect(w.thrown == nil)

    let slotMessages = c.messages.filter { if case .heartbeat = $0 { false } else { true } }
    guard case .hello(let hello)? = slotMessages.first else {
      Issue.record("the slot's first message is not hello: \(slotMessages.prefix(1))")
      return
    }
    #expect(hello.workerID == "w-0")
    // Each epoch is reported, decreasing towards the final value.
    #expect(c.progress.map(\.epoch) == [1, 2, 3])
    #expect(c.progress.map { $0.metrics["value"] } == [9, 7, 5])
    #expect(c.progress.allSatisfy { $0.key == a.key })
    #expect(c.results.count == 1)
    let r = try #require(c.results.first)
    #expect(r.key == a.key)
    #expect(r.status == .complete)
    #expect(r.metrics == ["value": 5])
    #expect(r.epochs == 3)
    #expect(r.error == nil)
    // Then it asks for the next trial (awaited above): one ask before the result.
    let resultAt = try #require(slotMessages.firstIndex(where: isResult))
    #expect(slotMessages[..<resultAt].filter(isAsk).count == 1)
  }

  @Test func aStopDecision_endsTheTrialAsStopped() throws {
    let a = assignment(0, epochs: 5)
    let c = FakeCoordinator(asks: [[.assignment(a)]], decide: { $0.epoch >= 2 ? .stop : .continue })
    let w = RunningWorker(c, runner: FunctionRunner())
    #expect(c.waitUntil { $0.contains(where: isResult) })
    #expect(w.shutDown())
    #expect(c.progress.map(\.epoch) == [1, 2], "no epoch runs after the stop")
    let r = try #require(c.results.first)
    #expect(c.results.count == 1)
    #expect(r.status == .stopped)
    #expect(r.epochs == 2)
    let atEpoch2: Double = 5 + 6.0 * 3 / 5  // sphere at (1, 2) is 5; epoch e of 5 reports 5 + 6·(5 − e)/5
    #expect(r.metrics == ["value": atEpoch2], "the value at the epoch it stopped")
    #expect(!r.hasCheckpoint)
  }

  @Test func aSecondAssignmentOfTheSameTrial_isDroppedNotRunAgain() throws {
    // Asks sent while the coordinator was unreachable are all answered when
    // it comes back: the slot receives the same assignment twice.
    let a = assignment(0), b = assignment(1)
    let runner = ScriptedRunner()
    let c = FakeCoordinator(asks: [[.assignment(a), .assignment(a)], [.assignment(b)]])
    let w = RunningWorker(c, runner: runner)
    #expect(c.waitUntil { $0.results.contains { $0.key == b.key } })
    #expect(w.shutDown())
    #expect(runner.log.keys == [a.key, b.key], "trial 0 ran once")
    #expect(c.results.map(\.key) == [a.key, b.key])
  }

  @Test func aNewAttemptOfATrial_isRun() throws {
    // The coordinator re-leased trial 0 (attempt 2): a different assignment, not a stale reply.
    let first = assignment(0, attempt: 1), second = assignment(0, attempt: 2)
    let runner = ScriptedRunner()
    let c = FakeCoordinator(asks: [[.assignment(first)], [.assignment(second)]])
    let w = RunningWorker(c, runner: runner)
    #expect(c.waitUntil { $0.results.count >= 2 })
    #expect(w.shutDown())
    #expect(runner.log.keys == [first.key, second.key])
    #expect(c.results.map(\.key) == [first.key, second.key])
  }

  @Test func aRunnerThatThrows_givesAFailedResultWithItsErrorAndTheSlotGoesOn() throws {
    let a = assignment(0), b = assignment(1)
    let message = "training diverged at epoch 3 (learning rate 0.5)"
    let c = FakeCoordinator(asks: [[.assignment(a)], [.assignment(b)]])
    let w = RunningWorker(c, runner: ScriptedRunner(failures: [0: message]))
    #expect(c.waitUntil { $0.results.count >= 2 })
    #expect(w.shutDown())
    #expect(w.thrown == nil, "a failed trial does not stop the worker")
    let results = c.results
    try #require(results.count == 2)
    #expect(results[0].key == a.key)
    #expect(results[0].status == .failed)
    #expect(results[0].error == message)
    #expect(results[0].metrics.isEmpty)
    #expect(results[0].epochs == 0)
    #expect(results[1].key == b.key)
    #expect(results[1].status == .complete)
    #expect(results[1].metrics == ["value": 1])
  }

  @Test func aRunningTrial_isKeptAliveByHeartbeats() throws {
    let a = assignment(0)
    let c = FakeCoordinator(asks: [[.assignment(a)]])
    // The trial runs until the coordinator has seen a heartbeat for it, or
    // 10 s pass (then the expectation below fails).
    let runner = ScriptedRunner(onStart: { started in
      _ = c.waitUntil { $0.heartbeats.contains { $0.running == [started.key] } }
    })
    let w = RunningWorker(c, runner: runner)
    #expect(c.waitUntil { $0.contains(where: isResult) })
    #expect(w.shutDown())
    #expect(c.heartbeats.contains { $0.workerID == "w-0" && $0.running == [a.key] })
  }

  @Test func leaseAhead_theNextTrialIsAskedForWhileOneRunsAndStartsWithoutAnotherAsk() throws {
    let a = assignment(0), b = assignment(1)
    let runner = ScriptedRunner()
    let c = FakeCoordinator(asks: [[.assignment(a)], [.assignment(b)]])
    let w = RunningWorker(c, runner: runner, leaseAhead: true)
    #expect(c.waitUntil { $0.results.count >= 2 })
    #expect(w.shutDown())
    let asks = c.asksReceived
    try #require(asks.count >= 2)
    #expect(asks[0].running == nil)
    #expect(asks[1].running == a.key, "asked ahead while trial 0 ran")
    #expect(runner.log.keys == [a.key, b.key])
    #expect(c.results.map(\.key) == [a.key, b.key])
    // Between the two results the slot made no plain ask: trial 1 was already leased.
    let m = c.messages
    let firstResult = try #require(m.firstIndex(where: isResult))
    let secondResult = try #require(m.lastIndex(where: isResult))
    #expect(!Array(m[firstResult..<secondResult]).asks.contains { $0.running == nil })
  }

  // MARK: Stopping

  @Test func stopWhileIdle_returnsAndSaysGoodbye() throws {
    let c = FakeCoordinator()
    let w = RunningWorker(c, runner: ScriptedRunner())
    #expect(c.waitUntil { $0.asks.count >= 2 }, "no work: the slot keeps asking")
    #expect(w.shutDown(timeout: .seconds(5)))
    #expect(w.thrown == nil)
    let goodbyes = c.goodbyes
    #expect(goodbyes.count == 1)
    #expect(goodbyes.first?.workerID == "w-0")
    #expect(goodbyes.first?.reason == "test over")
    #expect(goodbyes.first?.handedBack == [])
    #expect(c.results.isEmpty)
  }

  @Test func stopDuringATrial_handsItBackAtTheNextEpoch() throws {
    let stop = StopSignal()
    let a = assignment(0, epochs: 10)
    // SIGTERM arrives while epoch 2 is being reported.
    let c = FakeCoordinator(asks: [[.assignment(a)]], decide: { p in
      if p.epoch == 2 { stop.raise("SIGTERM") }
      return .continue
    })
    let w = RunningWorker(c, runner: FunctionRunner(), stop: stop)
    #expect(w.waitForExit(), "the worker stops by itself once its trial is handed back")
    #expect(c.progress.map(\.epoch) == [1, 2], "the trial stops at the epoch boundary")
    #expect(c.results.isEmpty, "a handed-back trial has no result: it is run again elsewhere")
    #expect(c.goodbyes.flatMap(\.handedBack) == [a.key])
    #expect(c.goodbyes.allSatisfy { $0.reason == "SIGTERM" })
  }

  @Test func stopDuringATrial_alsoHandsBackTheTrialLeasedAhead() throws {
    let stop = StopSignal()
    let a = assignment(0), b = assignment(1)
    let runner = ScriptedRunner(epochs: 10)
    let c = FakeCoordinator(asks: [[.assignment(a)], [.assignment(b)]], decide: { _ in
      stop.raise("SIGTERM")
      return .continue
    })
    let w = RunningWorker(c, runner: runner, stop: stop, leaseAhead: true)
    #expect(w.waitForExit())
    #expect(c.asksReceived.map(\.running) == [nil, a.key], "trial 1 was leased ahead")
    #expect(runner.log.keys == [a.key], "the trial leased ahead never started")
    #expect(c.results.isEmpty)
    #expect(c.goodbyes.flatMap(\.handedBack) == [a.key, b.key])
  }

  @Test func stopDuringATrialWithoutEpochs_finishesItAndReportsTheResult() throws {
    let stop = StopSignal()
    let a = assignment(0)
    let runner = ScriptedRunner(onStart: { _ in stop.raise("SIGTERM") })
    let c = FakeCoordinator(asks: [[.assignment(a)]])
    let w = RunningWorker(c, runner: runner, stop: stop)
    #expect(w.waitForExit())
    #expect(c.results.map(\.key) == [a.key])
    #expect(c.results.first?.status == .complete)
    #expect(c.goodbyes.flatMap(\.handedBack) == [], "nothing to hand back")
    #expect(c.asksReceived.count == 1, "no new trial after the stop")
  }

  @Test func idleExit_endsTheWorkerWhenTheCoordinatorHasNoWork() throws {
    let c = FakeCoordinator()
    let w = RunningWorker(c, runner: ScriptedRunner(), idleExit: .milliseconds(200))
    #expect(w.waitForExit(timeout: .seconds(10)))
    #expect(!w.stop.isRaised, "it stopped by itself")
    #expect(c.goodbyes.map(\.reason) == ["idle"])
  }
}
