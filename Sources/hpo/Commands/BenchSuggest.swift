import ArgumentParser
import Foundation
import HPOCore
import HPOSearch

/// `hpo bench suggest`: the latency of one suggestion after N finished trials.
struct BenchSuggest: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "suggest",
    abstract: "Time one suggestion after N finished trials on a 6-D mixed space.",
    discussion: """
      The space has four floats (two log-scaled), one int and one categorical with four \
      choices; the history is N random configurations, complete. Prints the median and \
      90th percentile over the repetitions, after one warm-up.
      """)

  @Option(help: "The sampler: \(BenchSampler.allCases.map(\.rawValue).joined(separator: ", ")).")
  var sampler: BenchSampler = .tpe

  @Option(help: "Finished trials in the history.")
  var history: Int = 1000

  @Option(help: "Timed suggestions.")
  var repetitions: Int = 30

  @Option(help: "Seed of the history and of the sampler.")
  var seed: UInt64 = 0

  @Option(help: "table: a few lines of text; json: one object (default: table; csv: not available).")
  var format: OutputFormat?

  // The previous release's spelling of --format json; kept one release because scripts call it.
  @Flag(help: .hidden)
  var json = false

  func validate() throws {
    try OutputFormat.check(format, json: json, "hpo bench suggest", accepts: [.table, .json])
    guard history >= 0 else { throw ValidationError("--history must be 0 or more, got \(history)") }
    guard repetitions >= 1 else { throw ValidationError("--repetitions must be at least 1, got \(repetitions)") }
  }

  func run() throws {
    let bench = SuggestBenchmark(history: history, repetitions: repetitions, seed: seed)
    let result: SuggestBenchmark.Result
    do {
      result = try bench.run(sampler.make(seed: seed, direction: .minimize), name: sampler.rawValue)
    } catch let error as SamplerError {
      FileHandleOutput.standardError("hpo bench suggest: \(error.message)")
      throw HPOExitCode.badInput
    }
    if OutputFormat.resolve(format, json: json) == .json {
      print(BenchOutput.object([
        ("sampler", BenchOutput.string(result.sampler)),
        ("history", BenchOutput.integer(result.history)),
        ("repetitions", BenchOutput.integer(result.repetitions)),
        ("median_ms", BenchOutput.number(result.median * 1e3)),
        ("p90_ms", BenchOutput.number(result.p90 * 1e3)),
        ("min_ms", BenchOutput.number(result.minimum * 1e3)),
      ]).compactText)
    } else {
      print("\(result.sampler): one suggestion after \(result.history) finished trials (6-D mixed space), \(result.repetitions) repetitions")
      print("  median \(BenchOutput.format(result.median * 1e3)) ms   p90 \(BenchOutput.format(result.p90 * 1e3)) ms   min \(BenchOutput.format(result.minimum * 1e3)) ms")
    }
  }
}
