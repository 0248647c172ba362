import Foundation
import HPOCore
import HPOData
import HPOModels

/// The release gates of `validation`, each turned into a ``GateResult``.
enum ReleaseGates {
  /// `validation.gates`: each metric on the test split within its thresholds.
  static func thresholds(_ gates: [Gate], test: [Metric: Double]) -> [GateResult] {
    gates.map { g in
      let bounds = [g.min.map { "≥ \(short($0))" }, g.max.map { "≤ \(short($0))" }].compactMap { $0 }
      let threshold = bounds.joined(separator: " and ")
      let name = "\(g.metric.rawValue) \(threshold)"
      guard let v = test[g.metric], v.isFinite else {
        return GateResult(name: name, kind: .metric, passed: false, threshold: threshold,
                          detail: "\(g.metric.rawValue) is undefined on the test split")
      }
      let passed = (g.min.map { v >= $0 } ?? true) && (g.max.map { v <= $0 } ?? true)
      return GateResult(name: name, kind: .metric, passed: passed, value: v, threshold: threshold,
                        detail: "test \(g.metric.rawValue) \(formatted(v)) \(passed ? "meets" : "misses") \(threshold)")
    }
  }

  /// `validation.max_gap`: |validation − test| of the objective.
  static func gap(_ maxGap: Double, metric: Metric, validation: [Metric: Double], test: [Metric: Double]) -> GateResult {
    let threshold = "≤ \(short(maxGap))"
    guard let v = validation[metric], let t = test[metric], v.isFinite, t.isFinite else {
      return GateResult(name: "gap", kind: .gap, passed: false, threshold: threshold,
                        detail: "\(metric.rawValue) is missing on the validation or the test split")
    }
    let gap = abs(v - t)
    let passed = gap <= maxGap
    return GateResult(name: "gap", kind: .gap, passed: passed, value: gap, threshold: threshold,
                      detail: "|validation \(formatted(v)) − test \(formatted(t))| = \(formatted(gap)) \(passed ? "≤" : ">") \(short(maxGap))")
  }

  /// The champion gate: not worse than the champion by more than the tolerance,
  /// and better by at least `min_improvement` when set (in the objective's direction).
  static func champion(_ c: ChampionComparison?, entry: String, validation v: ValidationSpec, direction: Direction) -> GateResult {
    guard let c else {
      return GateResult(name: "champion", kind: .champion, passed: true, threshold: "no champion",
                        detail: "\(entry) has no current version; nothing to compare against")
    }
    let sign: Double = direction == .maximize ? 1 : -1
    let improvement = sign * (c.winner - c.champion)  // > 0: the winner is better
    var needed = -v.championTolerance
    var threshold = "not worse than the champion by more than \(short(v.championTolerance)) \(c.metric.rawValue)"
    if let m = v.minImprovement {
      needed = max(needed, m)
      threshold = "better than the champion by at least \(short(m)) \(c.metric.rawValue)"
    }
    let passed = improvement >= needed - 1e-12
    return GateResult(
      name: "champion", kind: .champion, passed: passed, value: c.winner - c.champion, threshold: threshold,
      detail: "\(c.metric.rawValue) winner \(formatted(c.winner)) vs champion \(formatted(c.champion)) (\(c.version)); \(c.testSummary)")
  }

  /// Seed stability: the winner's test objective with its own seed and `seeds`
  /// other ones; the spread (max − min) within the bound.
  static func seedStability(_ s: SeedStabilitySpec, values: [Double], seeds: [UInt64], metric: Metric) -> GateResult {
    let threshold = "spread ≤ \(short(s.maxSpread)) \(metric.rawValue)"
    guard values.allSatisfy(\.isFinite), let lo = values.min(), let hi = values.max() else {
      return GateResult(name: "seed_stability", kind: .seedStability, passed: false, threshold: threshold,
                        detail: "test \(metric.rawValue) is not finite for every seed: \(values.map(formatted))")
    }
    let spread = hi - lo
    let passed = spread <= s.maxSpread
    return GateResult(
      name: "seed_stability", kind: .seedStability, passed: passed, value: spread, threshold: threshold,
      detail: "test \(metric.rawValue) over seeds \(seeds.map(String.init).joined(separator: ", ")): \(values.map(formatted).joined(separator: ", ")); spread \(formatted(spread))")
  }
}
