import Foundation
import HPOCore
import HPOWire
import HPOWorker
import Testing

/// The runners on their own: what they report per epoch, when they stop,
/// and the errors a user reads in a failed trial.
@Suite struct TrialRunnerTests {
  /// Runs `a` with `runner`, answering each report with `goOn(epoch)`; returns the run and the reports.
  func run(_ runner: any TrialRunner, _ a: TrialAssignment, shardFiles: [String: URL] = [:],
           goOn: (Int) -> Bool = { _ in true }) throws -> (TrialRun, [(Int, Double?)]) {
    var reports: [(Int, Double?)] = []
    let run = try runner.run(a, shardFiles: shardFiles) { epoch, metrics in
      reports.append((epoch, metrics["value"]))
      return goOn(epoch)
    }
    return (run, reports)
  }

  @Test func function_reportsEachEpochDecreasingToTheFinalValue() throws {
    // sphere at (1, 2) is 5; epoch e of 4 reports 5 + 6·(4 − e)/4.
    let (run, reports) = try run(FunctionRunner(), assignment(0, epochs: 4))
    #expect(reports.map(\.0) == [1, 2, 3, 4])
    #expect(reports.map(\.1) == [9.5, 8, 6.5, 5])
    #expect(run.metrics == ["value": 5])
    #expect(run.epochs == 4)
    #expect(!run.stopped)
  }

  @Test func function_stopsWhenTheReportSaysSo() throws {
    let (run, reports) = try run(FunctionRunner(), assignment(0, epochs: 4)) { $0 < 3 }
    #expect(reports.map(\.0) == [1, 2, 3])
    #expect(run.stopped)
    #expect(run.epochs == 3)
    #expect(run.metrics == ["value": 6.5])
  }

  @Test func function_withoutEpochs_reportsNothingAndReturnsTheValue() throws {
    let c = Configuration(["x1": .float(Double.pi), "x2": .float(2.275)])
    let (run, reports) = try run(FunctionRunner(), assignment(0, function: .branin, configuration: c))
    #expect(reports.isEmpty)
    #expect(abs((run.metrics["value"] ?? .nan) - 0.397887) < 1e-6, "Branin's minimum")
    #expect(run.epochs == 0)
  }

  @Test func function_aConfigurationItCannotEvaluate_throwsAMessageNamingIt() throws {
    let c = Configuration(["x1": .float(1)])
    let tooFew = #expect(throws: TrialRunError.self) {
      try run(FunctionRunner(), assignment(0, function: .rosenbrock, configuration: c))
    }
    #expect(tooFew?.message == "rosenbrock needs at least two parameters named x…")
    let noFunction = TrialAssignment(
      key: TrialKey(experiment: "exp", trial: 0, attempt: 1), configuration: c, model: ModelSpec(kind: .function),
      task: .regression, objective: ObjectiveSpec(metric: .value), shards: [], epochs: nil, seed: 1, reportEveryEpoch: false)
    let missing = #expect(throws: TrialRunError.self) { try run(FunctionRunner(), noFunction) }
    #expect(missing?.message == "the function model needs model.function")
  }

  @Test func model_aShardMissingOnTheWorker_throwsNamingIt() throws {
    let hash = String(repeating: "ab", count: 32)
    let a = TrialAssignment(
      key: TrialKey(experiment: "exp", trial: 0, attempt: 1), configuration: Configuration(["alpha": .float(1)]),
      model: ModelSpec(kind: .ridge), task: .regression, objective: ObjectiveSpec(metric: .rmse),
      shards: [ShardReference(sha256: hash, bytes: 10, role: .train)], epochs: nil, seed: 1, reportEveryEpoch: false)
    let error = #expect(throws: TrialRunError.self) { try run(ModelRunner(), a) }
    #expect(error?.message == "shard \(hash) is missing on this worker")
  }
}
