import ArgumentParser
import Foundation
import HPOCore
import HPOSearch

/// `hpo bench search`: the best value found after half and all of T trials,
/// over K seeds.
struct BenchSearch: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "search",
    abstract: "Search a function K times and report the best values found (median, quartiles).",
    discussion: """
      Built-in functions (minimised): branin (2-D), rosenbrock (5-D on [-5, 10]), mixed \
      (log-scaled float, float, int and categorical). Any other function: --space FILE \
      (a JSON file with a "space" object in the experiment format) and \
      --objective-command CMD, run with /bin/sh once per trial, which reads the \
      configuration as one JSON object line on standard input and prints one number on \
      standard output (minimised unless --direction maximize). A command that fails or \
      prints no number makes a failed trial.
      """)

  @Option(help: "A built-in function: \(BenchmarkProblem.builtInNames.joined(separator: ", ")).")
  var function: String?

  @Option(help: "A JSON file holding a \"space\" object (with --objective-command).")
  var space: String?

  @Option(help: "A shell command evaluating one configuration (with --space).")
  var objectiveCommand: String?

  @Option(help: "With --objective-command: minimize or maximize the printed number.")
  var direction: BenchDirection = .minimize

  @Option(help: "The sampler: \(BenchSampler.allCases.map(\.rawValue).joined(separator: ", ")).")
  var sampler: BenchSampler = .tpe

  @Option(help: "Trials per search.")
  var trials: Int = 100

  @Option(help: "Independent searches (seeds 0 to K-1).")
  var seeds: Int = 30

  @Option(help: "table: a few lines of text; json: one object (default: table; csv: not available).")
  var format: OutputFormat?

  // The previous release's spelling of --format json; kept one release because scripts call it.
  @Flag(help: .hidden)
  var json = false

  func validate() throws {
    try OutputFormat.check(format, json: json, "hpo bench search", accepts: [.table, .json])
    guard trials >= 1 else { throw ValidationError("--trials must be at least 1, got \(trials)") }
    guard seeds >= 1 else { throw ValidationError("--seeds must be at least 1, got \(seeds)") }
    switch (function, space, objectiveCommand) {
    case (.some(let f), nil, nil):
      guard BenchmarkProblem.builtIn(f) != nil else {
        throw ValidationError("unknown function '\(f)'; accepted: \(BenchmarkProblem.builtInNames.joined(separator: ", ")), or --space with --objective-command")
      }
    case (nil, .some, .some):
      break
    case (nil, .some, nil):
      throw ValidationError("--space needs --objective-command to evaluate configurations")
    case (nil, nil, .some):
      throw ValidationError("--objective-command needs --space to know what to search")
    default:
      throw ValidationError("give either --function or both --space and --objective-command")
    }
  }

  func run() throws {
    let problem: BenchmarkProblem
    if let function, let builtIn = BenchmarkProblem.builtIn(function) {
      problem = builtIn
    } else if let space, let objectiveCommand {
      ObjectiveCommand.ignoreBrokenPipes()
      do {
        problem = BenchmarkProblem(
          name: (space as NSString).lastPathComponent, space: try BenchSpaceFile.load(space), direction: direction.direction,
          evaluate: ObjectiveCommand(command: objectiveCommand).evaluate)
      } catch let error as BenchSpaceFile.LoadError {
        FileHandleOutput.standardError("hpo bench search: \(space): \(error.message)")
        throw HPOExitCode.badInput
      }
    } else {
      throw HPOExitCode.badInput
    }
    let result: SearchBenchmark.Result
    do {
      result = try SearchBenchmark(trials: trials, seeds: seeds).run(problem, samplerName: sampler.rawValue) { seed in
        sampler.make(seed: seed, direction: problem.direction)
      }
    } catch let error as SamplerError {
      FileHandleOutput.standardError("hpo bench search: \(error.message)")
      throw HPOExitCode.badInput
    }
    if OutputFormat.resolve(format, json: json) == .json {
      func quartiles(_ q: SearchBenchmark.Quartiles) -> JSONValue {
        BenchOutput.object([
          ("trials", BenchOutput.integer(q.trials)), ("q1", BenchOutput.number(q.q1)),
          ("median", BenchOutput.number(q.median)), ("q3", BenchOutput.number(q.q3)),
        ])
      }
      print(BenchOutput.object([
        ("function", BenchOutput.string(result.function)),
        ("sampler", BenchOutput.string(result.sampler)),
        ("direction", BenchOutput.string(problem.direction.rawValue)),
        ("trials", BenchOutput.integer(result.trials)),
        ("seeds", BenchOutput.integer(result.seeds)),
        ("half", quartiles(result.half)),
        ("full", quartiles(result.full)),
        ("failed_trials", BenchOutput.integer(result.failedTrials)),
      ]).compactText)
    } else {
      print("\(result.sampler) on \(result.function): best value (\(problem.direction.rawValue)d) over \(result.seeds) seeds")
      for q in [result.half, result.full] {
        let label = "after \(q.trials) trials:".padding(toLength: 20, withPad: " ", startingAt: 0)
        print("  \(label) median \(BenchOutput.format(q.median))   quartiles [\(BenchOutput.format(q.q1)), \(BenchOutput.format(q.q3))]")
      }
      if result.failedTrials > 0 { print("  \(result.failedTrials) failed trials") }
    }
  }
}
