import HPOCore
@testable import HPOSearch
import Testing

@Suite("Benchmark library")
struct BenchmarkTests {
  @Test("built-in functions have their known minima")
  func minima() throws {
    let branin = try BenchmarkProblem.branin.evaluate(Configuration(["x1": .float(Double.pi), "x2": .float(2.275)]))
    #expect(Swift.abs(branin - 0.397887) < 1e-5)
    let ones = Configuration(Dictionary(uniqueKeysWithValues: (0..<5).map { ("x\($0)", ParameterValue.float(1)) }))
    #expect(try BenchmarkProblem.rosenbrock.evaluate(ones) == 0)
    let mixed = try BenchmarkProblem.mixed.evaluate(Configuration([
      "lr": .float(Math.exp(-2.7 * Math.log(10))), "dropout": .float(0.3), "layers": .int(6), "activation": .string("relu"),
    ]))
    #expect(Swift.abs(mixed) < 1e-12)
  }

  @Test("suggest latency: times every repetition of a prefilled history")
  func suggest() throws {
    let bench = SuggestBenchmark(history: 30, repetitions: 3)
    let history = bench.prefilledHistory()
    #expect(history.count == 30 && history.allSatisfy { BenchmarkProblem.latencySpace.validates($0.configuration) })
    let result = try bench.run(TPESampler(), name: "tpe")
    #expect(result.repetitions == 3 && result.median > 0 && result.p90 >= result.median)
  }

  @Test("schedule latency: a successive-halving history, decisions at every epoch, stops only at rungs")
  func schedule() throws {
    let bench = ScheduleBenchmark(history: 300, repetitions: 54, seed: 3)
    let history = bench.prefilledHistory()
    #expect(history.count == 300 && history == ScheduleBenchmark(history: 300, seed: 3).prefilledHistory(), "seeded")
    // Cut at a rung: 1, 3, 9 (pruned) or 27 (complete); about one in three goes on at each rung.
    #expect(history.allSatisfy { [1, 3, 9, 27].contains($0.intermediate.count) })
    #expect(history.allSatisfy { ($0.state == .complete) == ($0.intermediate.count == 27) })
    let reachedThree = history.filter { $0.intermediate.count >= 3 }.count
    #expect((70...130).contains(reachedThree), "\(reachedThree) of 300 reached epoch 3")
    let asha = ASHAScheduler(direction: .minimize, minEpochs: 1, reductionFactor: 3, maxEpochs: 27)
    let result = bench.run(asha, name: "asha")
    #expect(result.repetitions == 54 && result.reports == history.reduce(0) { $0 + $1.intermediate.count })
    #expect(result.stops > 0 && result.stops <= 6, "ASHA stops only at rung epochs 1, 3, 9: 6 of 54 decisions")
    #expect(result.median > 0 && result.p90 >= result.median && result.maximum >= result.p90 && result.rungMaximum <= result.maximum)
  }

  @Test("search quality: quartiles over seeds at half and full budget; failures counted")
  func search() throws {
    let result = try SearchBenchmark(trials: 10, seeds: 3).run(.branin, samplerName: "random") { _ in RandomSampler() }
    #expect(result.half.trials == 5 && result.full.trials == 10)
    #expect(result.full.median <= result.half.median)
    let failing = BenchmarkProblem(name: "nan", space: BenchmarkProblem.branin.space) { _ in .nan }
    let failed = try SearchBenchmark(trials: 4, seeds: 2).run(failing, samplerName: "tpe") { _ in TPESampler() }
    #expect(failed.failedTrials == 8)
  }
}
