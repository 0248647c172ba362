import ArgumentParser
import Foundation
import HPOCore
import HPOSearch

/// `hpo bench schedule`: the latency of one early-stopping decision after N trials.
struct BenchSchedule: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "schedule",
    abstract: "Time one early-stopping decision with N trials' learning curves in the history.",
    discussion: """
      The history is N trials whose curves were cut by successive halving (min epochs 1, \
      reduction factor 3, 27 epochs: one trial in 3 goes on at each rung), the reports the \
      coordinator would have stored. Each timed decision is a new trial's report at the next \
      epoch 1…27 in turn. Prints the median, 90th percentile and maximum, and the median and \
      maximum at the rung epochs (where ASHA and Hyperband compare), after one warm-up.
      """)

  enum Kind: String, ExpressibleByArgument, CaseIterable {
    case median, asha, hyperband
  }

  @Option(help: "The scheduler: \(Kind.allCases.map(\.rawValue).joined(separator: ", ")) (bohb decides as hyperband).")
  var scheduler: Kind = .asha

  @Option(help: "Trials in the history.")
  var history: Int = 10_000

  @Option(help: "Timed decisions.")
  var repetitions: Int = 270

  @Option(help: "Seed of the history.")
  var seed: UInt64 = 0

  @Option(help: "table: a few lines of text; json: one object (default: table; csv: not available).")
  var format: OutputFormat?

  // The previous release's spelling of --format json; kept one release because scripts call it.
  @Flag(help: .hidden)
  var json = false

  func validate() throws {
    try OutputFormat.check(format, json: json, "hpo bench schedule", accepts: [.table, .json])
    guard history >= 0 else { throw ValidationError("--history must be 0 or more, got \(history)") }
    guard repetitions >= 1 else { throw ValidationError("--repetitions must be at least 1, got \(repetitions)") }
  }

  func run() throws {
    let bench = ScheduleBenchmark(history: history, repetitions: repetitions, seed: seed)
    let made: any Scheduler
    switch scheduler {
    case .median: made = MedianStoppingScheduler(direction: .minimize, warmupEpochs: 0, minTrials: 5)
    case .asha: made = ASHAScheduler(direction: .minimize, minEpochs: bench.minEpochs, reductionFactor: bench.reductionFactor, maxEpochs: bench.maxEpochs)
    case .hyperband:
      made = HyperbandScheduler(direction: .minimize, minEpochs: bench.minEpochs, reductionFactor: bench.reductionFactor, maxEpochs: bench.maxEpochs)
    }
    let result = bench.run(made, name: scheduler.rawValue)
    if OutputFormat.resolve(format, json: json) == .json {
      print(BenchOutput.object([
        ("scheduler", BenchOutput.string(result.scheduler)),
        ("history", BenchOutput.integer(result.history)),
        ("reports", BenchOutput.integer(result.reports)),
        ("repetitions", BenchOutput.integer(result.repetitions)),
        ("median_ms", BenchOutput.number(result.median * 1e3)),
        ("p90_ms", BenchOutput.number(result.p90 * 1e3)),
        ("max_ms", BenchOutput.number(result.maximum * 1e3)),
        ("rung_median_ms", BenchOutput.number(result.rungMedian * 1e3)),
        ("rung_max_ms", BenchOutput.number(result.rungMaximum * 1e3)),
        ("stops", BenchOutput.integer(result.stops)),
      ]).compactText)
    } else {
      print("\(result.scheduler): one decision with \(result.history) trials (\(result.reports) epoch reports) in the history, \(result.repetitions) decisions (\(result.stops) stops)")
      print("  median \(BenchOutput.format(result.median * 1e3)) ms   p90 \(BenchOutput.format(result.p90 * 1e3)) ms   max \(BenchOutput.format(result.maximum * 1e3)) ms")
      print("  at rung epochs (1, 3, 9, 27): median \(BenchOutput.format(result.rungMedian * 1e3)) ms   max \(BenchOutput.format(result.rungMaximum * 1e3)) ms")
    }
  }
}
