import Foundation
import Testing

/// A search with two objectives and a constraint, run as users run it: `hpo run`
/// with real workers, then `hpo trials` on the store it leaves.
@Suite(.serialized) struct MultiObjectiveRunTests {
  /// An iris softmax search maximising accuracy and minimising log loss, with
  /// multi-objective TPE and ASHA, and `release` as given.
  static func experiment(in dir: URL, name: String, release: String) throws -> String {
    let data = dir.appendingPathComponent("data")
    try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
    try FileManager.default.copyItem(
      at: HPOProcess.repository.appendingPathComponent("Experiments/data/iris.csv"), to: data.appendingPathComponent("iris.csv"))
    let text = """
      {
        "name": "front",
        "data": {"path": "data/iris.csv", "task": "classification", "split": {"validation": 0.25, "test": 0.25, "seed": 1}},
        "model": {"kind": "softmax", "epochs": 9, "precision": "float64"},
        "space": {"learning_rate": {"type": "float", "low": 0.001, "high": 1, "log": true}, "optimizer": "adam", "batch_size": 16},
        "objectives": [{"metric": "accuracy", "direction": "maximize"}, {"metric": "log_loss", "direction": "minimize"}],
        "constraints": [{"metric": "log_loss", "max": 5}],
        "search": {"strategy": "tpe", "trials": 10, "parallel": 2, "seed": 3, "tpe": {"startup_trials": 4}},
        "early_stopping": {"scheduler": "asha", "min_epochs": 1, "reduction_factor": 3},
        "release": \(release),
        "validation": {"stress": false},
        "output": {"dir": "out-\(name)"}
      }
      """
    let file = dir.appendingPathComponent("\(name).json")
    try text.write(to: file, atomically: true, encoding: .utf8)
    return file.path
  }

  @Test func paretoSearch_marksTheFront_andReleasesThePickedTrial() throws {
    let dir = try HPOProcess.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let file = try Self.experiment(
      in: dir, name: "pick", release: #"{"pick": {"maximize": "accuracy", "subject_to": [{"metric": "log_loss", "max": 5}]}}"#)
    let r = try HPOProcess.run(["run", file, "--workers", "2"], in: dir, timeout: 180)
    #expect(r.exitCode == 0, "\(r.standardError)")
    #expect(r.standardOutput.contains("release: passed"), "\(r.standardOutput)")
    let store = "out-pick/store.sqlite"
    let table = try HPOProcess.run(["trials", "front", "--store", store, "--format", "json"], in: dir)
    #expect(table.exitCode == 0, "\(table.standardError)")
    let rows = table.standardOutput.split(separator: "\n").compactMap {
      try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
    }
    #expect(rows.count == 10)
    let complete = rows.filter { $0["state"] as? String == "complete" }
    let front = complete.filter { $0["pareto"] as? Bool == true }
    // What hpo measures itself comes with every trained model's metrics.
    #expect(complete.allSatisfy { (($0["metrics"] as? [String: Double])?["model_bytes"] ?? 0) > 100 })
    #expect(complete.allSatisfy { (($0["metrics"] as? [String: Double])?["train_seconds"] ?? 0) > 0 })
    // Iris softmax: 4 features, 3 classes, 4 × 3 weights and 3 biases.
    #expect(complete.allSatisfy { ($0["metrics"] as? [String: Double])?["params"] == 15 })
    #expect(complete.allSatisfy { (($0["metrics"] as? [String: Double])?["latency_ms"] ?? 0) > 0 })
    #expect(!front.isEmpty)
    // No trial on the front is dominated by another complete trial; every other complete one is.
    func vector(_ row: [String: Any]) -> (Double, Double) {
      let m = row["metrics"] as? [String: Double] ?? [:]
      return (m["accuracy"] ?? .nan, m["log_loss"] ?? .nan)
    }
    func dominates(_ a: (Double, Double), _ b: (Double, Double)) -> Bool {
      a.0 >= b.0 && a.1 <= b.1 && (a.0 > b.0 || a.1 < b.1)
    }
    for row in complete {
      let dominated = complete.contains { dominates(vector($0), vector(row)) }
      #expect(dominated == (row["pareto"] as? Bool != true), "trial \(row["number"] ?? "?")")
      #expect(row["feasible"] as? Bool == (vector(row).1 <= 5))
    }
    // The package is the feasible trial with the best accuracy (ties: the lower number).
    let best = complete.filter { vector($0).1 <= 5 }
      .max { (vector($0).0, -(($0["number"] as? Int) ?? 0)) < (vector($1).0, -(($1["number"] as? Int) ?? 0)) }
    let manifest = try JSONSerialization.jsonObject(
      with: Data(contentsOf: dir.appendingPathComponent("out-pick/package/manifest.json"))) as? [String: Any]
    #expect(((manifest?["winner"] as? [String: Any])?["trial"] as? Int) == best?["number"] as? Int, "\(String(describing: manifest?["winner"]))")
    // The manifest says how the trial was picked, and from which front.
    let selection = manifest?["selection"] as? [String: Any]
    #expect((selection?["rule"] as? String)?.hasPrefix("the best accuracy (maximize) among complete, feasible trials within log_loss ≤ 5.0") == true)
    let recordedFront = (selection?["front"] as? [[String: Any]])?.compactMap { $0["trial"] as? Int }
    #expect(recordedFront == front.compactMap { $0["number"] as? Int }.sorted())
    // The reports draw and list the same front.
    let markdown = try String(contentsOf: dir.appendingPathComponent("out-pick/report.md"), encoding: .utf8)
    #expect(markdown.contains("## Pareto front\n\n\(front.count) of \(complete.count) complete trials are on the front."), "\(markdown)")
    let html = try String(contentsOf: dir.appendingPathComponent("out-pick/report.html"), encoding: .utf8)
    let line = html.components(separatedBy: "<polyline").first { $0.contains(#"id="pareto-front""#) }
    let drawn = line?.components(separatedBy: #"data-trials=""#).dropFirst().first?.prefix { $0 != "\"" }
    let byAccuracy = front.sorted { (-vector($0).0, $0["number"] as? Int ?? 0) < (-vector($1).0, $1["number"] as? Int ?? 0) }
    #expect(drawn.map(String.init) == byAccuracy.compactMap { ($0["number"] as? Int).map(String.init) }.joined(separator: " "))
    // The table marks the front with a column of its own.
    let text = try HPOProcess.run(["trials", "front", "--store", store], in: dir)
    #expect(text.standardOutput.split(separator: "\n").first?.contains("pareto") == true)
  }

  @Test func weightedPick_releasesTheLargestSum_andTheManifestSaysSo() throws {
    let dir = try HPOProcess.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let file = try Self.experiment(in: dir, name: "weighted", release: #"{"pick": {"weighted": {"accuracy": 1, "log_loss": -0.5}}}"#)
    let r = try HPOProcess.run(["run", file, "--workers", "2"], in: dir, timeout: 180)
    #expect(r.exitCode == 0, "\(r.standardError)")
    let table = try HPOProcess.run(["trials", "front", "--store", "out-weighted/store.sqlite", "--format", "json"], in: dir)
    let rows = table.standardOutput.split(separator: "\n").compactMap {
      try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
    }
    // Complete, feasible (log_loss ≤ 5) trials by 1 × accuracy − 0.5 × log_loss; ties: the lower number.
    func sum(_ row: [String: Any]) -> Double {
      let m = row["metrics"] as? [String: Double] ?? [:]
      return (m["accuracy"] ?? .nan) - 0.5 * (m["log_loss"] ?? .nan)
    }
    let candidates = rows.filter { $0["state"] as? String == "complete" && $0["feasible"] as? Bool == true }
    let best = candidates.max { (sum($0), -(($0["number"] as? Int) ?? 0)) < (sum($1), -(($1["number"] as? Int) ?? 0)) }
    let manifest = try JSONSerialization.jsonObject(
      with: Data(contentsOf: dir.appendingPathComponent("out-weighted/package/manifest.json"))) as? [String: Any]
    #expect(((manifest?["winner"] as? [String: Any])?["trial"] as? Int) == best?["number"] as? Int)
    let selection = manifest?["selection"] as? [String: Any]
    #expect((selection?["rule"] as? String)?.hasPrefix("the best 1 × accuracy − 0.5 × log_loss (maximize) among complete, feasible trials") == true,
            "\(String(describing: selection?["rule"]))")
    let weights = (selection?["pick"] as? [String: Any])?["weighted"] as? [String: Double]
    #expect(weights == ["accuracy": 1, "log_loss": -0.5])
  }

  @Test func noTrialWithinReleasePick_failsTheReleaseWithExitOne() throws {
    let dir = try HPOProcess.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let file = try Self.experiment(
      in: dir, name: "strict", release: #"{"pick": {"maximize": "accuracy", "subject_to": [{"metric": "log_loss", "max": 1e-9}]}}"#)
    let r = try HPOProcess.run(["run", file, "--workers", "2"], in: dir, timeout: 180)
    #expect(r.exitCode == 1, "\(r.standardError)")
    #expect(r.standardOutput.contains("gates failed: release.pick; no candidate was packaged"), "\(r.standardOutput)")
    let report = try String(contentsOf: dir.appendingPathComponent("out-strict/report.md"), encoding: .utf8)
    #expect(report.contains("log_loss ≤ 1e-09") && report.contains("meets release.pick.subject_to"), "\(report)")
    #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("out-strict/package").path))
    let result = try JSONSerialization.jsonObject(
      with: Data(contentsOf: dir.appendingPathComponent("out-strict/result.json"))) as? [String: Any]
    #expect(result?["failed_gates"] as? [String] == ["release.pick"])
  }

  /// Reproducible mode holds for NSGA-II with two objectives: 60 trials (a first,
  /// random generation of 50 and ten bred children) give the same table with 1 and 4 workers.
  @Test func reproducibleNSGA2_sameTableWithOneAndFourWorkers() throws {
    func table(workers: Int) throws -> [String] {
      let dir = try HPOProcess.temporaryDirectory()
      defer { try? FileManager.default.removeItem(at: dir) }
      let file = try Self.experiment(in: dir, name: "rep", release: "{}")
      var text = try String(contentsOfFile: file, encoding: .utf8)
      text = text.replacingOccurrences(
        of: #""search": {"strategy": "tpe", "trials": 10, "parallel": 2, "seed": 3, "tpe": {"startup_trials": 4}}"#,
        with: #""search": {"strategy": "nsga2", "trials": 60, "parallel": 4, "seed": 5, "reproducible": true}"#)
      text = text.replacingOccurrences(of: #""early_stopping": {"scheduler": "asha", "min_epochs": 1, "reduction_factor": 3},"#, with: "")
      try text.write(toFile: file, atomically: true, encoding: .utf8)
      let r = try HPOProcess.run(["run", file, "--workers", String(workers)], in: dir, timeout: 300)
      #expect(r.exitCode == 0, "\(r.standardError)")
      let shown = try HPOProcess.run(["trials", "front", "--store", "out-rep/store.sqlite", "--format", "csv"], in: dir)
      // Every column but the timings and the worker.
      let lines = shown.standardOutput.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
      guard let header = lines.first else { return [] }
      let kept = header.indices.filter { !["metric:train_seconds", "metric:latency_ms", "worker"].contains(header[$0]) }
      return lines.map { row in kept.map { $0 < row.count ? row[$0] : "" }.joined(separator: ",") }
    }
    let one = try table(workers: 1)
    let four = try table(workers: 4)
    #expect(one.count == 61)
    #expect(one.contains { $0.contains(",*,") }, "the table marks a front")
    #expect(one == four)
  }
}
