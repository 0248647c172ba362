import HPOCore
@testable import HPOSearch
import Testing

/// A space with every kind of parameter and a condition: a log float, a
/// stepped float, an int, a log int, a categorical whose value switches two
/// conditional floats on and off, and a fixed value.
let mixedSpace = SearchSpace([
  Parameter(name: "lr", domain: .float(FloatRange(low: 1e-4, high: 1, log: true))),
  Parameter(name: "dropout", domain: .float(FloatRange(low: 0, high: 0.5, step: 0.05))),
  Parameter(name: "layers", domain: .int(IntRange(low: 1, high: 4))),
  Parameter(name: "units", domain: .int(IntRange(low: 16, high: 256, log: true))),
  Parameter(name: "optimizer", domain: .categorical([.string("sgd"), .string("adam")])),
  Parameter(
    name: "momentum", domain: .float(FloatRange(low: 0, high: 0.99)),
    condition: Condition([.init(parent: "optimizer", values: [.string("sgd")])])),
  Parameter(
    name: "beta1", domain: .float(FloatRange(low: 0.8, high: 0.999)),
    condition: Condition([.init(parent: "optimizer", values: [.string("adam")])])),
  Parameter(name: "batch", domain: .fixed(.int(32))),
])

/// A smooth objective over ``mixedSpace`` (lower is better).
func mixedObjective(_ c: Configuration) -> Double {
  let lr = Math.log(c["lr"]?.numericValue ?? 1) / Math.log(10) + 2
  let dropout = (c["dropout"]?.numericValue ?? 0) - 0.2
  let layers = (c["layers"]?.numericValue ?? 1) - 3
  let units = Math.log((c["units"]?.numericValue ?? 16) / 64)
  var f = lr * lr + 4 * dropout * dropout + 0.1 * layers * layers + 0.2 * units * units
  if c["optimizer"] == .string("sgd") {
    let m = (c["momentum"]?.numericValue ?? 0) - 0.9
    f += 0.2 + m * m
  } else {
    let b = (c["beta1"]?.numericValue ?? 0) - 0.9
    f += 3 * b * b
  }
  return f
}

/// One sampler under test, made for a seed.
struct SamplerCase: CustomTestStringConvertible, Sendable {
  var name: String
  var make: @Sendable (UInt64) -> any Sampler
  var testDescription: String { name }
}

/// TPE and GP with their start-up shortened so that a few trials reach the models.
let modelSamplers: [SamplerCase] = [
  SamplerCase(name: "tpe") { _ in TPESampler(options: TPEOptions(startupTrials: 5)) },
  SamplerCase(name: "gp") { _ in GPSampler(startupTrials: 5, candidatePool: 128, localSearches: 2) },
]

let stochasticSamplers: [SamplerCase] = [
  SamplerCase(name: "random") { _ in RandomSampler() },
  SamplerCase(name: "sobol") { SobolSampler(seed: $0) },
] + modelSamplers

/// Runs `trials` sequential trials of `sampler` on `space`, each suggestion with
/// the generator of (seed, trial number), as the coordinator does.
func runSearch(
  _ sampler: any Sampler, space: SearchSpace, trials: Int, seed: UInt64,
  objective: (Configuration) -> Double
) throws -> [TrialRecord] {
  var history: [TrialRecord] = []
  for t in 0..<trials {
    var rng = SeededGenerator(seed: seed, stream: UInt64(t))
    guard case .configuration(let c) = try sampler.suggest(in: space, history: history, using: &rng) else { break }
    history.append(TrialRecord(number: t, configuration: c, state: .complete, value: objective(c)))
  }
  return history
}

/// The best (lowest) value of a history.
func bestValue(_ history: [TrialRecord]) -> Double {
  history.compactMap(\.value).filter(\.isFinite).min() ?? .infinity
}

func median(_ values: [Double]) -> Double {
  Statistics.quantile(sorted: values.sorted(), 0.5)
}

/// Expects `config` to be a valid point of `space`: every active parameter
/// present, in bounds, on its step, of its type; no inactive ones.
func expectValid(_ config: Configuration, in space: SearchSpace, sourceLocation: SourceLocation = #_sourceLocation) {
  #expect(space.validates(config), "\(config) is not a valid point", sourceLocation: sourceLocation)
  for p in space.parameters {
    guard let v = config[p.name] else { continue }
    switch p.domain {
    case .int:
      guard case .int = v else {
        Issue.record("\(p.name) = \(v) should be an int", sourceLocation: sourceLocation)
        continue
      }
    case .float:
      guard case .float = v else {
        Issue.record("\(p.name) = \(v) should be a float", sourceLocation: sourceLocation)
        continue
      }
    default:
      break
    }
  }
}
