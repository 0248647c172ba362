// Writes the store of the dashboard's page-load benchmark (page-load.sh): one experiment,
// `page`, of N trials (100,000 by default) through the real HPOStore API as a coordinator with 16
// workers would: each round leases 16 trials, then they end some seconds later, 85 % complete
// after 3 reported epochs, 10 % pruned after 1, 5 % failed. The objective depends on the
// parameters (so importance and contours have a shape) plus noise. Seeded: the same store each time.
//
//   hpo-dashboard-page-bench --store FILE [--trials N]
import Foundation
import HPOCore
import HPOStore

var trials = 100_000
var path: String?
var arguments = CommandLine.arguments.dropFirst()
while let option = arguments.popFirst() {
  guard let value = arguments.popFirst() else { fatalError("\(option) needs a value") }
  switch option {
  case "--trials": trials = Int(value) ?? trials
  case "--store": path = value
  default: fatalError("unknown option \(option); accepted: --store FILE --trials N")
  }
}
guard let path else { fatalError("give --store FILE") }

let choices = ["adam", "sgd", "rmsprop"]
let spec = ExperimentSpec(
  name: "page", data: nil, model: ModelSpec(kind: .function, function: .branin),
  space: SearchSpace([
    Parameter(name: "lr", domain: .float(FloatRange(low: 1e-5, high: 1, log: true))),
    Parameter(name: "units", domain: .int(IntRange(low: 8, high: 1024))),
    Parameter(name: "dropout", domain: .float(FloatRange(low: 0, high: 0.5))),
    Parameter(name: "optimizer", domain: .categorical(choices.map(ParameterValue.string))),
  ]),
  objective: ObjectiveSpec(metric: .value), search: SearchSpec(strategy: .random, trials: trials, parallel: 16, seed: 1),
  output: OutputSpec(dir: "out", keepTop: 0))
let started = Date()
let store = try ExperimentStore.open(path: path, durability: .normal)
let origin = Date(timeIntervalSince1970: 1_750_000_000)
_ = try store.apply([.createExperiment(spec, seed: 1), .setExperimentState(experiment: "page", .running)], at: origin)
var rng = SplitMix64(state: 7)
for round in stride(from: 0, to: trials, by: 16) {
  let time = origin.addingTimeInterval(Double(round / 16) * 10)
  var leases: [StoreChange] = []
  var ends: [StoreChange] = []
  for i in round..<min(trials, round + 16) {
    let id = TrialID(experiment: "page", number: i)
    let lease = Lease(worker: "worker-\(i % 16)", attempt: 1)
    let lr = pow(10, -5 + 5 * Double.random(in: 0..<1, using: &rng))
    let units = Int.random(in: 8...1024, using: &rng)
    let dropout = Double.random(in: 0...0.5, using: &rng)
    let optimizer = Int.random(in: 0..<3, using: &rng)
    let configuration = Configuration([
      "lr": .float(lr), "units": .int(units), "dropout": .float(dropout), "optimizer": .string(choices[optimizer]),
    ])
    let value = pow(log10(lr) + 3, 2) + pow(Double(units - 512) / 256, 2) + Double(optimizer) * 0.5 + dropout
      + Double.random(in: 0..<0.5, using: &rng)
    leases += [.insertTrial(id, configuration: configuration, seed: UInt64(i)),
               .leaseTrial(id, lease: lease, deadline: time.addingTimeInterval(600))]
    let report = { (step: Int) in
      StoreChange.recordIntermediate(id, lease: lease, step: step, value: value * (1 + 1 / Double(step)), metrics: [:])
    }
    switch i % 20 {
    case 0, 1: ends += [report(1), .pruneTrial(id, lease: lease, value: value * 2, rung: 0, reason: "pruned", epochs: 1)]
    case 2: ends.append(.failTrial(id, lease: lease, reason: "failed"))
    default:
      ends += [report(1), report(2), report(3),
               .completeTrial(id, lease: lease, value: value, metrics: ["value": value], seconds: 8, epochs: 3)]
    }
  }
  _ = try store.apply(leases, at: time)
  _ = try store.apply(ends, at: time.addingTimeInterval(Double.random(in: 2..<9.5, using: &rng)))
}
try store.close()
print("wrote \(trials) trials to \(path) in \(String(format: "%.1f", Date().timeIntervalSince(started))) s")
