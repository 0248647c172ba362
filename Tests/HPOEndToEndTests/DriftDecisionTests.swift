import Foundation
import HPOCore
import Testing

/// `hpo drift` as a new user meets it, on a package `hpo run` made from 3,000
/// synthetic rows of 30 features: 100 new rows from the same distribution
/// pass (exit 0; with the old fixed thresholds, a dozen features crossed
/// them), a shifted feature is named (exit 1), 40 rows are inconclusive
/// (exit 4); the model's outputs are compared too (the package stores its
/// outputs on the test split), and the drift gate of `hpo run` decides alike.
struct DriftDecisionTests {
  static let numeric = 29
  static let regions = [0.4, 0.3, 0.2, 0.1]

  /// `rows` rows of the synthetic distribution, `shift` added to feature f3.
  static func csv(rows: Int, seed: UInt64, shift: Double = 0) -> String {
    var rng = SeededGenerator(seed: seed, stream: 9)
    func uniform() -> Double { (Double(rng.next() >> 11) + 0.5) * 0x1p-53 }
    func normal() -> Double { (-2 * log(uniform())).squareRoot() * cos(2 * .pi * uniform()) }
    var lines = [((0..<numeric).map { "f\($0)" } + ["region", "y"]).joined(separator: ",")]
    for _ in 0..<rows {
      var x = (0..<numeric).map { j -> Double in
        switch j % 3 {
        case 0: return normal()
        case 1: return -log(uniform())
        default: return (normal() * 10).rounded() / 10
        }
      }
      x[3] += shift
      var u = uniform(), region = regions.count
      for (k, p) in regions.enumerated() where region == regions.count {
        if u < p { region = k + 1 } else { u -= p }
      }
      let y = 0.5 * x[0] + 0.8 * x[1] - 0.3 * x[2] + 0.4 * x[4] + Double(region) + 0.5 * normal()
      lines.append((x + [Double(region), y]).map { "\($0)" }.joined(separator: ","))
    }
    return lines.joined(separator: "\n") + "\n"
  }

  /// A package made by `hpo run` (ridge, 3 trials) with 100 same-distribution rows as new data.
  private static let built: Result<(package: URL, result: URL), any Error> = Result {
    let dir = try HPOProcess.temporaryDirectory()
    let data = dir.appendingPathComponent("train.csv"), newData = dir.appendingPathComponent("new.csv")
    try csv(rows: 3000, seed: 1).write(to: data, atomically: true, encoding: .utf8)
    try csv(rows: 100, seed: 2).write(to: newData, atomically: true, encoding: .utf8)
    let experiment: [String: Any] = [
      "name": "synthetic-drift",
      "data": ["path": data.path, "label": "y", "task": "regression", "categorical": ["region"],
               "split": ["validation": 0.2, "test": 0.2, "seed": 0]],
      "model": ["kind": "ridge"],
      "space": ["alpha": ["type": "float", "low": 0.01, "high": 10, "log": true, "grid_points": 3]],
      "objective": ["metric": "rmse"],
      "search": ["strategy": "grid", "trials": 3, "parallel": 1],
      "validation": ["stress": false, "new_data": newData.path, "drift": ["alpha": 0.05]],
      "output": ["dir": dir.appendingPathComponent("out").path, "keep_top": 1],
    ]
    let file = dir.appendingPathComponent("experiment.json")
    try JSONSerialization.data(withJSONObject: experiment, options: [.sortedKeys]).write(to: file)
    let run = try HPOProcess.run(["run", file.path, "--workers", "1"], timeout: 180)
    guard run.exitCode == 0 else { throw CSVText.Failure(message: "hpo run failed (\(run.exitCode)): \(run.standardError)") }
    return (dir.appendingPathComponent("out/package"), dir.appendingPathComponent("out/result.json"))
  }

  static func drift(_ rows: Int, seed: UInt64, shift: Double = 0, _ extra: [String] = []) throws -> HPOProcess.Result {
    let file = try HPOProcess.temporaryDirectory().appendingPathComponent("new.csv")
    try csv(rows: rows, seed: seed, shift: shift).write(to: file, atomically: true, encoding: .utf8)
    return try HPOProcess.run(["drift", "--package", try built.get().package.path, "--data", file.path] + extra)
  }

  @Test func hundredRowsFromTheTrainingDistribution_exitZero_withTheModelsOutputChecked() throws {
    let run = try Self.drift(100, seed: 3)
    #expect(run.exitCode == 0, "\(run.standardOutput)\(run.standardError)")
    let prediction = run.standardOutput.split(separator: "\n").first { $0.hasPrefix("prediction (model output) ") }
    #expect(prediction?.contains(" numeric ") == true && prediction?.contains(" ks-exact ") == true)
    #expect(run.standardOutput.hasSuffix(
      "no drift: none of 31 checked (30 features and the model's output) drifted (Holm-corrected p < 0.05 and effect > 0.05) over 100 rows\n"))
  }

  @Test func aShiftedFeature_exitsOne_namingIt_first() throws {
    let run = try Self.drift(100, seed: 4, shift: 1)
    #expect(run.exitCode == 1, "\(run.standardOutput)\(run.standardError)")
    let lines = run.standardOutput.split(separator: "\n")
    #expect(lines.count > 1 && lines[1].hasPrefix("f3 ") && lines[1].hasSuffix("drifted"))
    let json = try Self.drift(100, seed: 4, shift: 1, ["--format", "json"])
    let object = try JSONSerialization.jsonObject(with: Data(json.standardOutput.utf8)) as? [String: Any]
    #expect(object?["outcome"] as? String == "drift")
    #expect((object?["drifted_features"] as? [String])?.first == "f3")
  }

  @Test func fortyRows_areInconclusive_exitFour() throws {
    let run = try Self.drift(40, seed: 5)
    #expect(run.exitCode == 4, "\(run.standardOutput)\(run.standardError)")
    #expect(run.standardOutput.contains("\ninconclusive: 40 rows, need ≥ "))
    #expect(run.standardOutput.contains(" to detect a 0.5σ shift with 80% power at alpha 0.05"))
  }

  @Test func theDriftGateOfHpoRun_passesSameDistributionNewData() throws {
    let result = try JSONSerialization.jsonObject(with: Data(contentsOf: try Self.built.get().result)) as? [String: Any]
    let gates = result?["gates"] as? [[String: Any]] ?? []
    let drift = gates.first { $0["name"] as? String == "drift" }
    #expect(drift?["passed"] as? Bool == true, "\(gates)")
    #expect((drift?["detail"] as? String)?.contains("no drift: none of 31 checked") == true, "\(drift ?? [:])")
    let files = try FileManager.default.contentsOfDirectory(atPath: try Self.built.get().package.path)
    #expect(files.contains("test-outputs.json"))
    // report.html shows the gate's check: every test, no histogram (nothing drifted).
    let report = try String(contentsOf: try Self.built.get().result.deletingLastPathComponent().appendingPathComponent("report.html"), encoding: .utf8)
    #expect(report.contains("<section id=\"drift\"><h2>Drift of "))
    #expect(report.components(separatedBy: "<tr class=\"decision-stable\"").count - 1 >= 31)
    #expect(!report.contains("<figure class=\"histogram\""))
  }

  @Test func html_writesThePage_withAHistogramPerDriftedColumn_besideTheOutput() throws {
    let page = try HPOProcess.temporaryDirectory().appendingPathComponent("drift.html")
    let run = try Self.drift(100, seed: 4, shift: 1, ["--format", "json", "--html", page.path])
    #expect(run.exitCode == 1, "\(run.standardOutput)\(run.standardError)")
    let object = try JSONSerialization.jsonObject(with: Data(run.standardOutput.utf8)) as? [String: Any]
    let drifted = object?["drifted_features"] as? [String] ?? []
    #expect(drifted.first == "f3")
    let html = try String(contentsOf: page, encoding: .utf8)
    #expect(html.hasPrefix("<!DOCTYPE html>") && html.contains("class=\"banner failed\" id=\"drift-outcome\""))
    #expect(html.contains("<figure class=\"histogram\" data-feature=\"f3\" id=\"drift-histogram-0\">"))
    #expect(html.components(separatedBy: "<figure class=\"histogram\"").count - 1 == drifted.count)
    // The first table row is the strongest evidence, as in the text table.
    let firstRow = html.components(separatedBy: "<tr class=\"decision-").dropFirst().first ?? ""
    #expect(firstRow.hasPrefix("drifted\" data-feature=\"f3\">"))
    // The JSON carries the histogram the page draws: the profile's bins and missing, both sides summing to 1.
    let f3 = (object?["features"] as? [[String: Any]])?.first { $0["name"] as? String == "f3" }
    let histogram = f3?["histogram"] as? [String: Any]
    for side in ["reference", "new"] {
      let fractions = histogram?[side] as? [Double] ?? []
      #expect(fractions.count == (histogram?["labels"] as? [String])?.count && abs(fractions.reduce(0, +) - 1) < 1e-9)
    }
  }

  @Test func html_inAFolderThatDoesNotExist_exitsTwo_namingIt_printingNothing() throws {
    let page = try HPOProcess.temporaryDirectory().appendingPathComponent("no-such-folder/drift.html")
    let run = try Self.drift(100, seed: 4, shift: 1, ["--html", page.path])
    #expect(run.exitCode == 2)
    #expect(run.standardError.contains("--html: '\(page.path)': the folder '\(page.deletingLastPathComponent().path)' does not exist"), "\(run.standardError)")
    #expect(run.standardOutput.isEmpty)
    #expect(!FileManager.default.fileExists(atPath: page.path))
  }

  @Test func badColumns_exitTwo_namingTheColumn() throws {
    let file = try HPOProcess.temporaryDirectory().appendingPathComponent("bad.csv")
    try Self.csv(rows: 100, seed: 6).replacingOccurrences(of: "f7,", with: "f7b,").write(to: file, atomically: true, encoding: .utf8)
    let run = try HPOProcess.run(["drift", "--package", try Self.built.get().package.path, "--data", file.path])
    #expect(run.exitCode == 2)
    #expect(run.standardError.contains("column 'f7b': is not a feature of the model"), "\(run.standardError)")
    #expect(run.standardError.contains("column 'f7': is missing from the header"))
  }
}
