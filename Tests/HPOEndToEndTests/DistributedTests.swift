import Foundation
import HPOStore
import HPOWire
import HPOZeroMQ
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The coordinator, workers and clients as real processes over real sockets:
/// crashes, restarts, draining, reproducibility and bad peers.
@Suite(.serialized) struct DistributedTests {
  static func numbers(_ trials: [[String: Any]]) -> [Int] { trials.compactMap { $0["number"] as? Int }.sorted() }
  static func states(_ trials: [[String: Any]]) -> [String] { trials.compactMap { $0["state"] as? String } }

  @Test func run_functionExperimentEndToEnd() throws {
    let dir = try HPOProcess.temporaryDirectory()
    let path = dir.appendingPathComponent("fn.json").path
    try """
      {"name": "fn", "model": {"kind": "function", "function": "branin"},
       "space": {"x1": {"type": "float", "low": -5, "high": 10}, "x2": {"type": "float", "low": 0, "high": 15}},
       "objective": {"metric": "value"}, "search": {"strategy": "tpe", "trials": 20, "parallel": 2, "seed": 1},
       "output": {"dir": "out", "keep_top": 0}}
      """.write(toFile: path, atomically: true, encoding: .utf8)
    let r = try HPOProcess.run(["run", path, "--workers", "2"], in: dir, timeout: 120)
    #expect(r.exitCode == 0, "\(r.standardError)")
    #expect(r.standardOutput.hasPrefix("fn: finished\nbest: trial "))
    #expect(r.standardError.contains("fn  20/20 done"))
    #expect(!r.standardError.contains("warning"), "a clean run logs no warning (workers stopped at the end are not 'unanswered')")
    let again = try HPOProcess.run(["run", path, "--workers", "1"], in: dir, timeout: 120)
    #expect(again.exitCode == 2, "an existing experiment is refused without --resume")
    #expect(again.standardError.contains("use --resume to continue it"))
  }

  @Test func run_aWorkerIdleWhileAnotherRunsALongTrial_theRunStillSucceeds() throws {
    // One 7-second trial and two workers: the second one has nothing to do
    // for the whole run, which must not end the run.
    let dir = try HPOProcess.temporaryDirectory()
    let path = dir.appendingPathComponent("long.json").path
    try sleepExperiment("long", trials: 1, parallel: 1, seconds: 7).write(toFile: path, atomically: true, encoding: .utf8)
    let r = try HPOProcess.run(["run", path, "--workers", "2"], in: dir, timeout: 120)
    #expect(r.exitCode == 0, "\(r.standardError)")
    #expect(r.standardError.contains("long  1/1 done"), "\(r.standardError)")
  }

  @Test func run_killedWithSIGKILL_itsProcessesExitAndResumeFinishes() throws {
    let dir = try HPOProcess.temporaryDirectory()
    let path = dir.appendingPathComponent("orphan.json").path
    try sleepExperiment("orphan", trials: 6, parallel: 2, seconds: 1).write(toFile: path, atomically: true, encoding: .utf8)
    let run = try LiveProcess(["run", path, "--workers", "2"], in: dir)
    // Some trials done, not all (trials finish in pairs: the count may skip 1).
    #expect(run.waitFor(timeout: 60) { _, err in (1...4).contains { err.contains("orphan  \($0)/6 done") } }, "\(run.standardError)")
    run.signal(SIGKILL)
    #expect(run.waitForExit(timeout: 10) != nil)
    // The coordinator and workers it started read the end of their lifeline and stop at once
    // (not after a drain, not after a lease); none keeps the store locked.
    func leftovers() throws -> String {
      try HPOProcess.tool(["pgrep", "-f", "--", "--parent-pid \(run.process.processIdentifier)"]).standardOutput
    }
    let deadline = Date().addingTimeInterval(3)
    while try !leftovers().isEmpty, Date() < deadline { Thread.sleep(forTimeInterval: 0.2) }
    #expect(try leftovers().isEmpty, "processes of the killed run are still alive")
    let resumed = try HPOProcess.run(["run", path, "--workers", "2", "--resume"], in: dir, timeout: 120)
    #expect(resumed.exitCode == 0, "\(resumed.standardError)")
    #expect(resumed.standardError.contains("orphan  6/6 done"), "\(resumed.standardError)")
    #expect(!resumed.standardError.contains("in use by another coordinator"), "\(resumed.standardError)")
  }

  @Test func killedWorker_itsTrialIsRerunAndTheCountStaysExact() throws {
    let c = try TestCoordinator(lease: 1)
    let exp = try c.experiment("k", sleepExperiment("k", trials: 6, parallel: 2, seconds: 0.8))
    #expect(try c.run(["submit", exp, "--detach"]).exitCode == 0)
    let victim = try c.worker("victim")
    // Wait until the victim holds a trial, then start the survivor (started together, a
    // survivor that joins first can lease every trial ahead and leave the victim none).
    #expect(try c.waitForTrials("k", timeout: 30) { ts in ts.contains { ($0["worker"] as? String) == "victim-0" && ($0["state"] as? String) == "running" } })
    let survivor = try c.worker("survivor")
    // Kill the victim mid-trial.
    victim.signal(SIGKILL)
    #expect(try c.waitForTrials("k", timeout: 60) { Self.states($0).count == 6 && Self.states($0).allSatisfy { $0 == "complete" } })
    let trials = try c.trials("k")
    #expect(Self.numbers(trials) == Array(0..<6), "no trial lost, none duplicated")
    #expect(trials.contains { ($0["attempts"] as? Int ?? 0) >= 2 }, "the killed worker's trial ran again")
    survivor.stop()
  }

  @Test func killedCoordinator_restartContinuesAndLosesNothing() throws {
    let c = try TestCoordinator(lease: 2)
    let exp = try c.experiment("r", sleepExperiment("r", trials: 8, parallel: 1, seconds: 0.3))
    #expect(try c.run(["submit", exp, "--detach"]).exitCode == 0)
    let worker = try c.worker("w")
    #expect(try c.waitForTrials("r", timeout: 30) { Self.states($0).filter { $0 == "complete" }.count >= 2 })
    let before = try c.trials("r").filter { ($0["state"] as? String) == "complete" }
    c.process.signal(SIGKILL)
    _ = c.process.waitForExit(timeout: 5)
    try c.restart()
    #expect(try c.waitForTrials("r", timeout: 60) { Self.states($0).count == 8 && Self.states($0).allSatisfy { $0 == "complete" } })
    let after = try c.trials("r")
    for t in before {
      let same = after.first { ($0["number"] as? Int) == (t["number"] as? Int) }
      #expect((same?["value"] as? Double) == (t["value"] as? Double), "finished trials survive the crash")
    }
    #expect(Self.numbers(after) == Array(0..<8))
    worker.stop()
  }

  @Test func sigterm_drainsRunningTrialsThenExits() throws {
    let c = try TestCoordinator(lease: 5)
    let exp = try c.experiment("d", sleepExperiment("d", trials: 4, parallel: 1, seconds: 1.5))
    #expect(try c.run(["submit", exp, "--detach"]).exitCode == 0)
    let worker = try c.worker("w")
    #expect(try c.waitForTrials("d", timeout: 30) { Self.states($0).contains("running") })
    c.process.signal(SIGTERM)
    #expect(c.process.waitForExit(timeout: 30) == 0)
    #expect(c.process.standardError.contains("draining: no new trials"))
    #expect(c.process.standardError.contains("drained; stopping"))
    worker.stop()
    let store = try ExperimentStore.open(path: c.store)
    defer { try? store.close() }
    let states = try store.trials(of: "d").map(\.state)
    #expect(states.first == .complete, "the running trial finished during the drain")
    #expect(!states.contains(.running))
  }

  @Test func sigtermOnAWorker_handsItsTrialBackAtTheNextEpoch() throws {
    let c = try TestCoordinator(lease: 30)
    let exp = try c.experiment("h", sleepExperiment("h", trials: 1, parallel: 1, seconds: 3, epochs: 10))
    #expect(try c.run(["submit", exp, "--detach"]).exitCode == 0)
    let first = try c.worker("first")
    #expect(try c.waitForTrials("h", timeout: 30) { ts in ts.contains { ($0["state"] as? String) == "running" } })
    first.signal(SIGTERM)
    #expect(first.waitForExit(timeout: 10) != nil, "the worker stops at its next epoch, not at the end of the trial")
    #expect(first.standardError.contains("trial handed back"))
    // Handed back, not lost: another worker takes it at once (the lease is 30 s).
    let second = try c.worker("second")
    #expect(try c.waitForTrials("h", timeout: 20) { ts in ts.first.map { ($0["state"] as? String) == "complete" && ($0["worker"] as? String) == "second-0" } ?? false })
    second.stop()
  }

  @Test func reproducibleMode_sameTrialTableWithOneAndFourWorkers() throws {
    func table(workers: Int) throws -> [String] {
      let dir = try HPOProcess.temporaryDirectory()
      let path = dir.appendingPathComponent("rep.json").path
      try """
        {"name": "rep", "model": {"kind": "function", "function": "branin"},
         "space": {"x1": {"type": "float", "low": -5, "high": 10}, "x2": {"type": "float", "low": 0, "high": 15}},
         "objective": {"metric": "value"},
         "search": {"strategy": "tpe", "trials": 24, "parallel": 4, "seed": 9, "reproducible": true, "tpe": {"startup_trials": 5}},
         "output": {"dir": "out", "keep_top": 0}}
        """.write(toFile: path, atomically: true, encoding: .utf8)
      let r = try HPOProcess.run(["run", path, "--workers", String(workers)], in: dir, timeout: 120)
      #expect(r.exitCode == 0, "\(r.standardError)")
      let store = try ExperimentStore.open(path: dir.appendingPathComponent("out/store.sqlite").path)
      defer { try? store.close() }
      return try store.trials(of: "rep").map { "\($0.number) \($0.configuration) \($0.value.map { "\($0)" } ?? "-")" }
    }
    let one = try table(workers: 1)
    let four = try table(workers: 4)
    #expect(one.count == 24)
    #expect(one == four)
  }

  @Test func reproducibleMode_samePruningDecisionsWithOneAndFourWorkers() throws {
    func table(workers: Int) throws -> [String] {
      let dir = try HPOProcess.temporaryDirectory()
      let path = dir.appendingPathComponent("asha.json").path
      try """
        {"name": "asha", "model": {"kind": "function", "function": "sleep", "epochs": 9},
         "space": {"seconds": {"type": "float", "low": 0.02, "high": 0.5}, "value": {"type": "float", "low": 0, "high": 10}},
         "objective": {"metric": "value"},
         "search": {"strategy": "tpe", "trials": 24, "parallel": 4, "seed": 3, "reproducible": true, "tpe": {"startup_trials": 6}},
         "early_stopping": {"scheduler": "asha", "min_epochs": 1, "reduction_factor": 3},
         "output": {"dir": "out", "keep_top": 0}}
        """.write(toFile: path, atomically: true, encoding: .utf8)
      let r = try HPOProcess.run(["run", path, "--workers", String(workers)], in: dir, timeout: 120)
      #expect(r.exitCode == 0, "\(r.standardError)")
      let store = try ExperimentStore.open(path: dir.appendingPathComponent("out/store.sqlite").path)
      defer { try? store.close() }
      return try store.storedTrials(of: "asha").map { t in
        "\(t.number) \(t.state.rawValue) \(t.epochs) \(t.record.configuration) \(t.reason ?? "")"
      }
    }
    let one = try table(workers: 1)
    let four = try table(workers: 4)
    #expect(one.count == 24)
    #expect(one.contains { $0.contains(" pruned ") }, "ASHA stopped some trials")
    #expect(one == four)
  }

  @Test func workerAndHpoTrain_giveTheSameMetricsForTheSameConfigurationAndSeed() throws {
    let dir = try HPOProcess.temporaryDirectory()
    try FileManager.default.copyItem(at: HPOProcess.repository.appendingPathComponent("Experiments/data/iris.csv"),
                                     to: dir.appendingPathComponent("iris.csv"))
    let path = dir.appendingPathComponent("iris.json").path
    try """
      {"name": "iris", "data": {"path": "iris.csv", "task": "classification", "split": {"validation": 0.25, "test": 0.25, "seed": 2}},
       "model": {"kind": "mlp", "epochs": 15},
       "space": {"learning_rate": {"type": "float", "low": 0.001, "high": 0.05, "log": true}, "hidden_units": {"type": "int", "low": 4, "high": 32}},
       "objective": {"metric": "log_loss"}, "search": {"strategy": "random", "trials": 3, "parallel": 2, "seed": 4},
       "output": {"dir": "out", "keep_top": 0}}
      """.write(toFile: path, atomically: true, encoding: .utf8)
    #expect(try HPOProcess.run(["run", path, "--workers", "2"], in: dir, timeout: 120).exitCode == 0)
    let store = try ExperimentStore.open(path: dir.appendingPathComponent("out/store.sqlite").path)
    let trials = try store.storedTrials(of: "iris")
    try store.close()
    #expect(trials.count == 3)
    for t in trials {
      let r = try HPOProcess.run(["train", path, "--params", "\(t.record.configuration)", "--seed", String(t.seed), "--format", "json"], in: dir)
      let json = try JSONSerialization.jsonObject(with: Data(r.standardOutput.utf8)) as? [String: Any]
      let validation = json?["validation"] as? [String: Double]
      // Same code path, same seed, one BLAS thread: equal up to the last printed digit.
      let trained = try #require(validation?["log_loss"]), stored = try #require(t.record.value)
      #expect(abs(trained - stored) <= 1e-12 * abs(stored), "trial \(t.number): \(trained) vs \(stored)")
    }
  }

  @Test func submit_toACoordinatorThatDoesNotAnswer_exitsThreeInBoundedTime() throws {
    let dir = try HPOProcess.temporaryDirectory()
    let started = Date()
    let r = try HPOProcess.run(["submit", HPOProcess.repository.appendingPathComponent("Experiments/branin-tpe.json").path,
                                "--coordinator", "tcp://127.0.0.1:9", "--timeout", "1"], in: dir)
    #expect(r.exitCode == 3)
    #expect(r.standardError == "error: the coordinator at tcp://127.0.0.1:9 did not answer within 1 s; is `hpo coordinator` running there? (--coordinator sets the address)\n")
    #expect(Date().timeIntervalSince(started) < 15)
  }

  @Test func worker_withAWrongAddressLogsItsRetriesWithTheAddress() throws {
    let w = try LiveProcess(["worker", "--coordinator", "tcp://127.0.0.1:9", "--id", "lost"])
    #expect(w.waitFor(timeout: 20) { _, err in err.components(separatedBy: "no answer from the coordinator; retrying").count >= 3 })
    #expect(w.standardError.contains("coordinator=tcp://127.0.0.1:9"))
    w.signal(SIGTERM)
    #expect(w.waitForExit(timeout: 10) != nil)
  }

  @Test func submit_existingNameIsRefusedUnlessResumed() throws {
    let c = try TestCoordinator()
    let exp = try c.experiment("dup", sleepExperiment("dup", trials: 2, parallel: 1, seconds: 0))
    #expect(try c.run(["submit", exp, "--detach"]).exitCode == 0)
    let again = try c.run(["submit", exp, "--detach"])
    #expect(again.exitCode == 2)
    #expect(again.standardError == "error: an experiment named dup exists in this coordinator's store (queued, 0 of 2 trials finished); use --resume to continue it, or choose another name\n")
    #expect(try c.run(["submit", exp, "--detach", "--resume"]).exitCode == 0)
  }

  @Test func malformedMessages_areRefusedAndTheCoordinatorKeepsServing() throws {
    let c = try TestCoordinator()
    let context = try ZeroMQContext()
    defer { context.close() }
    let socket = try ZeroMQSocket(.dealer, context: context, connect: [c.endpoint])
    defer { socket.close() }
    try socket.setReceiveTimeout(.seconds(5))
    let garbage: [[[UInt8]]] = [
      [[1, 2, 3]], [Array("HPO".utf8) + [9, 1], Array("{}".utf8)], [Array("HPO".utf8) + [WireCodec.version, 250], Array("{}".utf8)],
      [Array("HPO".utf8) + [WireCodec.version, 2], Array("{\"worker_id\": 5}".utf8)],
    ]
    for frames in garbage {
      try socket.send(ZeroMQMessage(frames))
      let reply = try socket.receive()
      guard case .error(let e) = try WireCodec.decode(reply.frames) else {
        Issue.record("expected an error reply")
        continue
      }
      #expect(e.code == .badMessage)
    }
    #expect(try c.run(["status"]).exitCode == 0, "still serving")
  }
}
