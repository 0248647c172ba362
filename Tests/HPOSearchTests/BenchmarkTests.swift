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
