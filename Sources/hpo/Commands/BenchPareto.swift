import ArgumentParser
import HPOCore
import HPOSearch

/// `hpo bench pareto`: the hypervolume a strategy reaches on a problem with
/// several objectives, over K seeds, and its suggestion latency.
struct BenchPareto: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "pareto",
    abstract: "Search a problem with several objectives K times: hypervolume (median, quartiles) and suggestion latency.",
    discussion: """
      Problems (all objectives minimised, standard sizes): zdt1 and zdt2 (30 variables, \
      2 objectives, reference point (11, 11)), dtlz2 (12 variables, 3 objectives, \
      reference point (2.2, 2.2, 2.2)). The sampler is the one an experiment with these \
      objectives and "strategy" would use (makeSampler(for: spec)); a strategy without \
      multi-objective support optimises the first objective. Latency: one suggestion \
      after --history random complete trials (0: not measured).
      """)

  @Option(help: "The problem: \(ParetoProblem.builtInNames.joined(separator: ", ")).")
  var problem: String = "zdt1"

  @Option(help: "The strategy: \(BenchParetoSampler.allCases.map(\.rawValue).joined(separator: ", ")).")
  var sampler: BenchParetoSampler = .nsga2

  @Option(help: "Trials per search.")
  var trials: Int = 200

  @Option(help: "Independent searches (seeds 0 to K-1).")
  var seeds: Int = 10

  @Option(help: "Finished trials before the timed suggestions (0: no latency).")
  var history: Int = 1000

  @Option(help: "Timed suggestions.")
  var repetitions: Int = 10

  @Option(help: "table: a few lines of text; json: one object (default: table; csv: not available).")
  var format: OutputFormat?

  func validate() throws {
    try format?.check("hpo bench pareto", accepts: [.table, .json])
    guard ParetoProblem.builtIn(problem) != nil else {
      throw ValidationError("unknown problem '\(problem)'; accepted: \(ParetoProblem.builtInNames.joined(separator: ", "))")
    }
    guard trials >= 1 else { throw ValidationError("--trials must be at least 1, got \(trials)") }
    guard seeds >= 1 else { throw ValidationError("--seeds must be at least 1, got \(seeds)") }
    guard history >= 0 else { throw ValidationError("--history must be 0 or more, got \(history)") }
    guard repetitions >= 1 else { throw ValidationError("--repetitions must be at least 1, got \(repetitions)") }
  }

  func run() throws {
    guard let problem = ParetoProblem.builtIn(problem) else { throw HPOExitCode.badInput }
    let bench = ParetoBenchmark(problem: problem)
    let quality: ParetoBenchmark.Quality
    var latency: ParetoBenchmark.Latency?
    do {
      quality = try bench.quality(samplerName: sampler.rawValue, trials: trials, seeds: seeds) {
        sampler.make(for: problem, seed: $0)
      }
      if history > 0 {
        latency = try bench.latency(sampler.make(for: problem, seed: 0), history: history, repetitions: repetitions, seed: 0)
      }
    } catch let error as SamplerError {
      FileHandleOutput.standardError("hpo bench pareto: \(error.message)")
      throw HPOExitCode.badInput
    }
    if format == .json {
      var members: [(String, JSONValue)] = [
        ("problem", BenchOutput.string(quality.problem)), ("sampler", BenchOutput.string(quality.sampler)),
        ("trials", BenchOutput.integer(quality.trials)), ("seeds", BenchOutput.integer(quality.hypervolumes.count)),
        ("reference", JSONValue(.array(problem.reference.map(BenchOutput.number)))),
        ("hypervolume", BenchOutput.object([
          ("q1", BenchOutput.number(quality.q1)), ("median", BenchOutput.number(quality.median)),
          ("q3", BenchOutput.number(quality.q3)),
        ])),
        ("hypervolumes", JSONValue(.array(quality.hypervolumes.map(BenchOutput.number)))),
      ]
      if let latency {
        members.append(("latency", BenchOutput.object([
          ("history", BenchOutput.integer(latency.history)), ("repetitions", BenchOutput.integer(latency.repetitions)),
          ("median_ms", BenchOutput.number(latency.median * 1e3)), ("p90_ms", BenchOutput.number(latency.p90 * 1e3)),
        ])))
      }
      print(BenchOutput.object(members).compactText)
    } else {
      let reference = problem.reference.map(BenchOutput.format).joined(separator: ", ")
      print("\(quality.sampler) on \(quality.problem): hypervolume after \(quality.trials) trials (reference (\(reference))) over \(quality.hypervolumes.count) seeds")
      print("  median \(BenchOutput.format(quality.median))   quartiles [\(BenchOutput.format(quality.q1)), \(BenchOutput.format(quality.q3))]")
      if let latency {
        print("  one suggestion after \(latency.history) finished trials: median \(BenchOutput.format(latency.median * 1e3)) ms   p90 \(BenchOutput.format(latency.p90 * 1e3)) ms (\(latency.repetitions) repetitions)")
      }
    }
  }
}

/// The strategies `hpo bench pareto` can measure.
enum BenchParetoSampler: String, ExpressibleByArgument, CaseIterable {
  case random, sobol, tpe, nsga2

  /// The sampler of an experiment searching `problem`'s objectives (all of
  /// them, in order) with this strategy, `seed` and default options.
  func make(for problem: ParetoProblem, seed: UInt64) -> any Sampler {
    let objectives = problem.directions.map { ObjectiveSpec(metric: .value, direction: $0) }
    let spec = ExperimentSpec(
      name: "bench-\(problem.name)", data: nil, model: ModelSpec(kind: .function), space: problem.space,
      objective: objectives[0], search: SearchSpec(strategy: Strategy(rawValue: rawValue)!, trials: 1, seed: seed),
      output: OutputSpec(dir: "."), objectives: objectives)
    return makeSampler(for: spec)
  }
}
