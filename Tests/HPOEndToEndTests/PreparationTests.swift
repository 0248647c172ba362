import Foundation
import HPOStore
import Testing

/// Data preparation runs off the coordinator's dispatch loop: a large CSV
/// submitted to one experiment does not stall the others, `hpo submit`
/// answers at once with the experiment `preparing`, and bad data still ends
/// in exit 2 naming the file and line.
@Suite(.serialized) struct PreparationTests {
  /// A regression CSV of `rows` rows and 8 features (about 70 bytes a row).
  static func largeCSV(_ url: URL, rows: Int) throws {
    var text = "f0,f1,f2,f3,f4,f5,f6,f7,y\n"
    text.reserveCapacity(rows * 72)
    var x: UInt64 = 0x9E37_79B9_7F4A_7C15
    for _ in 0..<rows {
      var sum = 0.0
      for j in 0..<8 {
        x = x &* 6364136223846793005 &+ 1442695040888963407
        let v = Double(x >> 40) / Double(1 << 24)
        sum += v * Double(j + 1)
        text += String(format: "%.6f,", v)
      }
      text += String(format: "%.6f\n", sum)
    }
    try text.write(to: url, atomically: true, encoding: .utf8)
  }

  static func completes(_ trials: [[String: Any]]) -> Int { trials.count { ($0["state"] as? String) == "complete" } }

  @Test func aLargeCSVSubmittedWhileAnotherExperimentRuns_expiresNoLeaseOfIt_andItsTrialsKeepFinishing() throws {
    // A short lease: a loop stalled for more than a second would expire the running trials' leases.
    let c = try TestCoordinator(lease: 1)
    try Self.largeCSV(c.directory.appendingPathComponent("large.csv"), rows: 400_000)
    let steady = try c.experiment("steady", sleepExperiment("steady", trials: 60, parallel: 2, seconds: 0.25))
    #expect(try c.run(["submit", steady, "--detach"]).exitCode == 0)
    let workers = [try c.worker("w1"), try c.worker("w2")]
    defer { workers.forEach { $0.stop() } }
    #expect(try c.waitForTrials("steady", timeout: 60) { Self.completes($0) >= 2 })
    let large = try c.experiment("large", """
      {"name": "large", "data": {"path": "large.csv", "task": "regression", "shards": 4},
       "model": {"kind": "ridge"}, "space": {"alpha": {"type": "float", "low": 0.001, "high": 1, "log": true}},
       "objective": {"metric": "rmse"}, "search": {"strategy": "random", "trials": 1, "parallel": 1, "seed": 1},
       "output": {"dir": "out/large", "keep_top": 0}}
      """)
    let submitted = try c.run(["submit", large, "--detach"])
    #expect(submitted.exitCode == 0, "\(submitted.standardError)")
    #expect(submitted.standardError.contains("submitted large: preparing its data"), "\(submitted.standardError)")
    // Answered before the data is ready: the experiment is still being prepared.
    let status = try c.run(["status", "large"])
    #expect(status.standardOutput.contains("preparing"), "\(status.standardOutput)")
    let before = Self.completes(try c.trials("steady"))
    #expect(c.process.waitFor(timeout: 120) { _, err in err.contains("data prepared") }, "\(c.process.standardError.suffix(2000))")
    let after = try c.trials("steady")
    #expect(Self.completes(after) > before, "steady's trials kept finishing while large's data was prepared")
    _ = try c.run(["cancel", "large"])
    #expect(try c.waitForTrials("steady", timeout: 120) { Self.completes($0) == 60 })
    let all = try c.trials("steady")
    #expect(all.allSatisfy { ($0["attempts"] as? Int) == 1 }, "no lease of steady expired")
    #expect(!c.process.standardError.contains("lease expired"))
  }

  @Test func run_withACellThatIsNotANumber_exits2NamingTheFileAndLine() throws {
    let dir = try HPOProcess.temporaryDirectory()
    var lines = try String(contentsOf: HPOProcess.repository.appendingPathComponent("Experiments/data/iris.csv"), encoding: .utf8)
      .split(separator: "\n").map(String.init)
    var cells = lines[2].split(separator: ",").map(String.init)
    cells[1] = "abc"
    lines[2] = cells.joined(separator: ",")
    let csv = dir.appendingPathComponent("bad.csv")
    try (lines.joined(separator: "\n") + "\n").write(to: csv, atomically: true, encoding: .utf8)
    let path = dir.appendingPathComponent("bad.json").path
    try """
      {"name": "bad", "data": {"path": "bad.csv", "task": "classification"},
       "model": {"kind": "softmax", "epochs": 2}, "space": {"learning_rate": 0.1},
       "objective": {"metric": "log_loss"}, "search": {"strategy": "random", "trials": 2, "parallel": 1, "seed": 1},
       "output": {"dir": "out", "keep_top": 0}}
      """.write(toFile: path, atomically: true, encoding: .utf8)
    let r = try HPOProcess.run(["run", path, "--workers", "1"], in: dir, timeout: 120)
    #expect(r.exitCode == 2, "\(r.standardError)")
    #expect(r.standardError.contains("\(csv.path):3: column"), "\(r.standardError)")
    #expect(r.standardOutput.hasPrefix("bad: failed"))
    let store = try ExperimentStore.openReadOnly(path: dir.appendingPathComponent("out/store.sqlite").path)
    let e = try #require(try store.experiment(named: "bad"))
    #expect(e.state == .failed && e.failure?.cause == .data)
    // hpo status --store shows why.
    let status = try HPOProcess.run(["status", "--store", dir.appendingPathComponent("out/store.sqlite").path])
    #expect(status.standardOutput.contains("failed: the data of bad cannot be used: \(csv.path):3: column"), "\(status.standardOutput)")
  }
}
