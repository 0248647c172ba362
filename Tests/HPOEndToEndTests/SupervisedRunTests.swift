import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `hpo run` as the process manager of its coordinator and workers: a killed
/// worker is restarted and the run still finishes exactly; workers that keep
/// dying end it with exit 3 and the reason; a killed `hpo run` takes its
/// children with it; a locked store is waited for, with a notice, or named.
@Suite(.serialized) struct SupervisedRunTests {
  /// The pid of `hpo run`'s worker `k`, if it runs.
  static func workerPID(_ k: Int, of run: LiveProcess) throws -> Int32? {
    let r = try HPOProcess.tool(["pgrep", "-f", "--", "worker .*--id local-\(k) .*--parent-pid \(run.process.processIdentifier)$"])
    return r.standardOutput.split(separator: "\n").first.flatMap { Int32($0) }
  }

  static func waitForWorker(_ k: Int, of run: LiveProcess, replacing old: Int32?, timeout: Double = 30) throws -> Int32? {
    let deadline = ContinuousClock.now + .seconds(timeout)
    while ContinuousClock.now < deadline {
      if let pid = try workerPID(k, of: run), pid != old { return pid }
      Thread.sleep(forTimeInterval: 0.05)
    }
    return nil
  }

  /// The trials of `experiment` in the store at `store`, read offline (JSON lines).
  static func trials(_ experiment: String, store: URL) throws -> [[String: Any]] {
    let r = try HPOProcess.run(["trials", experiment, "--store", store.path, "--format", "json"])
    guard r.exitCode == 0 else { return [] }
    return try r.standardOutput.split(separator: "\n").map { line in
      try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
    }
  }

  @Test func aKilledWorkerIsRestartedAndTheRunFinishesWithItsExactBudget() throws {
    let dir = try HPOProcess.temporaryDirectory()
    let path = dir.appendingPathComponent("churn.json").path
    let store = dir.appendingPathComponent("out/churn/store.sqlite")
    try sleepExperiment("churn", trials: 6, parallel: 2, seconds: 1.5).write(toFile: path, atomically: true, encoding: .utf8)
    let run = try LiveProcess(["run", path, "--workers", "2"], in: dir)
    defer { run.stop() }
    // Kill worker 0 while the store says it runs a trial (read offline, through the WAL).
    let deadline = ContinuousClock.now + .seconds(60)
    var running = false
    while !running, ContinuousClock.now < deadline {
      running = try Self.trials("churn", store: store).contains {
        ($0["worker"] as? String) == "local-0-0" && ($0["state"] as? String) == "running"
      }
      if !running { Thread.sleep(forTimeInterval: 0.05) }
    }
    #expect(running, "\(run.standardError)")
    let victim = try #require(try Self.workerPID(0, of: run))
    kill(victim, SIGKILL)
    #expect(run.waitForExit(timeout: 120) == 0, "\(run.standardError)")
    #expect(run.standardError.contains("hpo run: worker 0 (pid \(victim)) exited: signal 9 (SIGKILL)"), "\(run.standardError)")
    #expect(run.standardError.contains("hpo run: worker 0 restarted (pid "), "\(run.standardError)")
    #expect(run.standardError.contains("churn  6/6 done"), "\(run.standardError)")
    // The store, read after the run: every number once, all complete, the killed trial run again.
    let trials = try Self.trials("churn", store: store)
    #expect(DistributedTests.numbers(trials) == Array(0..<6), "no trial lost, none duplicated")
    #expect(DistributedTests.states(trials).allSatisfy { $0 == "complete" })
    #expect(trials.contains { ($0["attempts"] as? Int ?? 0) >= 2 }, "the killed worker's trial ran again: \(trials)")
  }

  @Test func workersThatKeepDyingEndTheRunWithExit3AndTheReason() throws {
    let dir = try HPOProcess.temporaryDirectory()
    let path = dir.appendingPathComponent("doomed.json").path
    try sleepExperiment("doomed", trials: 50, parallel: 1, seconds: 5).write(toFile: path, atomically: true, encoding: .utf8)
    let run = try LiveProcess(["run", path, "--workers", "1"], in: dir)
    defer { run.stop() }
    var pid = try Self.waitForWorker(0, of: run, replacing: nil)
    var kills = 0
    // The standard budget is 5 restarts a minute: the sixth exit gives up.
    while let victim = pid, kills < 6 {
      kill(victim, SIGKILL)
      kills += 1
      pid = try Self.waitForWorker(0, of: run, replacing: victim)
    }
    #expect(kills == 6, "\(run.standardError)")
    #expect(run.waitForExit(timeout: 30) == 3, "\(run.standardError)")
    #expect(run.standardError.contains(
      "worker 0 exited 6 times within 60 s (last: signal 9 (SIGKILL)); giving up; run again with --resume to continue"),
      "\(run.standardError)")
    #expect(try Self.workerPID(0, of: run) == nil, "no worker left behind")
  }

  @Test func aSecondCoordinatorOnALockedStoreNamesTheHolderAtOnceOrAfterItsBoundedWait() throws {
    let c = try TestCoordinator()
    defer { c.process.stop() }
    let holder = "pid \(c.process.process.processIdentifier) on \(ProcessInfo.processInfo.hostName)"
    let started = ContinuousClock.now
    let refused = try HPOProcess.run(["coordinator", "--bind", "tcp://127.0.0.1:*", "--store", c.store], timeout: 30)
    #expect(refused.exitCode == 3)
    #expect(refused.standardError.contains("is in use by another coordinator (\(holder), hpo "), "\(refused.standardError)")
    #expect(ContinuousClock.now - started < .seconds(10), "no silent wait without --lock-wait")

    let waiting = try HPOProcess.run(["coordinator", "--bind", "tcp://127.0.0.1:*", "--store", c.store, "--lock-wait", "1.5"], timeout: 30)
    #expect(waiting.exitCode == 3)
    #expect(waiting.standardError.contains("store \(c.store) is locked by \(holder), hpo "), "\(waiting.standardError)")
    #expect(waiting.standardError.contains("waiting up to 1.5 s for it"), "\(waiting.standardError)")
    #expect(waiting.standardError.contains("is in use by another coordinator (\(holder)"), "\(waiting.standardError)")
  }
}
