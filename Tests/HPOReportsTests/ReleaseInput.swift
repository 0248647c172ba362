import HPOCore
import HPOReports

/// A small release as HPOReports sees it: a maximised accuracy over a float
/// `lr` and a categorical `opt`; trials 0–3 complete, 4 pruned, 5 failed.
func releaseInput(
  status: ReleaseOutcome.Status? = .passed, gates: [ReportInput.Gate] = [], error: String? = nil,
  trials: [ReportInput.Trial]? = nil
) -> ReportInput {
  let space = SearchSpace([
    Parameter(name: "lr", domain: .float(FloatRange(low: 0.01, high: 1))),
    Parameter(name: "opt", domain: .categorical([.string("sgd"), .string("adam")])),
  ])
  func config(_ lr: Double, _ opt: String) -> Configuration { Configuration(["lr": .float(lr), "opt": .string(opt)]) }
  let states: [TrialState] = [.complete, .complete, .complete, .complete, .pruned, .failed]
  let values: [Double?] = [0.8, 0.95, 0.9, 0.95, 0.99, nil]
  let defaultTrials = states.indices.map { i in
    ReportInput.Trial(number: i, state: states[i], value: values[i], configuration: config(0.1 * Double(i + 1), "sgd"), epochs: 5)
  }
  return ReportInput(
    experiment: "iris", objective: "accuracy", direction: .maximize, model: .softmax, status: status,
    outcome: "every gate passed (\(gates.count)); package in /out/package", error: error, gates: gates,
    winner: ReportInput.Winner(
      trialNumber: 1, configuration: config(0.2, "sgd"), origin: "retrained", seed: 9,
      validation: [.accuracy: 0.95, .logLoss: 0.2], test: [.accuracy: 0.9]),
    space: space, trials: trials ?? defaultTrials)
}

extension ReportInput.Gate {
  static func passing(_ name: String) -> Self {
    Self(name: name, kind: "metric", passed: true, value: 0.9, threshold: "≥ 0.8", detail: "fine")
  }
  static func failing(_ name: String, detail: String = "too low") -> Self {
    Self(name: name, kind: "metric", passed: false, value: 0.5, threshold: "≥ 0.8", detail: detail)
  }
}
