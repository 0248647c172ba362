import Foundation
import Testing

/// Gang trials (`resources.workers_per_trial`) with real coordinator and
/// worker processes over real sockets: members find each other through the
/// coordinator and all-reduce directly; a member that dies or stalls makes
/// the others give up within the gang's deadline, and the trial runs again on
/// a new gang, the budget exact.
@Suite(.serialized) struct GangEndToEndTests {
  static func gangExperiment(_ name: String, trials: Int, epochs: Int, seconds: Double) -> String {
    """
    {"name": "\(name)", "model": {"kind": "function", "function": "sleep", "epochs": \(epochs)},
     "space": {"seconds": \(seconds), "gang_elements": 100003, "value": {"type": "float", "low": 0, "high": 1}},
     "objective": {"metric": "value"},
     "search": {"strategy": "random", "trials": \(trials), "parallel": 1, "seed": 5},
     "resources": {"workers_per_trial": 2}}
    """
  }

  static func finished(_ ts: [[String: Any]], _ count: Int) -> Bool {
    ts.count == count && ts.allSatisfy { ["complete", "failed", "pruned"].contains($0["state"] as? String ?? "") }
  }

  @Test func gangsOfTwo_andSingleTrials_shareThreeWorkers_andBothExperimentsFinish() throws {
    let c = try TestCoordinator(lease: 2)
    let gang = try c.experiment("gang", Self.gangExperiment("gang", trials: 4, epochs: 3, seconds: 0.3))
    let single = try c.experiment("single", """
      {"name": "single", "model": {"kind": "function", "function": "sleep"},
       "space": {"seconds": 0.05, "value": {"type": "float", "low": 0, "high": 1}},
       "objective": {"metric": "value"}, "search": {"strategy": "random", "trials": 8, "parallel": 3, "seed": 6}}
      """)
    #expect(try c.run(["submit", gang, "--detach"]).exitCode == 0)
    #expect(try c.run(["submit", single, "--detach"]).exitCode == 0)
    let workers = try (1...3).map { try c.worker("w\($0)") }
    #expect(try c.waitForTrials("gang", timeout: 90) { Self.finished($0, 4) })
    #expect(try c.waitForTrials("single", timeout: 90) { Self.finished($0, 8) })
    for t in try c.trials("gang") {
      #expect(t["state"] as? String == "complete", "\(t)")
      #expect(t["attempts"] as? Int == 1, "\(t)")
      #expect(t["epochs"] as? Int == 3, "\(t)")
      // Each epoch all-reduced 100,003 ones from each member: every element summed to the gang's size.
      #expect((t["metrics"] as? [String: Any])?["gang_members"] as? Double == 2, "\(t)")
    }
    #expect(try c.trials("single").allSatisfy { $0["state"] as? String == "complete" })
    for w in workers { w.stop() }
  }

  /// The member that is not rank 0 (rank 0 holds the lease) dies, or
  /// stalls for longer than the gang's deadline (the 2 s lease): rank 0's
  /// collective gives up naming it, the attempt ends as a retry, and the
  /// trial runs again on the third worker. Every trial completes, once.
  @Test(arguments: [SIGKILL, SIGSTOP])
  func aMemberThatDiesOrStalls_endsTheAttempt_andTheTrialRunsAgainOnANewGang(_ sig: Int32) throws {
    let c = try TestCoordinator(lease: 2)
    let exp = try c.experiment("gang", Self.gangExperiment("gang", trials: 2, epochs: 40, seconds: 8))
    #expect(try c.run(["submit", exp, "--detach"]).exitCode == 0)
    var workers = try ["a", "b"].map { try c.worker($0) }
    var rank0 = ""
    #expect(try c.waitForTrials("gang", timeout: 60) { ts in
      guard let t = ts.first, t["state"] as? String == "running", let done = t["epochs"] as? Int, done >= 2 else { return false }
      rank0 = t["worker"] as? String ?? ""
      return true
    })
    // hpo status and hpo trials name the members and where they listen.
    let status = try c.run(["status", "gang"]).standardOutput
    #expect(status.contains("trial 0 on a gang: rank 0 \(rank0) (tcp://127.0.0.1:"), "\(status)")
    let listed = try #require(try c.trials("gang").first?["members"] as? [[String: Any]])
    #expect(listed.count == 2 && listed[0]["worker_id"] as? String == rank0, "\(listed)")
    let victim = try #require(workers.first { !rank0.hasPrefix(Self.id($0, in: c)) })
    let spare = try c.worker("c")
    victim.signal(sig)
    #expect(try c.waitForTrials("gang", timeout: 120) { Self.finished($0, 2) })
    let trials = try c.trials("gang")
    #expect(trials.allSatisfy { $0["state"] as? String == "complete" }, "\(trials)")
    #expect(trials.first?["attempts"] as? Int == 2, "the interrupted trial ran again, once: \(trials)")
    #expect(trials.allSatisfy { ($0["metrics"] as? [String: Any])?["gang_members"] as? Double == 2 })
    let survivor = try #require(workers.first { rank0.hasPrefix(Self.id($0, in: c)) })
    #expect(survivor.standardError.contains("the gang broke"), "rank 0 says why its attempt ended:\n\(survivor.standardError)")
    #expect(survivor.standardError.contains("rank 1 (tcp://127.0.0.1:"), "and names the member and its address")
    if sig == SIGSTOP { victim.signal(SIGCONT) }
    workers.append(spare)
    for w in workers { w.stop() }
  }

  /// SIGTERM to rank 0's worker: it stops the gang at the next epoch and
  /// hands the trial back (not pruned, not failed); the trial runs again on
  /// a new gang and completes.
  @Test func rank0sWorkerStopped_handsTheTrialBack_andItRunsAgain() throws {
    let c = try TestCoordinator(lease: 2)
    let exp = try c.experiment("gang", Self.gangExperiment("gang", trials: 1, epochs: 40, seconds: 8))
    #expect(try c.run(["submit", exp, "--detach"]).exitCode == 0)
    var workers = try ["a", "b"].map { try c.worker($0) }
    var rank0 = ""
    #expect(try c.waitForTrials("gang", timeout: 60) { ts in
      guard let t = ts.first, t["state"] as? String == "running", let done = t["epochs"] as? Int, done >= 2 else { return false }
      rank0 = t["worker"] as? String ?? ""
      return true
    })
    let leader = try #require(workers.first { rank0.hasPrefix(Self.id($0, in: c)) })
    workers.append(try c.worker("c"))
    leader.signal(SIGTERM)
    #expect(leader.waitForExit(timeout: 30) == 0, "\(leader.standardError)")
    #expect(leader.standardError.contains("trial handed back"), "\(leader.standardError)")
    #expect(try c.waitForTrials("gang", timeout: 120) { Self.finished($0, 1) })
    let t = try #require(try c.trials("gang").first)
    #expect(t["state"] as? String == "complete", "\(t)")
    #expect(t["attempts"] as? Int == 2, "\(t)")
    for w in workers { w.stop() }
  }

  /// The `--id` a test worker was started with.
  static func id(_ worker: LiveProcess, in c: TestCoordinator) -> String {
    let arguments = worker.process.arguments ?? []
    guard let i = arguments.firstIndex(of: "--id") else { return "?" }
    return arguments[i + 1] + "-"
  }
}

/// Ridge and softmax (L-BFGS) trained by a gang of 3 (`hpo run --workers
/// 3`), each member holding a third of the training shards, equal the
/// single-worker run of the same search: every trial's validation metrics
/// within 1e-6 relative, and the winner released and packaged the same way.
@Suite struct GangModelEndToEndTests {
  static func experiment(_ name: String, kind: String, workers: Int) -> String {
    let (data, model, space, metric, gate) = kind == "ridge"
      ? (#""path": "diabetes.csv", "label": "target", "task": "regression""#, #"{"kind": "ridge"}"#,
         #"{"alpha": {"type": "float", "low": 1e-4, "high": 100, "log": true}}"#, "rmse", #"{"metric": "r2", "min": 0.3}"#)
      : (#""path": "iris.csv", "task": "classification""#, #"{"kind": "softmax", "epochs": 30, "precision": "float64"}"#,
         #"{"l2": {"type": "float", "low": 1e-6, "high": 0.1, "log": true}, "optimizer": "lbfgs"}"#, "log_loss",
         #"{"metric": "accuracy", "min": 0.8}"#)
    return """
      {"name": "\(name)", "data": {\(data), "split": {"validation": 0.2, "test": 0.2, "seed": 0}, "shards": 5},
       "model": \(model), "space": \(space), "objective": {"metric": "\(metric)"},
       "search": {"strategy": "random", "trials": 4, "parallel": 1, "seed": 3},
       "validation": {"gates": [\(gate)]},
       "output": {"dir": "out/\(name)", "keep_top": 1},
       "resources": {"workers_per_trial": \(workers)}}
      """
  }

  @Test(arguments: ["ridge", "softmax"])
  func aGangOfThree_trainsTheSameModelsAsOneWorker(_ kind: String) throws {
    let directory = try HPOProcess.temporaryDirectory()
    for file in ["diabetes.csv", "iris.csv"] {
      try FileManager.default.copyItem(
        at: HPOProcess.repository.appendingPathComponent("Experiments/data/\(file)"), to: directory.appendingPathComponent(file))
    }
    var metrics: [String: [[String: Double]]] = [:]
    for (name, workers) in [("single", 1), ("gang", 3)] {
      let path = directory.appendingPathComponent("\(name).json").path
      try Self.experiment(name, kind: kind, workers: workers).write(toFile: path, atomically: true, encoding: .utf8)
      let run = try HPOProcess.run(["run", path, "--workers", "3"], in: directory)
      #expect(run.exitCode == 0, "\(name): \(run.standardError)")
      #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent("out/\(name)/package/manifest.json").path))
      let trials = try HPOProcess.run(["trials", name, "--store", directory.appendingPathComponent("out/\(name)/store.sqlite").path, "--format", "json"], in: directory)
      metrics[name] = trials.standardOutput.split(separator: "\n").compactMap {
        (try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])?["metrics"] as? [String: Double]
      }
    }
    let single = try #require(metrics["single"]), gang = try #require(metrics["gang"])
    #expect(single.count == 4 && gang.count == 4)
    for (s, g) in zip(single, gang) {
      for name in kind == "ridge" ? ["rmse", "mae", "r2"] : ["log_loss", "accuracy"] {
        let a = try #require(s[name]), b = try #require(g[name])
        #expect(abs(a - b) <= 1e-6 * abs(a), "\(name): one worker \(a), a gang of 3 \(b)")
      }
    }
  }

  /// ASHA judges a gang trial by rank 0's reports and stops it like any
  /// other: rank 0 broadcasts the stop, and every member ends the trial.
  @Test func asha_stopsGangTrials() throws {
    let directory = try HPOProcess.temporaryDirectory()
    let path = directory.appendingPathComponent("asha.json").path
    try """
      {"name": "asha", "model": {"kind": "function", "function": "sleep", "epochs": 9},
       "space": {"seconds": 0.18, "gang_elements": 16, "value": {"type": "float", "low": 0, "high": 1}},
       "objective": {"metric": "value"}, "search": {"strategy": "random", "trials": 12, "parallel": 1, "seed": 2},
       "early_stopping": {"scheduler": "asha", "min_epochs": 1, "reduction_factor": 3},
       "resources": {"workers_per_trial": 2}}
      """.write(toFile: path, atomically: true, encoding: .utf8)
    let run = try HPOProcess.run(["run", path, "--workers", "2"], in: directory, timeout: 120)
    #expect(run.exitCode == 0, "\(run.standardError)")
    let trials = try HPOProcess.run(["trials", "asha", "--store", directory.appendingPathComponent("runs/asha/store.sqlite").path, "--format", "json"], in: directory)
    let states = trials.standardOutput.split(separator: "\n").compactMap {
      (try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
    }
    #expect(states.count == 12)
    let pruned = states.filter { $0["state"] as? String == "pruned" }
    #expect(!pruned.isEmpty, "ASHA stopped no gang trial: \(states.map { $0["state"] ?? "?" })")
    #expect(pruned.allSatisfy { ($0["epochs"] as? Int ?? 9) < 9 })
    #expect(states.allSatisfy { ["complete", "pruned"].contains($0["state"] as? String ?? "") })
  }
}

/// An MLP trained by a gang of 2 over real sockets, each member holding
/// half of the training shards: killed mid-run, it resumes from its last
/// epoch checkpoint on a new gang and ends bit for bit as an uninterrupted
/// gang run of the same trial (the shards and random streams follow the
/// rank, not the worker).
@Suite(.serialized) struct GangMLPEndToEndTests {
  static func experiment(_ name: String, epochs: Int) -> String {
    """
    {"name": "\(name)", "data": {"path": "digits.csv", "label": "label", "task": "classification",
                          "split": {"validation": 0.2, "test": 0.2, "seed": 0}, "shards": 4},
     "model": {"kind": "mlp", "epochs": \(epochs)},
     "space": {"learning_rate": {"type": "float", "low": 0.001, "high": 0.01, "log": true},
               "hidden_units": 64, "layers": 2, "batch_size": 32, "optimizer": "adam", "dropout": 0.1},
     "objective": {"metric": "accuracy"},
     "search": {"strategy": "random", "trials": 1, "parallel": 1, "seed": 11},
     "output": {"dir": "out/\(name)", "keep_top": 1},
     "resources": {"workers_per_trial": 2}}
    """
  }

  static func only(_ trials: [[String: Any]]) -> [String: Any]? { trials.count == 1 ? trials[0] : nil }

  @Test func aMemberKilledMidRun_theTrialResumesOnANewGang_andEndsAsAnUninterruptedRun() throws {
    let c = try TestCoordinator(lease: 2)
    try FileManager.default.copyItem(
      at: HPOProcess.repository.appendingPathComponent("Experiments/data/digits.csv"),
      to: c.directory.appendingPathComponent("digits.csv"))
    let epochs = 40
    let exp = try c.experiment("resumed", Self.experiment("resumed", epochs: epochs))
    #expect(try c.run(["submit", exp, "--detach"]).exitCode == 0)
    var workers = try ["a", "b"].map { try c.worker($0) }
    var rank0 = "", killedAt = 0
    #expect(try c.waitForTrials("resumed", timeout: 120) { ts in
      guard let t = Self.only(ts), t["state"] as? String == "running", let done = t["epochs"] as? Int, done >= 3 else { return false }
      rank0 = t["worker"] as? String ?? ""
      killedAt = done
      return true
    })
    let victim = try #require(workers.first { !rank0.hasPrefix(GangEndToEndTests.id($0, in: c)) })
    victim.signal(SIGKILL)
    try #require(killedAt < epochs - 5, "the trial ran too fast to be killed mid-run (epoch \(killedAt) of \(epochs))")
    workers.append(try c.worker("c"))
    #expect(try c.waitForTrials("resumed", timeout: 180) { ts in (Self.only(ts)?["state"] as? String) == "complete" })
    let resumed = try #require(Self.only(try c.trials("resumed")))
    #expect(resumed["attempts"] as? Int == 2, "\(resumed)")
    #expect(resumed["epochs"] as? Int == epochs, "\(resumed)")
    let logs = workers.map(\.standardError).joined(separator: "\n")
    let resumedAt = logs.split(separator: "\n").first { $0.contains("trial resumes from an earlier attempt's checkpoint") }
      .flatMap { $0.firstMatch(of: /epoch=(\d+)/).flatMap { Int($0.output.1) } }
    let at = try #require(resumedAt, "no member resumed the trial")
    #expect(at >= killedAt - 1 && at < epochs, "resumed at epoch \(at); a member was killed after epoch \(killedAt)")

    // The same trial on a gang never interrupted: the same metrics, to the last bit.
    let ref = try c.experiment("whole", Self.experiment("whole", epochs: epochs))
    #expect(try c.run(["submit", ref, "--detach"]).exitCode == 0)
    #expect(try c.waitForTrials("whole", timeout: 180) { ts in (Self.only(ts)?["state"] as? String) == "complete" })
    let whole = try #require(Self.only(try c.trials("whole")))
    let a = try #require(resumed["metrics"] as? [String: Any]), b = try #require(whole["metrics"] as? [String: Any])
    for name in ["accuracy", "log_loss"] {
      let x = try #require(a[name] as? Double), y = try #require(b[name] as? Double)
      #expect(x.bitPattern == y.bitPattern, "\(name): resumed \(x), uninterrupted \(y)")
    }
    #expect((whole["accuracy"] as? Double ?? (b["accuracy"] as? Double ?? 0)) > 0.8)
    for w in workers { w.stop() }
  }
}
