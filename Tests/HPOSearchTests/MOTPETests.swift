import HPOCore
@testable import HPOSearch
import Testing

/// ZDT1 with 5 variables in [0, 1]: both objectives minimised, the Pareto
/// front f2 = 1 − √f1 where x1…x4 = 0.
private let zdt1Space = SearchSpace((0..<5).map { Parameter(name: "x\($0)", domain: .float(FloatRange(low: 0, high: 1))) })
private func zdt1(_ c: Configuration) -> [Double] {
  let x = (0..<5).map { c["x\($0)"]?.numericValue ?? 0 }
  let g = 1 + 9 * x[1...].reduce(0, +) / 4
  return [x[0], g * (1 - (x[0] / g).squareRoot())]
}

/// Runs `trials` sequential trials as the coordinator records them with
/// several objectives: `value` the first, `values` all of them, and
/// `violations` from `constraint` (≤ 0 met) when there is one.
func runMultiObjective(
  _ sampler: any Sampler, space: SearchSpace, trials: Int, seed: UInt64, objectives: (Configuration) -> [Double],
  constraint: ((Configuration) -> Double)? = nil
) throws -> [TrialRecord] {
  var history: [TrialRecord] = []
  for t in 0..<trials {
    var rng = SeededGenerator(seed: seed, stream: UInt64(t))
    guard case .configuration(let c) = try sampler.suggest(in: space, history: history, using: &rng) else { break }
    let v = objectives(c)
    history.append(
      TrialRecord(
        number: t, configuration: c, state: .complete, value: v[0], values: v.count > 1 ? v : [],
        violations: constraint.map { [Swift.max(0, $0(c))] } ?? []))
  }
  return history
}

@Suite("MOTPE")
struct MOTPETests {
  /// Points (minimise f1, maximise f2 given as −y) whose fronts and greedy
  /// hypervolume choice are worked out by hand in `split()`.
  func trial(_ n: Int, _ x: Double, _ y: Double, state: TrialState = .complete, violation: Double? = nil) -> TrialRecord {
    TrialRecord(
      number: n, configuration: Configuration(["x": .float(x)]), state: state, value: x, values: [x, -y],
      violations: violation.map { [$0] } ?? [])
  }

  @Test("split: whole fronts, then greedy hypervolume in the straddling front; good kernels weigh the same")
  func split() {
    let history = [
      trial(0, 1, 4), trial(1, 2.5, 2.5), trial(2, 4, 1),  // front 0: A, M, B
      trial(3, 1.5, 5), trial(4, 3, 3), trial(5, 5, 2),  // front 1: C (under A), D (under M), E (under B)
      trial(6, 6, 6),  // front 2
      trial(7, 0, 0, violation: 1),  // best of all, but infeasible
      TrialRecord(number: 8, configuration: Configuration(), state: .complete, value: .nan, values: [.nan, 1]),
      TrialRecord(number: 9, configuration: Configuration(), state: .pending),
    ]
    var scored = ScoredHistory(history, direction: .minimize)
    #expect(scored.finishedCount == 9)
    let infeasible = scored.infeasible(in: history)
    #expect(infeasible == [TPESplit.Infeasible(t: 7, violation: 1)])
    scored = scored.markingFailed(infeasible)
    // ⌈0.5 · 9⌉ = 5 good: front 0 (3) fits; 2 of front 1 by hypervolume with reference
    // 1.1 × its worst point (5, 5) = (5.5, 5.5): D's box 2.5² = 6.25 beats C's 4 × 0.5
    // and E's 0.5 × 3.5; then next to D, C adds 2 − 1.25 = 0.75 and E 1.75 − 1.25 = 0.5.
    let split = TPESplit(
      multiObjective: history, scored: scored, directions: [.minimize, .maximize], gamma: 0.5, constantLiar: true,
      infeasible: infeasible)
    #expect(split.below == [0, 1, 2, 3, 4])
    #expect(split.above == [5, 6, 7, 8, 9])
    // As Optuna 5: every good trial weighs 1 (C and D, dominated, as much as A, M and B);
    // the infeasible trial, above here, would weigh 10⁻¹² if it were good.
    let w = split.belowWeights ?? []
    #expect(split.below.allSatisfy { w[$0] == 1 })
    #expect(w[7] == 1e-12)
    // Without the liar, the pending trial is in neither set.
    let honest = TPESplit(
      multiObjective: history, scored: scored, directions: [.minimize, .maximize], gamma: 0.5, constantLiar: false,
      infeasible: infeasible)
    #expect(honest.above == [5, 6, 7, 8])
  }

  @Test("greedy hypervolume subset: distinct points first, ties to the lower index, duplicates only when short")
  func subset() {
    let r = [4.0, 4.0]
    // Boxes 3, 4, 3: the middle one first; then (1, 3) and (3, 1) add 1 each: the lower index.
    #expect(Hypervolume.greedySubset([[1, 3], [2, 2], [3, 1]], size: 2, reference: r) == [1, 0])
    #expect(Hypervolume.greedySubset([[2, 2], [2, 2], [1, 3]], size: 2, reference: r) == [0, 2])
    #expect(Hypervolume.greedySubset([[2, 2], [2, 2], [1, 3]], size: 3, reference: r) == [0, 1, 2])
    #expect(Hypervolume.greedySubset([[2, 2], [2, 2], [2, 2]], size: 2, reference: r) == [0, 1])
    #expect(Hypervolume.referencePoint(losses: [[-2, 0], [1, -3]]) == [1.1, 1e-12])
  }

  @Test("the same seed and history give identical suggestions, valid in a conditional space")
  func deterministic() throws {
    let sampler = TPESampler(options: TPEOptions(startupTrials: 5), directions: [.minimize, .maximize])
    let objectives: (Configuration) -> [Double] = { c in [mixedObjective(c), c["dropout"]?.numericValue ?? 0] }
    let a = try runMultiObjective(sampler, space: mixedSpace, trials: 25, seed: 3, objectives: objectives)
    let b = try runMultiObjective(sampler, space: mixedSpace, trials: 25, seed: 3, objectives: objectives)
    #expect(a == b)
    for t in a { expectValid(t.configuration, in: mixedSpace) }
    let c = try runMultiObjective(sampler, space: mixedSpace, trials: 25, seed: 4, objectives: objectives)
    #expect(a.map(\.configuration) != c.map(\.configuration))
  }

  @Test("on ZDT1 (5 variables), 150 trials of MOTPE reach a larger hypervolume than random, median of 5 seeds")
  func beatsRandom() throws {
    func medianVolume(_ sampler: any Sampler) throws -> Double {
      median(try (0..<5).map { seed in
        let history = try runMultiObjective(sampler, space: zdt1Space, trials: 150, seed: UInt64(seed), objectives: zdt1)
        return Hypervolume.volume(history.map(\.values), reference: [11, 11], directions: [.minimize, .minimize])
      })
    }
    let random = try medianVolume(RandomSampler())
    let motpe = try medianVolume(TPESampler(directions: [.minimize, .minimize]))
    print("ZDT1-5D hypervolume (reference (11, 11), 150 trials, median of 5 seeds): motpe \(motpe), random \(random)")
    #expect(motpe > random, "motpe \(motpe), random \(random)")
  }

  @Test("the factory builds multi-objective TPE for tpe with several objectives")
  func factory() {
    let space = SearchSpace([Parameter(name: "x", domain: .float(FloatRange(low: 0, high: 1)))])
    func spec(_ objectives: [ObjectiveSpec]?, _ strategy: Strategy = .tpe) -> ExperimentSpec {
      ExperimentSpec(
        name: "s", data: nil, model: ModelSpec(kind: .function), space: space,
        objective: ObjectiveSpec(metric: .value), search: SearchSpec(strategy: strategy, trials: 10),
        output: OutputSpec(dir: "out"), objectives: objectives)
    }
    let two = [ObjectiveSpec(metric: .value), ObjectiveSpec(metric: .latencyMs)]
    #expect((makeSampler(for: spec(two)) as? TPESampler)?.directions == [.minimize, .minimize])
    #expect((makeSampler(for: spec(nil)) as? TPESampler)?.directions == [.minimize])
    #expect(makeSampler(for: spec(two, .random)) is RandomSampler)
  }
}
