import HPOCore
@testable import HPOSearch
import Testing

/// Two variables in [−2, 2]; the objectives' optima lie where x + y > 0,
/// which the constraint x + y ≤ 0 excludes.
private let planeSpace = SearchSpace([
  Parameter(name: "x", domain: .float(FloatRange(low: -2, high: 2))),
  Parameter(name: "y", domain: .float(FloatRange(low: -2, high: 2))),
])
private func coordinates(_ c: Configuration) -> (Double, Double) {
  (c["x"]?.numericValue ?? 0, c["y"]?.numericValue ?? 0)
}
private func sumConstraint(_ c: Configuration) -> Double {
  let (x, y) = coordinates(c)
  return x + y
}
private func bowls(_ c: Configuration) -> [Double] {
  let (x, y) = coordinates(c)
  return [(x - 1) * (x - 1) + (y - 1) * (y - 1), (x - 1.5) * (x - 1.5) + (y - 0.5) * (y - 0.5)]
}

@Suite("MOTPE: constraints and the single-objective path")
struct MOTPEConstraintTests {
  func trial(_ n: Int, _ value: Double, violation: Double? = nil) -> TrialRecord {
    TrialRecord(
      number: n, configuration: Configuration(["x": .float(value)]), state: .complete, value: value,
      violations: violation.map { [$0] } ?? [])
  }

  @Test("split: infeasible trials are good only when feasible ones run short, least violation first")
  func split() {
    let history = [
      trial(0, 5, violation: 0), trial(1, 1, violation: 2), trial(2, 3, violation: 0), trial(3, 0.5, violation: 0.1),
      trial(4, 4, violation: 0), TrialRecord(number: 5, configuration: Configuration(), state: .pending),
    ]
    func below(_ history: [TrialRecord], gamma: Double) -> [Int] {
      let scored = ScoredHistory(history, direction: .minimize)
      let infeasible = scored.infeasible(in: history)
      return TPESplit(scored.markingFailed(infeasible), gamma: gamma, constantLiar: true, infeasible: infeasible).below
    }
    #expect(below(history, gamma: 0.5) == [0, 2, 4])
    #expect(below(history, gamma: 0.7) == [0, 2, 3, 4])
    #expect(below(history, gamma: 1) == [0, 1, 2, 3, 4])
    // Without constraints the two best values are good, whatever they violate.
    let unconstrained = history.map { t in var t = t; t.violations = []; return t }
    #expect(below(unconstrained, gamma: 0.5) == [1, 2, 3])
  }

  @Test("after start-up, more suggestions are feasible when TPE knows the constraint", arguments: [1, 2])
  func feasibleShare(objectives: Int) throws {
    let directions = [Direction](repeating: .minimize, count: objectives)
    let sampler = TPESampler(directions: directions)
    func share(constrained: Bool) throws -> Double {
      var feasible = 0
      var total = 0
      let measure: (Configuration) -> [Double] = { Array(bowls($0).prefix(objectives)) }
      var constraint: ((Configuration) -> Double)?
      if constrained { constraint = sumConstraint }
      for seed in 0..<5 {
        let history = try runMultiObjective(
          sampler, space: planeSpace, trials: 60, seed: UInt64(seed), objectives: measure, constraint: constraint)
        for t in history.dropFirst(10) {
          total += 1
          if sumConstraint(t.configuration) <= 0 { feasible += 1 }
        }
      }
      return Double(feasible) / Double(total)
    }
    let with = try share(constrained: true)
    let without = try share(constrained: false)
    print("feasible share after start-up, \(objectives) objective(s): with constraint \(with), without \(without)")
    #expect(with > without, "with \(with), without \(without)")
  }

  @Test("one objective: `directions: [d]` and met constraints suggest exactly what the plain sampler does")
  func singleObjectiveUnchanged() throws {
    let options = TPEOptions(startupTrials: 5, gamma: 0.2)
    let plain = TPESampler(options: options, direction: .maximize)
    let listed = TPESampler(options: options, directions: [.maximize])
    for seed in 0..<4 {
      var history = try runSearch(plain, space: mixedSpace, trials: 30, seed: UInt64(seed)) { -mixedObjective($0) }
      history[7].state = .pruned
      history[7].intermediate = [IntermediateReport(step: 2, value: -3)]
      history[9].state = .failed
      history.append(TrialRecord(number: 30, configuration: history[3].configuration, state: .running))
      let met = history.map { t in var t = t; t.violations = [0, -1]; return t }
      for stream in 0..<5 {
        var a = SeededGenerator(seed: UInt64(seed), stream: UInt64(100 + stream))
        var b = a
        var c = a
        let expected = try plain.suggest(in: mixedSpace, history: history, using: &a)
        #expect(try listed.suggest(in: mixedSpace, history: history, using: &b) == expected)
        #expect(try plain.suggest(in: mixedSpace, history: met, using: &c) == expected)
      }
    }
  }
}
