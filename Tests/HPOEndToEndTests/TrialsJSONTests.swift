import Foundation
import HPOCore
import HPOStore
import Testing

/// `hpo trials --format json` writes every trial, also one with a metric
/// that diverged (inf, nan): it used to print an empty line in its place.
struct TrialsJSONTests {
  @Test func aTrialWithANonFiniteMetric_isWritten_notDropped() throws {
    let dir = try HPOProcess.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let path = dir.appendingPathComponent("store.sqlite").path
    let store = try ExperimentStore.open(path: path)
    let spec = ExperimentSpec(
      name: "inf", data: nil, model: ModelSpec(kind: .function, function: .branin),
      space: SearchSpace([Parameter(name: "x", domain: .float(FloatRange(low: 0, high: 1)))]),
      objective: ObjectiveSpec(metric: .value), search: SearchSpec(strategy: .random, trials: 1, parallel: 1, seed: 1),
      output: OutputSpec(dir: dir.path, keepTop: 0))
    let id = TrialID(experiment: "inf", number: 0)
    let lease = Lease(worker: "w", attempt: 1)
    _ = try store.apply([
      .createExperiment(spec, seed: 1),
      .insertTrial(id, configuration: Configuration(["x": .float(0.5)]), seed: 1),
      .leaseTrial(id, lease: lease, deadline: Date().addingTimeInterval(60)),
      .completeTrial(id, lease: lease, value: 0.25, metrics: ["value": 0.25, "loss": .infinity], seconds: 0.1, epochs: 1),
    ])
    try store.close()
    let r = try HPOProcess.run(["trials", "inf", "--format", "json", "--store", path], in: dir)
    #expect(r.exitCode == 0, "\(r.standardError)")
    let lines = r.standardOutput.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
    #expect(lines.count == 1)
    let trial = try #require(try JSONSerialization.jsonObject(with: Data((lines.first ?? "").utf8)) as? [String: Any])
    #expect(trial["number"] as? Int == 0)
    #expect((trial["metrics"] as? [String: Any])?["loss"] as? String == "inf")
  }
}
