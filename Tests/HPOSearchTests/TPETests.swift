import HPOCore
@testable import HPOSearch
import Testing

/// A convex quadratic in 3-D, minimum 0 at (1, −2, 0.5).
let quadraticSpace = SearchSpace((0..<3).map { Parameter(name: "x\($0)", domain: .float(FloatRange(low: -5, high: 5))) })
func quadratic(_ c: Configuration) -> Double {
  let centre = [1.0, -2.0, 0.5]
  return (0..<3).reduce(0) { s, i in
    let d = (c["x\(i)"]?.numericValue ?? 0) - centre[i]
    return s + d * d
  }
}

/// The median over 20 seeds of the best value after 60 trials.
func medianBest(_ make: (UInt64) -> any Sampler) throws -> Double {
  median(try (0..<20).map { seed in
    bestValue(try runSearch(make(UInt64(seed)), space: quadraticSpace, trials: 60, seed: UInt64(seed), objective: quadratic))
  })
}

@Suite("TPE")
struct TPETests {
  @Test("on a convex quadratic, the median best of 20 seeds after 60 trials is far below random's")
  func beatsRandom() throws {
    let random = try medianBest { _ in RandomSampler() }
    let tpe = try medianBest { _ in TPESampler() }
    // Random reaches about 2.4 here, TPE below 0.01.
    #expect(tpe < random / 20, "tpe \(tpe), random \(random)")
  }

  @Test("γ: min(⌈γ·n⌉, 25) good trials; weights ramp up to the newest 25")
  func splitShape() {
    #expect(TPESplit.belowCount(finished: 10, gamma: 0.1) == 1)
    #expect(TPESplit.belowCount(finished: 11, gamma: 0.1) == 2)
    #expect(TPESplit.belowCount(finished: 1000, gamma: 0.1) == 25)
    #expect(TPESplit.belowCount(finished: 40, gamma: 0.5) == 20)
    #expect(TPESplit.defaultWeights(3) == [1, 1, 1])
    let w = TPESplit.defaultWeights(30)
    #expect(w.count == 30 && w[0] == 1.0 / 30 && w[4] == 1 && w[5...].allSatisfy { $0 == 1 })
  }

  @Test("split: best complete trials below; failed, non-finite and (with the liar) pending above")
  func split() {
    func trial(_ n: Int, _ state: TrialState, _ v: Double?) -> TrialRecord {
      TrialRecord(number: n, configuration: Configuration(), state: state, value: v)
    }
    let history = [
      trial(0, .complete, 5), trial(1, .complete, 1), trial(2, .failed, nil), trial(3, .complete, .nan),
      trial(4, .pending, nil), trial(5, .complete, 3), trial(6, .pruned, 0.1),
    ] + (7..<20).map { trial($0, .complete, Double($0)) }
    let scored = ScoredHistory(history, direction: .minimize)
    #expect(scored.finishedCount == 18)
    let liar = TPESplit(scored, gamma: 0.1, constantLiar: true)
    #expect(liar.below == [1, 5])
    #expect(liar.above.contains(2) && liar.above.contains(3) && liar.above.contains(4) && liar.above.contains(6))
    let honest = TPESplit(scored, gamma: 0.1, constantLiar: false)
    #expect(!honest.above.contains(4))
    // Maximising: the largest values are good.
    let maximise = TPESplit(ScoredHistory(history, direction: .maximize), gamma: 0.1, constantLiar: true)
    #expect(maximise.below == [18, 19])
  }

  @Test("univariate mode and conditional groups work and stay valid")
  func univariate() throws {
    let sampler = TPESampler(options: TPEOptions(startupTrials: 5, multivariate: false))
    let history = try runSearch(sampler, space: mixedSpace, trials: 20, seed: 4, objective: mixedObjective)
    for t in history { expectValid(t.configuration, in: mixedSpace) }
    let groups = TPEGroups(SpaceLayout(mixedSpace), multivariate: true)
    // Unconditional parameters together; momentum and beta1 each in a group of their own.
    #expect(groups.members.count == 3)
  }

  @Test("the Parzen estimator is a normalised density on [0, 1]")
  func density() {
    let estimator = ParzenEstimator(
      columns: [.density(nil)], values: [[0.1, 0.15, 0.8]], weights: [1, 1, 1], settings: .optuna)
    let m = 2000
    let grid = (0..<m).map { (Double($0) + 0.5) / Double(m) }
    let cands = ParzenEstimator.Candidates(count: m, unit: [grid], value: [grid])
    let integral = estimator.logDensity(cands).reduce(0) { $0 + Math.exp($1) } / Double(m)
    #expect(Swift.abs(integral - 1) < 1e-3)
  }
}
