import Foundation
import HPOCore
import HPOWire

/// Runs the `function` model kind: evaluates a built-in function of the
/// configuration instead of training, so the search and the coordinator can
/// be tested and measured alone.
///
/// With `model.epochs` set, it reports a value per epoch that decreases
/// towards the final value (epoch e of E reports f + (|f| + 1)·(E − e)/E), and
/// stops when told to; `sleep` spreads its `seconds` over the epochs.
public struct FunctionRunner: TrialRunner {
  public init() {}

  public func run(
    _ assignment: TrialAssignment, shardFiles: [String: URL], report: (Int, [String: Double]) throws -> Bool
  ) throws -> TrialRun {
    guard let function = assignment.model.function else { throw TrialRunError("the function model needs model.function") }
    let c = assignment.configuration
    let value = try Self.evaluate(function, c, trial: assignment.key.trial)
    let epochs = assignment.epochs ?? 0
    let seconds = function == .sleep ? (c["seconds"]?.numericValue ?? 0.1) : 0
    guard epochs > 0 else {
      if seconds > 0 { Thread.sleep(forTimeInterval: seconds) }
      return TrialRun(metrics: ["value": value], epochs: 0, stopped: false)
    }
    for epoch in 1...epochs {
      if seconds > 0 { Thread.sleep(forTimeInterval: seconds / Double(epochs)) }
      let current = value + (abs(value) + 1) * Double(epochs - epoch) / Double(epochs)
      if try !report(epoch, ["value": current]) {
        return TrialRun(metrics: ["value": current], epochs: epoch, stopped: true)
      }
    }
    return TrialRun(metrics: ["value": value], epochs: epochs, stopped: false)
  }

  /// The value of `function` at configuration `c` (minimised).
  public static func evaluate(_ function: BuiltinFunction, _ c: Configuration, trial: Int) throws -> Double {
    func number(_ name: String) throws -> Double {
      guard let v = c[name]?.numericValue else {
        throw TrialRunError("\(function.rawValue) needs a numeric parameter \"\(name)\"; the configuration has \(c)")
      }
      return v
    }
    let xs = c.sorted.filter { $0.name.hasPrefix("x") }.compactMap { $0.value.numericValue }
    switch function {
    case .branin:
      let x1 = try number("x1"), x2 = try number("x2")
      let a = 1.0, b = 5.1 / (4 * Double.pi * Double.pi), cc = 5 / Double.pi, r = 6.0, s = 10.0, t = 1 / (8 * Double.pi)
      let term = x2 - b * x1 * x1 + cc * x1 - r
      return a * term * term + s * (1 - t) * cos(x1) + s
    case .rosenbrock:
      guard xs.count >= 2 else { throw TrialRunError("rosenbrock needs at least two parameters named x…") }
      return zip(xs, xs.dropFirst()).reduce(0) { sum, pair in
        sum + 100 * (pair.1 - pair.0 * pair.0) * (pair.1 - pair.0 * pair.0) + (1 - pair.0) * (1 - pair.0)
      }
    case .sphere:
      return c.sorted.compactMap { $0.value.numericValue }.reduce(0) { $0 + $1 * $1 }
    case .sleep:
      return c["value"]?.numericValue ?? Double(trial)
    }
  }
}
