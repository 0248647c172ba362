import Foundation
import HPOCore
import HPOStore
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `hpo trials` never loses a trial silently: `--format json` writes one
/// with a metric that diverged (inf, nan; it used to print an empty line in
/// its place), and a reply too large to send is an error saying so.
struct TrialsJSONTests {
  static func spec(_ name: String, trials: Int, output: URL) -> ExperimentSpec {
    ExperimentSpec(
      name: name, data: nil, model: ModelSpec(kind: .function, function: .branin),
      space: SearchSpace([Parameter(name: "x", domain: .float(FloatRange(low: 0, high: 1)))]),
      objective: ObjectiveSpec(metric: .value), search: SearchSpec(strategy: .random, trials: trials, parallel: 1, seed: 1),
      output: OutputSpec(dir: output.path, keepTop: 0))
  }

  /// A reply over the 1 MiB body limit is not sent (the client would refuse
  /// it): the coordinator answers with an error saying so and keeps serving.
  @Test func aReplyOverTheSizeLimit_isAnErrorSayingSo_andTheCoordinatorKeepsServing() throws {
    let c = try TestCoordinator()
    c.process.signal(SIGTERM)
    #expect(c.process.waitForExit(timeout: 30) == 0)
    let store = try ExperimentStore.open(path: c.store)
    let trials = 15_000
    _ = try store.apply([.createExperiment(Self.spec("big", trials: trials, output: c.directory), seed: 1)] + (0..<trials).map {
      .insertTrial(TrialID(experiment: "big", number: $0), configuration: Configuration(["x": .float(0.5)]), seed: UInt64($0))
    })
    try store.close()
    try c.restart()
    let r = try c.run(["trials", "big", "--format", "json"])
    #expect(r.exitCode == 3)
    #expect(r.standardError.contains("the coordinator cannot send its answer: a status message would have "), "\(r.standardError)")
    #expect(try c.run(["status", "big"]).exitCode == 0, "still serving")
  }

  @Test func aTrialWithANonFiniteMetric_isWritten_notDropped() throws {
    let dir = try HPOProcess.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let path = dir.appendingPathComponent("store.sqlite").path
    let store = try ExperimentStore.open(path: path)
    let spec = Self.spec("inf", trials: 1, output: dir)
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
