import HPOCore
@testable import HPOSearch
import Testing

@Suite("Grid")
struct GridTests {
  /// Runs the grid to exhaustion, every trial left pending (the worst case for duplicates).
  func exhaust(_ space: SearchSpace, limit: Int = 1000) throws -> (configs: [Configuration], exhausted: Bool) {
    var history: [TrialRecord] = []
    let sampler = GridSampler()
    for n in 0..<limit {
      var rng = SeededGenerator(seed: 0, stream: UInt64(n))
      switch try sampler.suggest(in: space, history: history, using: &rng) {
      case .configuration(let c):
        history.append(TrialRecord(number: n, configuration: c, state: .pending))
      case .exhausted:
        return (history.map(\.configuration), true)
      case .notNow:
        return (history.map(\.configuration), false)
      }
    }
    return (history.map(\.configuration), false)
  }

  @Test("visits every grid point once, in a fixed order, then says exhausted")
  func fullFactorial() throws {
    let (configs, exhausted) = try exhaust(ConformanceTests.gridSpace)
    #expect(exhausted)
    // 3 lr × 3 dropout × 3 layers × (sgd × 2 momentum + adam) = 81.
    #expect(configs.count == 81)
    #expect(configs.count == ConformanceTests.gridSpace.gridSize)
    #expect(Set(configs).count == configs.count)
    for c in configs { expectValid(c, in: ConformanceTests.gridSpace) }
    // Inactive momentum never multiplies the grid: adam points carry no momentum.
    #expect(configs.filter { $0["optimizer"] == .string("adam") }.allSatisfy { $0["momentum"] == nil })
    // Log-spaced grid points for a log float.
    let lrs = Set(configs.compactMap { $0["lr"]?.numericValue })
    #expect(lrs.count == 3)
    #expect(lrs.contains { Swift.abs($0 - 1e-2) < 1e-12 })
    let (again, _) = try exhaust(ConformanceTests.gridSpace)
    #expect(again == configs)
  }

  @Test("finished and pending trials are both skipped")
  func skipsHistory() throws {
    let space = SearchSpace([Parameter(name: "k", domain: .int(IntRange(low: 1, high: 3)))])
    var rng = SeededGenerator(seed: 1)
    let history = [
      TrialRecord(number: 0, configuration: Configuration(["k": .int(1)]), state: .complete, value: 1),
      TrialRecord(number: 1, configuration: Configuration(["k": .int(2)]), state: .running),
    ]
    #expect(try GridSampler().suggest(in: space, history: history, using: &rng) == .configuration(Configuration(["k": .int(3)])))
  }

  @Test("a float without grid_points or step is rejected with the alternative")
  func noGrid() {
    let space = SearchSpace([Parameter(name: "x", domain: .float(FloatRange(low: 0, high: 1)))])
    var rng = SeededGenerator(seed: 1)
    #expect {
      try GridSampler().suggest(in: space, history: [], using: &rng)
    } throws: { error in
      let message = (error as? SamplerError)?.message ?? ""
      return message.contains("\"x\"") && message.contains("grid_points") && message.contains("random")
    }
  }
}
