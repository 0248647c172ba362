import Foundation
import HPOCore
import HPOStore
import HPOWire
import Testing
@testable import HPOCoordinator

/// How the coordinator treats the trials of a `command` experiment (the
/// user's own training program): who may run them, and what their infeasible,
/// retried and failed endings do to the trial and the experiment.
@Suite struct CommandTrialTests {
  let t = CoordinatorCoreTests()

  static func spec(_ name: String = "cmd", trials: Int = 6, parallel: Int = 1) -> ExperimentSpec {
    var spec = CoordinatorCoreTests.spec(name, trials: trials, parallel: parallel)
    spec.model = ModelSpec(kind: .command, command: CommandSpec(train: ["python3", "train.py"], workdir: "/tmp/hpo-core-tests/code"))
    return spec
  }

  func ask(_ core: CoordinatorCore, _ worker: String, runsCommands: Bool) -> WireMessage? {
    t.send(core, .askForWork(WorkRequest(workerID: worker, runsCommands: runsCommands))).first
  }

  func end(_ core: CoordinatorCore, _ a: TrialAssignment, _ status: TrialResult.Status, error: String? = nil, output: String? = nil) {
    _ = t.send(core, .result(TrialResult(key: a.key, status: status, metrics: [:], epochs: 0, seconds: 0.1, error: error, output: output)))
  }

  func leased(_ core: CoordinatorCore, _ worker: String = "w1") throws -> TrialAssignment {
    guard case .assignment(let a)? = ask(core, worker, runsCommands: true) else {
      throw CommandTrialTestFailure("no assignment for \(worker)")
    }
    return a
  }

  @Test func commandTrials_goOnlyToWorkersThatRunCommands_othersStillGetBuiltInWork() throws {
    let core = try CoordinatorCoreTests.core(ExperimentStore.inMemory(), now: CoordinatorCoreTests.t0)
    #expect(t.submit(core, Self.spec())?.accepted == true)
    #expect(ask(core, "plain", runsCommands: false) == nil, "parked: a plain worker never gets a command trial")
    guard case .status(let waiting)? = t.send(core, .statusRequest(StatusRequest(experiment: "cmd"))).first else { return }
    #expect(waiting.experiments.first?.waiting
      == "waiting for a worker started with --allow-commands (none of the 1 connected workers runs commands)")
    #expect(try core.serveParked(now: CoordinatorCoreTests.t0).isEmpty)
    let a = try leased(core, "trusted")
    guard case .status(let running)? = t.send(core, .statusRequest(StatusRequest(experiment: "cmd"))).first else { return }
    #expect(running.experiments.first?.waiting == nil)
    #expect(a.model.kind == .command && a.model.command?.train == ["python3", "train.py"])
    #expect(t.submit(core, CoordinatorCoreTests.spec("fn", trials: 1, parallel: 1))?.accepted == true)
    // The parked plain worker is served the built-in experiment's trial.
    let served = try core.serveParked(now: CoordinatorCoreTests.t0)
    guard case .assignment(let b)? = served.first?.message else {
      Issue.record("the parked plain worker got no trial of the function experiment: \(served)")
      return
    }
    #expect(b.key.experiment == "fn")
  }

  /// A trial that holds K slots goes only to a worker with at least K; the
  /// status says what the experiment waits for meanwhile.
  @Test func slotsPerTrial_onlyWorkersWithEnoughSlotsGetTheTrials() throws {
    let core = try CoordinatorCoreTests.core(ExperimentStore.inMemory())
    var spec = Self.spec(trials: 2)
    spec.resources = ResourcesSpec(slotsPerTrial: 4)
    _ = t.submit(core, spec)
    #expect(t.send(core, .askForWork(WorkRequest(workerID: "small", runsCommands: true, workerSlots: 2))).first == nil)
    guard case .status(let status)? = t.send(core, .statusRequest(StatusRequest(experiment: "cmd"))).first else { return }
    #expect(status.experiments.first?.waiting
      == "waiting for a worker with at least 4 slots (resources.slots_per_trial) started with --allow-commands; the largest connected one has 2")
    guard case .assignment(let a)? = t.send(core, .askForWork(WorkRequest(workerID: "big", runsCommands: true, workerSlots: 4))).first else {
      Issue.record("the 4-slot worker got no trial")
      return
    }
    #expect(a.slots == 4)
  }

  @Test func infeasibleTrial_isRecordedWithItsReason_andIsNotAFailure() throws {
    let store = ExperimentStore.inMemory()
    let core = try CoordinatorCoreTests.core(store)
    _ = t.submit(core, Self.spec(trials: 2))
    let a = try leased(core)
    end(core, a, .infeasible, error: "max_depth 40 > 8 features")
    let stored = try store.storedTrials(of: "cmd")
    #expect(stored[0].state == .infeasible && stored[0].reason == "max_depth 40 > 8 features")
    #expect(core.experiments["cmd"]?.trials[0].state == .infeasible)
    let b = try leased(core)
    #expect(b.key.trial == 1, "the search goes on")
    t.finish(core, b, value: 3)
    #expect(try store.experiment(named: "cmd")?.state == .finished)
  }

  @Test func retriedTrial_isRequeuedAsANewAttempt_untilTheRetryBudgetIsSpent() throws {
    let store = ExperimentStore.inMemory()
    let core = try CoordinatorCoreTests.core(store)  // maxAttempts 2
    _ = t.submit(core, Self.spec(trials: 1))
    let first = try leased(core)
    end(core, first, .retry, error: "exit status 75", output: "GPU busy\n")
    #expect(try store.storedTrials(of: "cmd")[0].state == .pending)
    let second = try leased(core)
    #expect(second.key.trial == 0 && second.key.attempt == 2)
    end(core, second, .retry, error: "exit status 75", output: "GPU busy\n")
    let stored = try store.storedTrials(of: "cmd")[0]
    #expect(stored.state == .failed && stored.attempts == 2)
    #expect(stored.reason == "the command asked to be retried (exit 75) on attempt 2 of 2; no attempt is left")
    #expect(stored.outputTail == "GPU busy\n")
  }

  @Test func identicalFailuresInARow_stopTheExperimentAsBadInput_differentOnesDoNot() throws {
    let store = ExperimentStore.inMemory()
    let core = try CoordinatorCoreTests.core(store)
    _ = t.submit(core, Self.spec(trials: 20))
    // Different reasons, and a success between, reset the count.
    for reason in ["exit status 1", "exit status 2", "exit status 1", "exit status 1"] {
      end(core, try leased(core), .failed, error: reason)
    }
    t.finish(core, try leased(core), value: 1)
    for _ in 0..<(CoordinatorCore.identicalFailureLimit - 1) {
      end(core, try leased(core), .failed, error: "not found: python9", output: "")
    }
    #expect(try store.experiment(named: "cmd")?.state == .running)
    end(core, try leased(core), .failed, error: "not found: python9")
    let e = try #require(try store.experiment(named: "cmd"))
    #expect(e.state == .failed)
    #expect(e.failure == ExperimentFailure(
      cause: .repeatedFailure, message: "cmd stopped: 5 trials in a row failed the same way: not found: python9"))
    #expect(e.failure?.cause.isBadInput == true)
    #expect(ask(core, "w1", runsCommands: true) == nil, "no more trials")
  }

  /// A command that reports the wrong metric name completes without the
  /// objective: each trial fails the same way, and the experiment stops saying why.
  @Test func missingObjectiveEveryTime_stopsTheExperimentNamingTheMetric() throws {
    let store = ExperimentStore.inMemory()
    let core = try CoordinatorCoreTests.core(store)
    _ = t.submit(core, Self.spec(trials: 20))
    for _ in 0..<CoordinatorCore.identicalFailureLimit {
      let a = try leased(core)
      _ = t.send(core, .result(TrialResult(key: a.key, status: .complete, metrics: ["loss": 0.5], epochs: 3, seconds: 1)))
    }
    let e = try #require(try store.experiment(named: "cmd"))
    #expect(e.state == .failed)
    #expect(e.failure?.message == "cmd stopped: 5 trials in a row failed the same way: the objective value is missing after 3 epochs")
  }

  @Test func builtInExperiments_neverStopForRepeatedFailures() throws {
    let store = ExperimentStore.inMemory()
    let core = try CoordinatorCoreTests.core(store)
    _ = t.submit(core, CoordinatorCoreTests.spec("fn", trials: 8, parallel: 1))
    for _ in 0..<7 {
      let a = try #require(t.ask(core, "w1"))
      _ = t.send(core, .result(TrialResult(key: a.key, status: .failed, metrics: [:], epochs: 0, seconds: 0, error: "diverged")))
    }
    #expect(try store.experiment(named: "fn")?.state == .running)
  }

  @Test func output_isAppendedToTheTrialsLog_inOrder_cappedWithANote() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("hpo-log-\(UUID().uuidString)")
    defer {
      // Cleanup of a temporary folder: a leftover is harmless.
      try? FileManager.default.removeItem(at: dir)
    }
    var spec = Self.spec(trials: 2)
    spec.output.dir = dir.path
    let core = try CoordinatorCoreTests.core(ExperimentStore.inMemory())
    _ = t.submit(core, spec)
    let a = try leased(core)
    _ = t.send(core, .log(TrialLog(key: a.key, stream: .stdout, text: "epoch 1\n")))
    _ = t.send(core, .log(TrialLog(key: a.key, stream: .stderr, text: "warning: é\n", dropped: 0)))
    // A stale attempt's output is not written.
    _ = t.send(core, .log(TrialLog(key: TrialKey(experiment: "cmd", trial: 0, attempt: 9), stream: .stdout, text: "ghost\n")))
    let file = dir.appendingPathComponent("logs/trial-0.log")
    #expect(try String(contentsOf: file, encoding: .utf8) == "epoch 1\nwarning: é\n")
    let big = String(repeating: "x", count: 1 << 20)
    for _ in 0..<5 { _ = t.send(core, .log(TrialLog(key: a.key, stream: .stdout, text: big))) }
    let text = try String(contentsOf: file, encoding: .utf8)
    #expect(text.utf8.count < TrialLogWriter.capBytes + 200)
    #expect(text.hasSuffix("\n[hpo: log cut at 4 MiB; later output of this trial is not kept]\n"))

    // hpo logs reads it back in pieces of 256 KiB, from any offset; the trial still runs.
    var offset = 0, read = ""
    while true {
      guard case .logReply(let r)? = t.send(core, .logRequest(LogRequest(experiment: "cmd", trial: 0, offset: offset))).first else {
        Issue.record("no log reply")
        return
      }
      #expect(r.error == nil && r.text.utf8.count <= CoordinatorCore.logReplyBytes)
      read += r.text
      if r.next == offset {
        #expect(!r.finished, "the trial is running")
        break
      }
      offset = r.next
    }
    #expect(read == text)
    t.finish(core, a, value: 1)
    guard case .logReply(let last)? = t.send(core, .logRequest(LogRequest(experiment: "cmd", trial: 0, offset: offset))).first else { return }
    #expect(last.finished && last.text.isEmpty)
    guard case .logReply(let none)? = t.send(core, .logRequest(LogRequest(experiment: "cmd", trial: 7))).first else { return }
    #expect(none.error == "cmd has no trial 7 (it has 1)")
    guard case .logReply(let unknown)? = t.send(core, .logRequest(LogRequest(experiment: "nope", trial: 0))).first else { return }
    #expect(unknown.error == "no experiment named nope")
  }
}

struct CommandTrialTestFailure: Error, CustomStringConvertible {
  let description: String
  init(_ d: String) { description = d }
}
