import Foundation
import HPOStore
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Command trials end to end: `hpo run` of experiments whose training is a
/// user's program (Python with the stdlib client, a shell script speaking the
/// stdout protocol), with real coordinator, worker and child processes.
@Suite(.serialized) struct CommandTrialEndToEndTests {
  /// A folder with `experiment.json`, the code folder `code/` holding `files`, and iris as data.
  static func experiment(
    _ name: String, train: [String], files: [String: String], epochs: Int? = nil, trials: Int = 4, parallel: Int = 2,
    data: Bool = false, metric: String = "value", extraModel: String = "", extra: String = ""
  ) throws -> URL {
    let dir = try HPOProcess.temporaryDirectory()
    let code = dir.appendingPathComponent("code")
    try FileManager.default.createDirectory(at: code, withIntermediateDirectories: true)
    for (file, text) in files { try text.write(to: code.appendingPathComponent(file), atomically: true, encoding: .utf8) }
    if data {
      try FileManager.default.copyItem(
        at: HPOProcess.repository.appendingPathComponent("Experiments/data/iris.csv"), to: dir.appendingPathComponent("iris.csv"))
    }
    let trainJSON = "[" + train.map { "\"\($0)\"" }.joined(separator: ", ") + "]"
    let json = """
      {
        "name": "\(name)",
        \(data ? #""data": {"path": "iris.csv", "task": "classification", "split": {"validation": 0.25, "test": 0.25, "seed": 1}},"# : "")
        "model": {"kind": "command", "train": \(trainJSON), "workdir": "code"\(epochs.map { ", \"epochs\": \($0)" } ?? "")\(extraModel)},
        "space": {"x": {"type": "float", "low": -3, "high": 3}},
        "objective": {"metric": "\(metric)"},
        "search": {"strategy": "random", "trials": \(trials), "parallel": \(parallel), "seed": 5}\(extra),
        "output": {"dir": "out"}
      }
      """
    try json.write(to: dir.appendingPathComponent("experiment.json"), atomically: true, encoding: .utf8)
    return dir
  }

  static func run(_ dir: URL, workers: Int = 2, timeout: TimeInterval = 120) throws -> HPOProcess.Result {
    try HPOProcess.run(["run", "experiment.json", "--workers", String(workers)], in: dir, timeout: timeout)
  }

  static func trials(_ dir: URL) throws -> [StoredTrial] {
    let store = try ExperimentStore.openReadOnly(path: dir.appendingPathComponent("out/store.sqlite").path)
    defer { try? store.close() }
    return try store.storedTrials(of: try #require(try store.experiments().first).name)
  }

  static let quadratic = """
    import os, hpo_client
    p = hpo_client.params()
    with open(os.environ["HPO_TRAIN"]) as f:
        header = f.readline().strip()
    assert header == "sepal_length_cm,sepal_width_cm,petal_length_cm,petal_width_cm,label", header
    assert os.path.isdir(hpo_client.checkpoint_dir())
    assert "HPO_TEST" not in os.environ
    for epoch in range(1, int(os.environ["HPO_EPOCHS"]) + 1):
        value = (p["x"] - 1) ** 2 + 1.0 / epoch
        print("epoch", epoch, "value", value, flush=True)
        if hpo_client.report(epoch, {"log_loss": value}):
            break
    """

  @Test func pythonWithTheClient_searchesWithASHA_prunesForReal_andKeepsEachTrialsLog() throws {
    let dir = try Self.experiment(
      "py-asha", train: ["python3", "train.py"], files: ["train.py": Self.quadratic], epochs: 9, trials: 10, data: true,
      metric: "log_loss",
      extra: #", "early_stopping": {"scheduler": "asha", "min_epochs": 1, "reduction_factor": 3}"#)
    let r = try Self.run(dir)
    #expect(r.exitCode == 0, "\(r.standardError)")
    let trials = try Self.trials(dir)
    #expect(trials.count == 10)
    #expect(trials.filter { $0.state == .pruned }.count >= 3, "ASHA stops most trials: \(trials.map(\.state))")
    #expect(trials.contains { $0.state == .complete && $0.epochs == 9 })
    for t in trials where t.state == .pruned {
      // Pruned for real: the script got "stop" and printed nothing after that epoch.
      let log = try String(contentsOf: dir.appendingPathComponent("out/logs/trial-\(t.number).log"), encoding: .utf8)
      #expect(log.split(separator: "\n").count == t.epochs, "trial \(t.number): \(log)")
    }
    let logs = try HPOProcess.run(["logs", "py-asha", "0", "--coordinator", "ipc:///nonexistent"], in: dir, timeout: 30)
    #expect(logs.exitCode == 3, "no coordinator left to ask: \(logs.standardError)")
  }

  @Test func shellScriptOnTheStdoutProtocol_malformedLinesAreSkippedWithAWarning() throws {
    let script = """
      x=$(echo "$HPO_PARAMS" | sed 's/.*"x":\\([-0-9.e]*\\).*/\\1/')
      echo "@@hpo {not json"
      e=1
      while [ $e -le 3 ]; do
        v=$(awk -v x="$x" -v e="$e" 'BEGIN { printf "%.6f", (x-1)*(x-1) + 1/e }')
        echo "@@hpo {\\"type\\":\\"report\\",\\"epoch\\":$e,\\"metrics\\":{\\"value\\":$v}}"
        read decision
        [ "$decision" = "stop" ] && exit 0
        e=$((e+1))
      done
      """
    let dir = try Self.experiment("sh-proto", train: ["sh", "train.sh"], files: ["train.sh": script], epochs: 3, trials: 3)
    let r = try Self.run(dir)
    #expect(r.exitCode == 0, "\(r.standardError)")
    let trials = try Self.trials(dir)
    #expect(trials.allSatisfy { $0.state == .complete && $0.epochs == 3 }, "\(trials.map { ($0.state, $0.reason) })")
    for t in trials {
      #expect(abs((t.record.value ?? 0) - (pow((t.record.configuration["x"]?.numericValue ?? 0) - 1, 2) + 1.0 / 3)) < 1e-5)
    }
    let log = try String(contentsOf: dir.appendingPathComponent("out/logs/trial-0.log"), encoding: .utf8)
    #expect(log.contains("[hpo: ignored a malformed protocol line"), "\(log)")
    #expect(log.contains("@@hpo {not json"))
  }

  @Test func crashInfeasibleAndRetry_endAsFailedWithStderr_infeasible_andRetriedWithinTheBudget() throws {
    let script = """
      import os, sys, hpo_client
      x = hpo_client.params()["x"]
      n = int(os.environ["HPO_TRIAL"])
      if n == 0:
          print("loading...", file=sys.stderr)
          raise ValueError("bad things at x=%g" % x)
      if n == 1:
          hpo_client.infeasible("x is out of reach")
      if n == 2:
          sys.exit(75)
      hpo_client.final({"value": x * x})
      """
    let dir = try Self.experiment("outcomes", train: ["python3", "train.py"], files: ["train.py": script], trials: 4, parallel: 1)
    let r = try Self.run(dir, workers: 1)
    #expect(r.exitCode == 0, "\(r.standardError)")
    let trials = try Self.trials(dir)
    #expect(trials.map(\.state) == [.failed, .infeasible, .failed, .complete])
    #expect(trials[0].reason?.hasPrefix("exit status 1: ValueError: bad things at x=") == true, "\(trials[0].reason ?? "-")")
    #expect(trials[0].outputTail?.contains("loading...\nTraceback (most recent call last):") == true)
    #expect(trials[1].reason == "x is out of reach")
    #expect(trials[2].attempts == 3, "retried until the budget (3 attempts) was spent")
    #expect(trials[2].reason == "the command asked to be retried (exit 75) on attempt 3 of 3; no attempt is left")
    let shown = try HPOProcess.run(["trials", "outcomes", "--trial", "0", "--store", "out/store.sqlite"], in: dir)
    #expect(shown.exitCode == 0)
    #expect(shown.standardOutput.contains("standard error (last 4 KB):\nloading...\nTraceback"), "\(shown.standardOutput)")
  }

  @Test func hangingScript_isKilledAtItsTimeout_asAFailure() throws {
    let dir = try Self.experiment(
      "hang", train: ["sh", "-c", "sleep 1000"], files: ["x": ""], trials: 1, parallel: 1, extraModel: #", "timeout": "1s""#)
    let started = Date()
    let r = try Self.run(dir, workers: 1)
    #expect(r.exitCode == 0, "\(r.standardError)")
    #expect(Date().timeIntervalSince(started) < 60)
    let trials = try Self.trials(dir)
    #expect(trials.map(\.state) == [.failed])
    #expect(trials[0].reason?.hasPrefix("timed out after 1.0 s (model.timeout)") == true, "\(trials[0].reason ?? "-")")
  }

  @Test func missingCommand_failsWithNotFound_andStopsTheExperimentAfterFiveIdenticalFailures() throws {
    let dir = try Self.experiment("missing", train: ["hpo-no-such-program"], files: ["x": ""], trials: 40, parallel: 1)
    let r = try Self.run(dir, workers: 1)
    #expect(r.exitCode == 2, "bad input: \(r.standardError)")
    #expect(r.standardError.contains("missing stopped: 5 trials in a row failed the same way: not found: hpo-no-such-program"), "\(r.standardError)")
    let trials = try Self.trials(dir)
    #expect(trials.count < 10, "no busy loop of failures: \(trials.count) trials")
    #expect(trials.prefix(5).allSatisfy { $0.state == .failed })
  }

  /// A command's checkpoint travels to the coordinator when it reports; the
  /// trial's next attempt (here after exit 75) finds it in HPO_RESUME_DIR and
  /// goes on from there. Only the best `keep_top` complete trials keep theirs.
  @Test func requeuedTrial_findsItsLastCheckpointInResumeDir() throws {
    let script = """
      import os, sys, json, hpo_client
      resume = hpo_client.resume_dir()
      start = 1
      if resume is not None:
          with open(os.path.join(resume, "state", "epoch.json")) as f:
              start = json.load(f)["epoch"] + 1
          print("resumed at epoch", start, flush=True)
      os.makedirs(os.path.join(hpo_client.checkpoint_dir(), "state"), exist_ok=True)
      for epoch in range(start, 5):
          with open(os.path.join(hpo_client.checkpoint_dir(), "state", "epoch.json"), "w") as f:
              json.dump({"epoch": epoch}, f)
          hpo_client.report(epoch, {"value": 10.0 - epoch})
          if epoch == 2 and resume is None:
              sys.exit(75)
      """
    let dir = try Self.experiment("resume", train: ["python3", "train.py"], files: ["train.py": script], epochs: 4, trials: 2, parallel: 1,
                                  extra: #", "early_stopping": null"#)
    let json = try String(contentsOf: dir.appendingPathComponent("experiment.json"), encoding: .utf8)
      .replacingOccurrences(of: #", "early_stopping": null"#, with: "")
      .replacingOccurrences(of: #""output": {"dir": "out"}"#, with: #""output": {"dir": "out", "keep_top": 1}"#)
    try json.write(to: dir.appendingPathComponent("experiment.json"), atomically: true, encoding: .utf8)
    let r = try Self.run(dir, workers: 1)
    #expect(r.exitCode == 0, "\(r.standardError)")
    let trials = try Self.trials(dir)
    #expect(trials.map(\.state) == [.complete, .complete])
    #expect(trials.map(\.attempts) == [2, 2])
    for t in trials {
      let log = try String(contentsOf: dir.appendingPathComponent("out/logs/trial-\(t.number).log"), encoding: .utf8)
      #expect(log.contains("== hpo: attempt 2 ==\nresumed at epoch 3\n"), "\(log)")
    }
    let kept = try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("out/checkpoints").path)
    #expect(kept == ["trial-0.bundle"], "keep_top 1: the best complete trial's checkpoint alone")
  }

  /// The pure-stdlib Python example, as shipped, end to end: ASHA prunes,
  /// the batch size larger than the training split is infeasible, TPE finds a
  /// good model.
  @Test func stdlibExample_runsEndToEnd() throws {
    let dir = try HPOProcess.temporaryDirectory()
    let examples = HPOProcess.repository.appendingPathComponent("Experiments")
    try FileManager.default.copyItem(at: examples.appendingPathComponent("command-stdlib"), to: dir.appendingPathComponent("command-stdlib"))
    try FileManager.default.createDirectory(at: dir.appendingPathComponent("data"), withIntermediateDirectories: true)
    try FileManager.default.copyItem(at: examples.appendingPathComponent("data/wine.csv"), to: dir.appendingPathComponent("data/wine.csv"))
    let r = try HPOProcess.run(["run", "command-stdlib/experiment.json", "--workers", "2"], in: dir, timeout: 300)
    #expect(r.exitCode == 0, "\(r.standardError)")
    let store = try ExperimentStore.openReadOnly(path: dir.appendingPathComponent("runs/command-stdlib/store.sqlite").path)
    defer { try? store.close() }
    let trials = try store.storedTrials(of: "command-stdlib")
    #expect(trials.count == 30 && trials.allSatisfy { $0.state.isFinished })
    #expect(trials.contains { $0.state == .pruned })
    #expect(trials.filter { $0.state == .infeasible }.allSatisfy { $0.record.configuration["batch_size"] == .int(128) })
    #expect(!trials.contains { $0.state == .failed }, "\(trials.filter { $0.state == .failed }.map(\.reason))")
    let best = try #require(trials.filter { $0.state == .complete }.compactMap(\.record.value).min())
    #expect(best < 0.2, "the best validation log loss on wine is \(best)")
    // Released: evaluate.py scored the winner on the test split, the gate passed, and the
    // package's own predict.py predicts the wines (label column present and ignored).
    let package = dir.appendingPathComponent("runs/command-stdlib/package")
    #expect(FileManager.default.fileExists(atPath: package.appendingPathComponent("checkpoint.bundle").path))
    let predicted = try HPOProcess.run(["predict", "--package", package.path, "--data", "data/wine.csv"], in: dir)
    #expect(predicted.exitCode == 0, "\(predicted.standardError)")
    let lines = predicted.standardOutput.split(separator: "\n")
    let labels = try String(contentsOf: dir.appendingPathComponent("data/wine.csv"), encoding: .utf8)
      .split(separator: "\n").dropFirst().map { $0.split(separator: ",").last.map(String.init) ?? "" }
    let header = "prediction," + Set(labels).sorted().map { "p_\($0)" }.joined(separator: ",")
    #expect(lines.first.map(String.init) == header && lines.count == 179, "\(lines.prefix(3))")
    let right = zip(lines.dropFirst(), labels).filter { $0.split(separator: ",").first.map(String.init) == $1 }.count
    #expect(Double(right) / 178 > 0.85, "\(right) of 178 wines predicted right")
  }

  /// `resources.slots_per_trial` 2 on a worker of 2 slots: its trials never
  /// overlap, and each is told it may use 2 cores.
  @Test func slotsPerTrial_trialsHoldTheirSlots_andAreToldSo() throws {
    let marks = try HPOProcess.temporaryDirectory()
    let script = """
      import os, time, hpo_client
      start = time.time()
      time.sleep(0.3)
      with open(os.path.join(os.environ["MARK"], "t%s" % os.environ["HPO_TRIAL"]), "w") as f:
          f.write("%f %f %s %s" % (start, time.time(), os.environ["HPO_SLOTS"], os.environ["OMP_NUM_THREADS"]))
      hpo_client.final({"value": 1.0})
      """
    let dir = try Self.experiment(
      "slots", train: ["python3", "train.py"], files: ["train.py": script], trials: 4, parallel: 2,
      extraModel: #", "env": {"MARK": "\#(marks.path)"}"#, extra: #", "resources": {"slots_per_trial": 2}"#)
    // One worker with two slots (hpo run starts one-slot workers).
    chmod(marks.path, 0o700)
    let endpoint = "ipc://\(marks.path)/c.ipc"
    let coordinator = try LiveProcess(["coordinator", "--bind", endpoint, "--store", marks.appendingPathComponent("s.sqlite").path], in: marks)
    defer { coordinator.stop() }
    #expect(coordinator.waitFor { out, _ in out.contains("listening on ") })
    let worker = try LiveProcess(
      ["worker", "--allow-commands", "--slots", "2", "--coordinator", endpoint, "--cache", marks.appendingPathComponent("cache").path], in: marks)
    defer { worker.stop() }
    let submit = try HPOProcess.run(["submit", "experiment.json", "--coordinator", endpoint], in: dir, timeout: 120)
    #expect(submit.exitCode == 0, "\(submit.standardError)")
    var spans: [(Double, Double)] = []
    for n in 0..<4 {
      let fields = try String(contentsOf: marks.appendingPathComponent("t\(n)"), encoding: .utf8).split(separator: " ")
      #expect(fields[2] == "2" && fields[3] == "2", "HPO_SLOTS and OMP_NUM_THREADS: \(fields)")
      spans.append((Double(fields[0])!, Double(fields[1])!))
    }
    spans.sort { $0.0 < $1.0 }
    for (a, b) in zip(spans, spans.dropFirst()) { #expect(a.1 <= b.0, "trials overlapped: \(spans)") }
  }

  /// 100 MB on standard output and 20 MB on standard error: the worker's
  /// memory stays bounded (the log is capped, a flood is dropped and counted),
  /// and the trial completes.
  @Test func outputFlood_keepsTheWorkersMemoryBounded_andTheLogCapped() throws {
    let script = """
      import sys, hpo_client
      line = ("x" * 1023 + "\\n").encode()
      for _ in range(100 * 1024):
          sys.stdout.buffer.write(line)
      for _ in range(20 * 1024):
          sys.stderr.buffer.write(line)
      sys.stdout.flush()
      hpo_client.final({"value": 1.0})
      """
    let dir = try HPOProcess.temporaryDirectory()
    chmod(dir.path, 0o700)
    let exp = try Self.experiment("flood", train: ["python3", "flood.py"], files: ["flood.py": script], trials: 1, parallel: 1)
    let endpoint = "ipc://\(dir.path)/c.ipc"
    let coordinator = try LiveProcess(["coordinator", "--bind", endpoint, "--store", dir.appendingPathComponent("s.sqlite").path], in: dir)
    defer { coordinator.stop() }
    #expect(coordinator.waitFor { out, _ in out.contains("listening on ") })
    let worker = try LiveProcess(["worker", "--allow-commands", "--coordinator", endpoint, "--cache", dir.appendingPathComponent("cache").path], in: dir)
    defer { worker.stop() }
    let submit = try HPOProcess.run(["submit", "experiment.json", "--coordinator", endpoint], in: exp, timeout: 120)
    #expect(submit.exitCode == 0, "\(submit.standardError)")
    let status = try String(contentsOfFile: "/proc/\(worker.process.processIdentifier)/status", encoding: .utf8)
    let peakKB = status.split(separator: "\n").first { $0.hasPrefix("VmHWM:") }
      .flatMap { Int($0.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") } ?? Int.max
    #expect(peakKB < 96 * 1024, "the worker's peak RSS was \(peakKB) kB after 120 MB of output")
    let log = try FileManager.default.attributesOfItem(atPath: exp.appendingPathComponent("out/logs/trial-0.log").path)
    #expect((log[.size] as? Int ?? 0) <= (4 << 20) + 4096)
    let store = try ExperimentStore.openReadOnly(path: dir.appendingPathComponent("s.sqlite").path)
    defer { try? store.close() }
    #expect(try store.storedTrials(of: "flood").map(\.state) == [.complete])
    print("flood: worker peak RSS \(peakKB) kB")
  }

  /// The worker is killed with SIGKILL while its command runs (and has a
  /// child of its own): the guard kills the whole process group at once.
  @Test func killedWorker_takesItsCommandsWholeProcessGroupWithIt() throws {
    let dir = try HPOProcess.temporaryDirectory()
    let script = """
      echo $$ > "$MARK/pids.tmp"
      sleep 1000 &
      echo $! >> "$MARK/pids.tmp"
      mv "$MARK/pids.tmp" "$MARK/pids"
      wait
      """
    let exp = try Self.experiment(
      "orphan", train: ["sh", "train.sh"], files: ["train.sh": script], trials: 1, parallel: 1,
      extraModel: #", "env": {"MARK": "\#(dir.path)"}"#)
    chmod(dir.path, 0o700)
    let endpoint = "ipc://\(dir.path)/c.ipc"
    let coordinator = try LiveProcess(["coordinator", "--bind", endpoint, "--store", dir.appendingPathComponent("s.sqlite").path], in: dir)
    defer { coordinator.stop() }
    #expect(coordinator.waitFor { out, _ in out.contains("listening on ") })
    let worker = try LiveProcess(["worker", "--allow-commands", "--coordinator", endpoint, "--cache", dir.appendingPathComponent("cache").path], in: dir)
    defer { worker.stop() }
    let submit = try HPOProcess.run(["submit", "experiment.json", "--coordinator", endpoint, "--detach"], in: exp, timeout: 60)
    #expect(submit.exitCode == 0, "\(submit.standardError)")
    let pidsFile = dir.appendingPathComponent("pids")
    let deadline = Date().addingTimeInterval(60)
    while !FileManager.default.fileExists(atPath: pidsFile.path), Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
    let pids = try String(contentsOf: pidsFile, encoding: .utf8).split(separator: "\n").compactMap { pid_t($0) }
    #expect(pids.count == 2)
    #expect(pids.allSatisfy { kill($0, 0) == 0 }, "the script and its child run")
    worker.signal(SIGKILL)
    let killedAt = Date()
    while pids.contains(where: { kill($0, 0) == 0 && !Self.isZombie($0) }), Date().timeIntervalSince(killedAt) < 5 {
      Thread.sleep(forTimeInterval: 0.02)
    }
    let took = Date().timeIntervalSince(killedAt)
    #expect(pids.allSatisfy { kill($0, 0) != 0 || Self.isZombie($0) }, "no orphan left")
    #expect(took < 1, "gone in \(took) s")
  }

  /// Whether `pid` has ended and waits to be reaped (its parent, the init of this container, may be slow).
  static func isZombie(_ pid: pid_t) -> Bool {
    guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
      let close = stat.lastIndex(of: ")")
    else { return true }  // no /proc entry: gone
    return stat[stat.index(close, offsetBy: 2)] == "Z"
  }
}
