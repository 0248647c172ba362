import HPOCore
@testable import HPOSearch
import Testing

/// What every sampler promises: valid suggestions, reproducibility, pending
/// awareness, robustness to bad histories.
@Suite("Sampler conformance")
struct ConformanceTests {
  static let all: [SamplerCase] = stochasticSamplers + [SamplerCase(name: "grid") { _ in GridSampler() }]

  /// A grid-friendly version of the mixed space (finite grids everywhere).
  static let gridSpace = SearchSpace([
    Parameter(name: "lr", domain: .float(FloatRange(low: 1e-4, high: 1, log: true, gridPoints: 3))),
    Parameter(name: "dropout", domain: .float(FloatRange(low: 0, high: 0.5, step: 0.25))),
    Parameter(name: "layers", domain: .int(IntRange(low: 1, high: 3))),
    Parameter(name: "optimizer", domain: .categorical([.string("sgd"), .string("adam")])),
    Parameter(
      name: "momentum", domain: .float(FloatRange(low: 0, high: 0.9, gridPoints: 2)),
      condition: Condition([.init(parent: "optimizer", values: [.string("sgd")])])),
    Parameter(name: "batch", domain: .fixed(.int(32))),
  ])

  static func space(for c: SamplerCase) -> SearchSpace { c.name == "grid" ? gridSpace : mixedSpace }

  @Test("suggestions are in bounds, on steps, of the right type, without inactive parameters", arguments: all)
  func validSuggestions(_ c: SamplerCase) throws {
    let space = Self.space(for: c)
    let history = try runSearch(c.make(1), space: space, trials: 24, seed: 1, objective: mixedObjective)
    #expect(history.count == 24)
    for t in history { expectValid(t.configuration, in: space) }
    // Both branches of the condition show up.
    let optimizers = Set(history.compactMap { $0.configuration["optimizer"] })
    #expect(optimizers.count == 2)
  }

  @Test("the same seed and history give identical suggestions", arguments: all)
  func reproducible(_ c: SamplerCase) throws {
    let space = Self.space(for: c)
    let a = try runSearch(c.make(7), space: space, trials: 16, seed: 7, objective: mixedObjective)
    let b = try runSearch(c.make(7), space: space, trials: 16, seed: 7, objective: mixedObjective)
    #expect(a == b)
  }

  @Test("a different seed gives different suggestions", arguments: stochasticSamplers)
  func seedMatters(_ c: SamplerCase) throws {
    let a = try runSearch(c.make(1), space: mixedSpace, trials: 14, seed: 1, objective: mixedObjective)
    let b = try runSearch(c.make(2), space: mixedSpace, trials: 14, seed: 2, objective: mixedObjective)
    #expect(a.map(\.configuration) != b.map(\.configuration))
    // Past start-up too, for the model-based samplers.
    #expect(a.last?.configuration != b.last?.configuration)
  }

  @Test("8 pending trials give 8 distinct suggestions", arguments: all)
  func pendingAware(_ c: SamplerCase) throws {
    let space = Self.space(for: c)
    var history = try runSearch(c.make(3), space: space, trials: 12, seed: 3, objective: mixedObjective)
    let sampler = c.make(3)
    for k in 0..<8 {
      let number = history.count
      var rng = SeededGenerator(seed: 3, stream: UInt64(number))
      guard case .configuration(let config) = try sampler.suggest(in: space, history: history, using: &rng) else {
        Issue.record("no suggestion for pending trial \(k)")
        return
      }
      expectValid(config, in: space)
      history.append(TrialRecord(number: number, configuration: config, state: k % 2 == 0 ? .pending : .running))
    }
    let pending = history.suffix(8).map(\.configuration)
    #expect(Set(pending).count == 8)
    #expect(Set(history.map(\.configuration)).count == history.count || c.name != "grid")
  }

  @Test("failed, pruned and non-finite trials never crash a sampler", arguments: all)
  func badHistory(_ c: SamplerCase) throws {
    let space = Self.space(for: c)
    var history = try runSearch(c.make(5), space: space, trials: 14, seed: 5, objective: mixedObjective)
    let bad: [(TrialState, Double?)] = [
      (.complete, .nan), (.complete, .infinity), (.complete, -.infinity), (.complete, nil),
      (.failed, nil), (.pruned, nil), (.pruned, .nan), (.failed, 1e308),
    ]
    for (i, (state, value)) in bad.enumerated() {
      history[i].state = state
      history[i].value = value
      if state == .pruned { history[i].intermediate = [IntermediateReport(step: 2, value: value ?? .nan)] }
    }
    // A history from an older space: unknown and out-of-domain values.
    history[9].configuration["removed"] = .string("x")
    history[10].configuration["layers"] = .int(99)
    // Trials out of number order.
    history.swapAt(0, 13)
    var rng = SeededGenerator(seed: 5, stream: 99)
    let suggestion = try c.make(5).suggest(in: space, history: history, using: &rng)
    guard case .configuration(let config) = suggestion else {
      Issue.record("expected a configuration, got \(suggestion)")
      return
    }
    expectValid(config, in: space)

    // Only failures: still a valid suggestion.
    let failures = history.map { t -> TrialRecord in
      var t = t
      t.state = .failed
      t.value = nil
      return t
    }
    var rng2 = SeededGenerator(seed: 5, stream: 100)
    if case .configuration(let c2) = try c.make(5).suggest(in: space, history: failures, using: &rng2) {
      expectValid(c2, in: space)
    } else if c.name != "grid" {
      Issue.record("no suggestion after only failures")
    }
  }

  @Test("maximising flips what counts as good", arguments: modelSamplers)
  func direction(_ c: SamplerCase) throws {
    // The same history seen as maximise and minimise leads to different suggestions.
    let history = try runSearch(c.make(9), space: mixedSpace, trials: 14, seed: 9, objective: mixedObjective)
    var r1 = SeededGenerator(seed: 9, stream: 14)
    var r2 = SeededGenerator(seed: 9, stream: 14)
    let minimise: any Sampler = c.name == "tpe" ? TPESampler(options: TPEOptions(startupTrials: 5), direction: .minimize) : GPSampler(direction: .minimize, startupTrials: 5, candidatePool: 128, localSearches: 2)
    let maximise: any Sampler = c.name == "tpe" ? TPESampler(options: TPEOptions(startupTrials: 5), direction: .maximize) : GPSampler(direction: .maximize, startupTrials: 5, candidatePool: 128, localSearches: 2)
    let a = try minimise.suggest(in: mixedSpace, history: history, using: &r1)
    let b = try maximise.suggest(in: mixedSpace, history: history, using: &r2)
    #expect(a != b)
  }

  @Test("the factory picks each strategy's sampler")
  func factory() {
    #expect(makeSampler(for: SearchSpec(strategy: .grid, trials: 1), direction: .minimize) is GridSampler)
    #expect(makeSampler(for: SearchSpec(strategy: .random, trials: 1), direction: .minimize) is RandomSampler)
    #expect((makeSampler(for: SearchSpec(strategy: .sobol, trials: 1, seed: 4), direction: .minimize) as? SobolSampler)?.seed == 4)
    let options = TPEOptions(startupTrials: 3, candidates: 7, multivariate: false, constantLiar: false, gamma: 0.2)
    let tpe = makeSampler(for: SearchSpec(strategy: .tpe, trials: 1, tpe: options), direction: .maximize) as? TPESampler
    #expect(tpe?.options == options)
    #expect(tpe?.direction == .maximize)
    #expect((makeSampler(for: SearchSpec(strategy: .gp, trials: 1), direction: .maximize) as? GPSampler)?.direction == .maximize)
  }
}
