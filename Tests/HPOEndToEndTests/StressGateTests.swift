import Foundation
import Testing

/// The extremes stress gate on a sound regression model: predictions at the
/// training extremes must be finite (a hard gate); a range the user states is
/// checked as a warning naming the input, never a failure.
struct StressGateTests {
  static func run(outputRange: String?) throws -> [String: Any] {
    let dir = try HPOProcess.temporaryDirectory()
    let data = dir.appendingPathComponent("train.csv")
    try DriftDecisionTests.csv(rows: 1000, seed: 7).write(to: data, atomically: true, encoding: .utf8)
    var validation: [String: Any] = ["stress": true]
    if let outputRange { validation["output_range"] = try JSONSerialization.jsonObject(with: Data(outputRange.utf8)) }
    let experiment: [String: Any] = [
      "name": "stress", "data": ["path": data.path, "label": "y", "task": "regression", "split": ["validation": 0.2, "test": 0.2, "seed": 0]],
      "model": ["kind": "ridge"], "space": ["alpha": ["type": "float", "low": 0.01, "high": 1, "log": true, "grid_points": 2]],
      "objective": ["metric": "rmse"], "search": ["strategy": "grid", "trials": 2, "parallel": 1],
      "validation": validation, "output": ["dir": dir.appendingPathComponent("out").path, "keep_top": 1],
    ]
    let file = dir.appendingPathComponent("experiment.json")
    try JSONSerialization.data(withJSONObject: experiment, options: [.sortedKeys]).write(to: file)
    let run = try HPOProcess.run(["run", file.path, "--workers", "1"], timeout: 120)
    #expect(run.exitCode == 0, "\(run.standardOutput)\(run.standardError)")
    let result = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("out/result.json"))) as? [String: Any]
    let gates = result?["gates"] as? [[String: Any]] ?? []
    return gates.first { $0["name"] as? String == "stress.extremes" } ?? [:]
  }

  @Test func aStatedRangeLeftAtTheExtremes_isAWarningNamingTheInput() throws {
    // Most targets are under 4, but a row with one feature at its training extreme predicts more.
    let gate = try Self.run(outputRange: #"{"max": 4}"#)
    #expect(gate["passed"] as? Bool == true)
    let detail = gate["detail"] as? String ?? ""
    #expect(detail.hasPrefix("warning: ") && detail.contains("predict outside the stated output_range [−∞, 4]"), "\(detail)")
    #expect(detail.contains("the furthest, training row ") && detail.contains("(its training m"), "\(detail)")
  }

  @Test func withoutAStatedRange_onlyFinitenessIsChecked() throws {
    let gate = try Self.run(outputRange: nil)
    #expect(gate["passed"] as? Bool == true)
    let detail = gate["detail"] as? String ?? ""
    #expect(!detail.contains("warning") && detail.contains("real training rows with one feature at its training min, max and mean ± 10 sd"), "\(detail)")
  }
}
