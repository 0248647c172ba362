import HPOCore
@testable import HPOSearch
import Testing

/// The elite memo makes NSGA-II fast without changing an answer.
@Suite("NSGA-II elite memo")
struct NSGA2EliteMemoTests {
  /// One sampler reused across searches of two problems and three seeds gives
  /// exactly the trials a fresh sampler gives each search.
  @Test func sharedSamplerEqualsFreshSamplers() throws {
    let shared = NSGA2Sampler(directions: [.minimize, .minimize], options: NSGA2Options(populationSize: 8))
    for problem in [ParetoProblem.zdt1(dimensions: 4), ParetoProblem.zdt2(dimensions: 4)] {
      let bench = ParetoBenchmark(problem: problem)
      for seed: UInt64 in [3, 1, 3] {
        let fresh = NSGA2Sampler(directions: [.minimize, .minimize], options: NSGA2Options(populationSize: 8))
        let a = try bench.search(shared, trials: 60, seed: seed)
        let b = try bench.search(fresh, trials: 60, seed: seed)
        #expect(a.map(\.configuration) == b.map(\.configuration))
        #expect(a.count == 60)
      }
    }
  }

  /// A history whose early trials change (one finishes late, a value differs)
  /// gives the parents of a memo-less computation, not the remembered ones.
  @Test func changedHistoryIsSortedAgain() throws {
    let bench = ParetoBenchmark(problem: .zdt1(dimensions: 4))
    let history = try bench.search(RandomSampler(), trials: 40, seed: 5)
    let memo = NSGA2EliteMemo()
    let directions: [Direction] = [.minimize, .minimize]
    func parents(_ h: [TrialRecord], memo: NSGA2EliteMemo?) -> [Int] {
      NSGA2Population(history: h, directions: directions, populationSize: 8, memo: memo).parents.map(\.number)
    }
    #expect(parents(history, memo: memo) == parents(history, memo: nil))
    var late = history
    late[3].state = .running
    #expect(parents(late, memo: memo) == parents(late, memo: nil))
    var better = history
    better[2].values = [0, 0]
    let remembered = parents(better, memo: memo)
    #expect(remembered == parents(better, memo: nil))
    #expect(remembered.contains(2))
    #expect(parents(history, memo: memo) == parents(history, memo: nil))
    // A constraint appears on one trial: every other trial's violation becomes unknown.
    var constrained = history
    constrained[30].violations = [0]
    #expect(parents(constrained, memo: memo) == parents(constrained, memo: nil))
    #expect(parents(constrained, memo: nil) != parents(history, memo: nil))
    // Failed trials: no competitor, the same generations.
    var failed = history
    failed[5].state = .failed
    #expect(parents(failed, memo: memo) == parents(failed, memo: nil))
    #expect(parents(history, memo: memo) == parents(history, memo: nil))
  }
}

/// The duplicate check's comparison agrees with `Configuration ==`.
@Suite("Configuration probe")
struct ConfigurationProbeTests {
  @Test func equalsIsConfigurationEquality() {
    let a = Configuration(["x": .float(1), "opt": .string("adam"), "n": .int(3)])
    let cases: [Configuration] = [
      a,
      Configuration(["x": .float(1), "opt": .string("adam")]),
      Configuration(["x": .float(1), "opt": .string("adam"), "n": .int(4)]),
      Configuration(["x": .float(1), "opt": .string("sgd"), "n": .int(3)]),
      Configuration(["x": .float(1), "opt": .string("adam"), "m": .int(3)]),
      Configuration(["x": .float(1), "opt": .string("adam"), "n": .int(3), "z": .float(0)]),
      Configuration([:]),
    ]
    let probe = ConfigurationProbe(a)
    for c in cases { #expect(probe.equals(c) == (c == a), "\(c)") }
    #expect(ConfigurationProbe(Configuration([:])).equals(Configuration([:])))
  }
}
