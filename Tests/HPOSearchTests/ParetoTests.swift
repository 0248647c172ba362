import HPOCore
@testable import HPOSearch
import Testing

private let minMin: [Direction] = [.minimize, .minimize]

/// The fronts by definition, independently of the fast sort: repeatedly take
/// the remaining points that no remaining point beats under `beats`.
func peeledFronts(count n: Int, beats: (Int, Int) -> Bool) -> [[Int]] {
  var remaining = Array(0..<n)
  var fronts: [[Int]] = []
  while !remaining.isEmpty {
    let front = remaining.filter { i in !remaining.contains { j in beats(j, i) } }
    fronts.append(front)
    remaining.removeAll { front.contains($0) }
  }
  return fronts
}

/// `count` points of `objectives` values drawn from `levels` integers (many
/// ties and duplicates), seeded.
func tiedPoints(count: Int, objectives: Int, levels: Int, seed: UInt64) -> [[Double]] {
  var rng = SeededGenerator(seed: seed)
  return (0..<count).map { _ in (0..<objectives).map { _ in Double(Int.random(in: 0..<levels, using: &rng)) } }
}

@Suite("Pareto: dominance and non-dominated sorting")
struct ParetoSortTests {
  @Test("dominance: no worse everywhere and better somewhere; equal points never dominate")
  func dominance() {
    #expect(Pareto.dominates([1, 2], [1, 3], directions: minMin))
    #expect(!Pareto.dominates([1, 3], [1, 2], directions: minMin))
    #expect(!Pareto.dominates([1, 2], [1, 2], directions: minMin))
    #expect(!Pareto.dominates([1, 3], [2, 2], directions: minMin))
    #expect(Pareto.dominates([0.95, 10], [0.9, 10], directions: [.maximize, .minimize]))
    #expect(!Pareto.dominates([0.9, 10], [0.95, 10], directions: [.maximize, .minimize]))
  }

  @Test("a hand example: duplicates share the Pareto front, each later front is dominated only by earlier ones")
  func handFronts() {
    let points: [[Double]] = [[1, 5], [2, 3], [3, 1], [2, 4], [4, 4], [3, 3], [5, 5], [1, 5]]
    #expect(Pareto.fronts(points, directions: minMin) == [[0, 1, 2, 7], [3, 5], [4], [6]])
    #expect(Pareto.ranks(fronts: [[0, 1, 2, 7], [3, 5], [4], [6]], count: 8) == [0, 0, 0, 1, 2, 1, 3, 0])
  }

  @Test("edge cases: no point, one point, all equal, ties on one objective")
  func edges() {
    #expect(Pareto.fronts([], directions: minMin) == [])
    #expect(Pareto.fronts([[3, 4]], directions: minMin) == [[0]])
    #expect(Pareto.fronts([[1, 1], [1, 1], [1, 1]], directions: minMin) == [[0, 1, 2]])
    #expect(Pareto.fronts([[1, 2], [1, 3], [1, 2]], directions: minMin) == [[0, 2], [1]])
    #expect(Pareto.fronts([[2, 1], [1, 1], [3, 1]], directions: minMin) == [[1], [0], [2]])
    #expect(Pareto.fronts([[7], [3], [7], [5]], directions: [.minimize]) == [[1], [3], [0, 2]])
  }

  @Test("mixed directions: accuracy maximised against latency minimised")
  func mixedDirections() {
    let points: [[Double]] = [[0.9, 10], [0.95, 20], [0.85, 5], [0.9, 12], [0.8, 30], [0.95, 20]]
    #expect(Pareto.fronts(points, directions: [.maximize, .minimize]) == [[0, 1, 2, 5], [3], [4]])
    // Maximising a value is minimising its negation.
    let negated = points.map { [-$0[0], $0[1]] }
    #expect(Pareto.fronts(negated, directions: minMin) == [[0, 1, 2, 5], [3], [4]])
  }

  @Test("NaN is worse than every number, ±∞ included, in either direction; two NaNs tie")
  func nonFinite() {
    let nan = Double.nan
    let points: [[Double]] = [[1, nan], [1, 5], [nan, nan], [0, nan]]
    #expect(Pareto.fronts(points, directions: minMin) == [[1, 3], [0], [2]])
    let flipped = points.map { $0.map { -$0 } }
    #expect(Pareto.fronts(flipped, directions: [.maximize, .maximize]) == [[1, 3], [0], [2]])
    #expect(Pareto.dominates([.infinity], [nan], directions: [.minimize]))
    #expect(Pareto.dominates([-.infinity], [nan], directions: [.maximize]))
    #expect(!Pareto.dominates([nan, 1], [nan, 1], directions: minMin))
    let infinite: [[Double]] = [[.infinity, 0], [-.infinity, 1], [0, .infinity], [.infinity, 0]]
    #expect(Pareto.fronts(infinite, directions: minMin) == [[0, 1, 3], [2]])
  }

  @Test("pinned: Optuna 5.1.0's _fast_non_domination_rank and pymoo 0.6.2's NonDominatedSorting agree")
  func optunaRanks() {
    // Points from numpy RandomState(7).randint(0, 4, (14, 3)); directions
    // min, max, min. Optuna was given the losses (the second column negated):
    // optuna.study._multi_objective._fast_non_domination_rank(L) ==
    // [4, 2, 0, 2, 1, 0, 1, 1, 2, 2, 3, 2, 0, 0]; pymoo's fronts are the same.
    let points: [[Double]] = [
      [3, 0, 1], [2, 3, 3], [3, 3, 0], [1, 2, 3], [0, 1, 2], [2, 2, 0], [3, 2, 0],
      [0, 3, 3], [0, 0, 3], [3, 2, 2], [3, 0, 0], [3, 1, 0], [0, 3, 1], [0, 3, 1],
    ]
    let fronts = Pareto.fronts(points, directions: [.minimize, .maximize, .minimize])
    #expect(fronts == [[2, 5, 12, 13], [4, 6, 7], [1, 3, 8, 9, 11], [10], [0]])
    #expect(Pareto.ranks(fronts: fronts, count: 14) == [4, 2, 0, 2, 1, 0, 1, 1, 2, 2, 3, 2, 0, 0])
    // With penalties (violations) as below, Optuna's constrained ranks are
    // [3, 2, 5, 2, 4, 0, 5, 1, 2, 6, 2, 1, 0, 4] (−1 is slack: feasible).
    let violations: [Double] = [0, 0, 1.5, 0, 0.5, 0, 1.5, 0, 0, 2, 0, 0, -1, 0.5]
    let constrained = Pareto.fronts(points, directions: [.minimize, .maximize, .minimize], violations: violations)
    #expect(Pareto.ranks(fronts: constrained, count: 14) == [3, 2, 5, 2, 4, 0, 5, 1, 2, 6, 2, 1, 0, 4])
  }

  @Test("the fast sort gives the fronts of the definition on seeded sets, with many ties and without", arguments: [1, 2, 3, 4])
  func matchesDefinition(objectives: Int) {
    let directions = (0..<objectives).map { $0 % 2 == 0 ? Direction.minimize : .maximize }
    for seed in 0..<20 as Range<UInt64> {
      var points = tiedPoints(count: 60, objectives: objectives, levels: 5, seed: seed)
      if seed % 4 == 0 { points[7][0] = .nan }
      if seed % 4 == 1 { points[11][objectives - 1] = .infinity }
      let expected = peeledFronts(count: points.count) {
        Pareto.dominates(points[$0], points[$1], directions: directions)
      }
      #expect(Pareto.fronts(points, directions: directions) == expected, "seed \(seed)")
    }
    // Continuous values: many fronts, few ties.
    for seed in 0..<3 as Range<UInt64> {
      var rng = SeededGenerator(seed: seed, stream: 2)
      let points = (0..<150).map { _ in (0..<objectives).map { _ in Double.random(in: 0..<1, using: &rng) } }
      let expected = peeledFronts(count: points.count) {
        Pareto.dominates(points[$0], points[$1], directions: directions)
      }
      #expect(Pareto.fronts(points, directions: directions) == expected, "seed \(seed)")
    }
  }

  @Test("extremes: every point on one front, and a chain of one point per front")
  func extremes() {
    let line: [[Double]] = (0..<100).reversed().map { (i: Int) -> [Double] in [Double(i), Double(99 - i)] }
    #expect(Pareto.fronts(line, directions: minMin) == [Array(0..<100)])
    // Point i is (99 − i) in all three objectives: the last point is best.
    let chain: [[Double]] = (0..<100).map { (i: Int) -> [Double] in [Double](repeating: Double(99 - i), count: 3) }
    let expected: [[Int]] = (0..<100).reversed().map { (i: Int) -> [Int] in [i] }
    #expect(Pareto.fronts(chain, directions: [.minimize, .minimize, .minimize]) == expected)
  }
}

@Suite("Pareto: constraint-dominance (Deb's rule)")
struct ConstraintDominanceTests {
  @Test("feasible beats infeasible, less violation beats more, Pareto among the feasible")
  func rule() {
    let a: [Double] = [5, 5]
    let b: [Double] = [0, 0]
    #expect(Pareto.constraintDominates(a, violation: 0, b, violation: 0.1, directions: minMin))
    #expect(!Pareto.constraintDominates(b, violation: 0.1, a, violation: 0, directions: minMin))
    #expect(Pareto.constraintDominates(a, violation: 1, b, violation: 2, directions: minMin))
    // Equal violations: neither, whatever the objectives.
    #expect(!Pareto.constraintDominates(b, violation: 2, a, violation: 2, directions: minMin))
    #expect(Pareto.constraintDominates(b, violation: 0, a, violation: 0, directions: minMin))
    // Slack counts as feasible; an unknown violation is the worst.
    #expect(!Pareto.constraintDominates(a, violation: 0, b, violation: -3, directions: minMin))
    #expect(Pareto.constraintDominates(b, violation: -3, a, violation: 0, directions: minMin))
    #expect(Pareto.constraintDominates(a, violation: .infinity, b, violation: .nan, directions: minMin))
    #expect(!Pareto.constraintDominates(a, violation: .nan, b, violation: .nan, directions: minMin))
  }

  @Test("a hand example: feasible fronts first, then one front per violation, an unknown violation last")
  func handFronts() {
    let points: [[Double]] = [[1, 1], [0, 0], [2, 2], [0.5, 3], [3, 0.5], [9, 9], [0, 0], [5, 5]]
    let violations: [Double] = [0, 2, 0, 0, 1, -0.5, 2, .nan]
    #expect(
      Pareto.fronts(points, directions: minMin, violations: violations) == [[0, 3], [2], [5], [4], [1, 6], [7]])
    // No feasible point: the violations alone order them.
    #expect(Pareto.fronts([[1, 1], [0, 0]], directions: minMin, violations: [3, 3]) == [[0, 1]])
    #expect(Pareto.fronts([[1, 1], [0, 0]], directions: minMin, violations: [3, 1]) == [[1], [0]])
  }

  @Test("the fronts equal the fast sort's fronts under Deb's rule on seeded sets")
  func matchesDefinition() {
    let directions: [Direction] = [.minimize, .maximize, .minimize]
    for seed in 0..<20 as Range<UInt64> {
      let points = tiedPoints(count: 50, objectives: 3, levels: 4, seed: seed)
      var rng = SeededGenerator(seed: seed, stream: 1)
      let violations = points.indices.map { i -> Double in
        switch Int.random(in: 0..<6, using: &rng) {
        case 0, 1, 2: 0
        case 3: -1
        case 4: Double(Int.random(in: 1...3, using: &rng))
        default: i % 7 == 0 ? .nan : 0.5
        }
      }
      let expected = peeledFronts(count: points.count) {
        Pareto.constraintDominates(
          points[$0], violation: violations[$0], points[$1], violation: violations[$1], directions: directions)
      }
      #expect(Pareto.fronts(points, directions: directions, violations: violations) == expected, "seed \(seed)")
    }
  }
}

@Suite("Pareto: crowding distance")
struct CrowdingDistanceTests {
  @Test("a hand example: ends +∞, the inside the neighbours' gaps over each range, summed")
  func hand() {
    // Objective 0 sorted 1, 2, 3, 5 (range 4): 1 gets (3 − 1)/4, 2 gets (5 − 2)/4; objective 1 mirrored.
    let d = Pareto.crowdingDistances([[1, 5], [2, 3], [3, 2], [5, 1]], directions: minMin)
    #expect(d == [.infinity, 1.25, 1.25, .infinity])
  }

  @Test("one point, equal points and a constant objective add nothing")
  func degenerate() {
    #expect(Pareto.crowdingDistances([], directions: minMin) == [])
    #expect(Pareto.crowdingDistances([[3, 4]], directions: minMin) == [0])
    #expect(Pareto.crowdingDistances([[2, 2], [2, 2], [2, 2]], directions: minMin) == [0, 0, 0])
    // The second objective is constant: only the first counts.
    #expect(Pareto.crowdingDistances([[0, 7], [1, 7], [4, 7]], directions: minMin) == [.infinity, 1, .infinity])
  }

  @Test("pinned: Optuna 5.1.0's _calc_crowding_distance on duplicates, infinities and three objectives")
  func optuna() {
    // optuna.samplers.nsgaii._elite_population_selection_strategy._calc_crowding_distance
    // on trials numbered by index with these values; its results are the literals below.
    // Duplicates: the stable sort carries the first objective's order into the second.
    let dups = Pareto.crowdingDistances([[0, 1], [0, 1], [1, 0], [0.5, 0.5], [0.5, 0.5]], directions: minMin)
    #expect(dups == [.infinity, .infinity, .infinity, 1.0, 1.0])
    let infs = Pareto.crowdingDistances(
      [[-.infinity, 3], [0, 2], [1, 1], [.infinity, 0], [2, 0]], directions: minMin)
    #expect(infs == [.infinity, .infinity, 1.6666666666666665, .infinity, .infinity])
    let three = Pareto.crowdingDistances(
      [[0.1, 0.9, 0.3], [0.4, 0.4, 0.2], [0.9, 0.1, 0.5], [0.2, 0.7, 0.9], [0.6, 0.2, 0.1], [0.4, 0.4, 0.2]],
      directions: [.minimize, .minimize, .minimize])
    let expected = [Double.infinity, 0.625, .infinity, .infinity, .infinity, 0.7499999999999998]
    #expect(zip(three, expected).allSatisfy { $0 == $1 || Swift.abs($0 - $1) < 1e-12 }, "\(three)")
  }

  @Test("directions do not change distances, except where NaN sorts (the worse end)")
  func directionsAndNaN() {
    let front: [[Double]] = [[1, 5], [2, 3], [3, 2], [5, 1]]
    #expect(Pareto.crowdingDistances(front, directions: [.maximize, .minimize]) == [.infinity, 1.25, 1.25, .infinity])
    // Minimising, NaN sorts after 5: 5's upper neighbour is NaN, so its gap is +∞.
    let withNaN: [[Double]] = [[1], [2], [5], [.nan]]
    #expect(Pareto.crowdingDistances(withNaN, directions: [.minimize]) == [.infinity, 1, .infinity, .infinity])
    // Maximising, NaN sorts before 1: 1's lower neighbour is NaN.
    #expect(Pareto.crowdingDistances(withNaN, directions: [.maximize]) == [.infinity, 1, .infinity, .infinity])
    #expect(Pareto.crowdingDistances([[.nan], [.nan]], directions: [.minimize]) == [0, 0])
  }
}
