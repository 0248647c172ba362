import ArgumentParser
import HPOCore
import HPOSearch

extension HPOCommand {
  /// `hpo bench`: how fast the samplers suggest and how well they search.
  struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Measure the search strategies: suggestion and early-stopping decision latency, search quality.",
      discussion: """
        Experiments/benchmarks/search/run.sh runs the same work through Optuna's TPE \
        and prints the ratios; Experiments/benchmarks/multi-objective/run.sh does the \
        same for `hpo bench pareto` against Optuna's NSGA-II and multi-objective TPE.
        """,
      subcommands: [BenchSuggest.self, BenchSchedule.self, BenchSearch.self, BenchPareto.self])
  }
}

/// The samplers `hpo bench` can measure (the experiment format's strategies).
enum BenchSampler: String, ExpressibleByArgument, CaseIterable {
  case grid, random, sobol, tpe, gp

  var strategy: Strategy { Strategy(rawValue: rawValue)! }

  /// The sampler an experiment with this strategy, `seed` and default options would use.
  func make(seed: UInt64, direction: Direction) -> any Sampler {
    makeSampler(for: SearchSpec(strategy: strategy, trials: 1, seed: seed), direction: direction)
  }
}

/// `--direction` of `hpo bench search` (a local enum, so that no other command's
/// conformance of `Direction` can clash with it).
enum BenchDirection: String, ExpressibleByArgument, CaseIterable {
  case minimize, maximize

  var direction: Direction { self == .minimize ? .minimize : .maximize }
}

/// Rendering of benchmark results: a short text table or one JSON object.
enum BenchOutput {
  static func number(_ value: Double) -> JSONValue {
    value.isFinite ? JSONValue(.number(JSONNumber(value))) : JSONValue(.null)
  }

  static func object(_ members: [(String, JSONValue)]) -> JSONValue {
    JSONValue(.object(members.map { JSONMember(key: $0.0, value: $0.1) }))
  }

  static func string(_ s: String) -> JSONValue { JSONValue(.string(s)) }

  static func integer(_ i: Int) -> JSONValue { JSONValue(.number(JSONNumber(i))) }

  /// A value for a table: four significant digits, plain when reasonable.
  static func format(_ value: Double) -> String {
    guard value.isFinite else { return String(describing: value) }
    let magnitude = Swift.abs(value)
    if magnitude != 0 && (magnitude < 1e-3 || magnitude >= 1e6) {
      return String(format: "%.4g", value)
    }
    return String(format: "%.4g", value)
  }
}
