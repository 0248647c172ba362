import HPOCore
@testable import HPOSearch
import Testing

@Suite("Scheduler: BOHB-style sampler and the factory")
struct SchedulerBOHBTests {
  let space = SearchSpace([
    Parameter(name: "x", domain: .float(FloatRange(low: 0, high: 1))),
    Parameter(name: "y", domain: .float(FloatRange(low: 0, high: 1))),
    Parameter(name: "batch", domain: .fixed(.int(32))),
  ])
  let bohb = BOHBSampler(options: TPEOptions(startupTrials: 2), minEpochs: 1, reductionFactor: 3, maxEpochs: 27)

  func trial(_ n: Int, _ values: [Double], _ state: TrialState) -> TrialRecord {
    let x = Double(n) / 10
    return TrialRecord(
      number: n, configuration: Configuration(["x": .float(x), "y": .float(1 - x), "batch": .int(32)]), state: state,
      value: state == .complete || state == .pruned ? values.last : nil,
      intermediate: values.enumerated().map { IntermediateReport(step: $0.offset + 1, value: $0.element) })
  }

  /// d = 2 searched parameters, so N_min = 3. Observed at epoch 1: all 8 with reports;
  /// epoch 3: trials 3, 4, 5, 6 (4); epoch 9: trials 5, 6 (2); epoch 27: trial 6 (1).
  var history: [TrialRecord] {
    [
      trial(0, [5], .pruned), trial(1, [6], .pruned), trial(2, [7], .pruned),
      trial(3, [4, 3.5, 3], .pruned), trial(4, [4, 3.6, 3.2], .pruned),
      trial(5, Array(repeating: 2, count: 10), .running),
      trial(6, Array(repeating: 1, count: 27), .complete),
      trial(7, [9, 9], .failed),
      TrialRecord(number: 8, configuration: Configuration(), state: .pending),
    ]
  }

  @Test("budgets are the rungs and the full budget; TPE trains at the highest one with ≥ d + 1 observations")
  func trainingBudget() {
    #expect(bohb.budgets == [1, 3, 9, 27])
    #expect(BOHBSampler.dimensions(of: space) == 2)
    #expect(bohb.trainingBudget(history, needed: 3) == 3)
    #expect(bohb.trainingBudget(history, needed: 2) == 9)
    #expect(bohb.trainingBudget(history, needed: 1) == 27)
    #expect(bohb.trainingBudget(history, needed: 9) == nil)
  }

  @Test("the view at a budget: observed trials complete with their value there; the rest unchanged")
  func view() {
    let v = bohb.view(of: history, at: 3)
    #expect(v.map(\.state) == [.pruned, .pruned, .pruned, .complete, .complete, .complete, .complete, .failed, .pending])
    #expect(v[3].value == 3 && v[4].value == 3.2 && v[5].value == 2 && v[6].value == 1)
    // Pruned below the budget, failed (reported up to epoch 2) and pending: unchanged.
    #expect(v[0] == history[0] && v[7] == history[7] && v[8] == history[8])
    // At the full budget only the complete trial is observed.
    let top = bohb.view(of: history, at: 27)
    #expect(top.filter { $0.state == .complete }.map(\.number) == [6])
  }

  @Test("pruned trials inform TPE as bad outcomes: finished, and in the bad set once enough trials completed")
  func prunedAreBad() {
    let v = bohb.view(of: history, at: 3)
    let scored = ScoredHistory(v, direction: .minimize)
    #expect(scored.finishedCount == 7)  // 3 pruned + 4 complete at the budget
    let split = TPESplit(scored, gamma: 0.25, constantLiar: true)
    #expect(split.below == [5, 6])
    #expect([0, 1, 2].allSatisfy { split.above.contains($0) })
  }

  @Test("suggestions: TPE on the view; random before any budget has enough observations; deterministic")
  func suggestions() throws {
    var a = SeededGenerator(seed: 3)
    var b = SeededGenerator(seed: 3)
    let viaBOHB = try bohb.suggest(in: space, history: history, using: &a)
    let viaTPE = try bohb.tpe.suggest(in: space, history: bohb.view(of: history, at: 3), using: &b)
    #expect(viaBOHB == viaTPE)
    var c = SeededGenerator(seed: 3)
    #expect(try bohb.suggest(in: space, history: history, using: &c) == viaBOHB)

    let early = Array(history.prefix(2))
    var d = SeededGenerator(seed: 4)
    var e = SeededGenerator(seed: 4)
    #expect(try bohb.suggest(in: space, history: early, using: &d) == RandomSampler().suggest(in: space, history: early, using: &e))
    if case .configuration(let config) = viaBOHB { expectValid(config, in: space) } else { Issue.record("no configuration") }
  }

  func spec(_ scheduler: SchedulerKind?, strategy: Strategy = .tpe, epochs: Int? = 27) -> ExperimentSpec {
    ExperimentSpec(
      name: "s", data: nil, model: ModelSpec(kind: .function, epochs: epochs), space: space,
      objective: ObjectiveSpec(metric: .value, direction: .maximize), search: SearchSpec(strategy: strategy, trials: 81),
      earlyStopping: scheduler.map { EarlyStoppingSpec(scheduler: $0, minEpochs: 1, reductionFactor: 3, warmupEpochs: 2, minTrials: 4) },
      output: OutputSpec(dir: "out"))
  }

  @Test("the factory: nil without early stopping, one scheduler per kind, BOHB's sampler with tpe")
  func factory() {
    #expect(makeScheduler(for: spec(nil)) == nil)
    #expect(makeScheduler(for: spec(.asha, epochs: nil)) == nil)
    let median = makeScheduler(for: spec(.median)) as? MedianStoppingScheduler
    #expect(median?.warmupEpochs == 2 && median?.minTrials == 4 && median?.direction == .maximize)
    #expect((makeScheduler(for: spec(.asha)) as? ASHAScheduler)?.ladder.rungs.map(\.epoch) == [1, 3, 9])
    #expect((makeScheduler(for: spec(.hyperband)) as? HyperbandScheduler)?.brackets.count == 4)
    #expect(makeScheduler(for: spec(.bohb)) is HyperbandScheduler)
    #expect(makeSampler(for: spec(.bohb)) is BOHBSampler)
    #expect(makeSampler(for: spec(.asha)) is TPESampler)
    #expect(makeSampler(for: spec(.bohb, strategy: .random)) is RandomSampler)
  }
}
