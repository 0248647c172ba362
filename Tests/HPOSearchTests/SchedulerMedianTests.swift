import HPOCore
@testable import HPOSearch
import Testing

@Suite("Scheduler: median rule")
struct SchedulerMedianTests {
  let rule = MedianStoppingScheduler(direction: .minimize, warmupEpochs: 0, minTrials: 3)

  /// Others with `values` at epoch 2 (any states), then trial `others.count` reporting `own` at epochs 1, 2.
  func decide(
    _ s: MedianStoppingScheduler, others values: [Double], own: [Double], states: [TrialState]? = nil
  ) -> SchedulerDecision {
    var history = values.enumerated().map { i, v in reported(i, [0, v], state: states?[i] ?? .complete) }
    let me = history.count
    history.append(reported(me, Array(own.dropLast())))
    return report(s, &history, trial: me, step: own.count, value: own.last!)
  }

  @Test("ties go on: odd count, the median itself")
  func tiesOdd() {
    #expect(decide(rule, others: [1, 2, 3], own: [5, 2]) == .continue)
    let d = decide(rule, others: [1, 2, 3], own: [5, 2.0001])
    #expect(d == .stop(reason: "median: best 2.0001 by epoch 2 is worse than the median 2 of 3 other trials there"))
  }

  @Test("even count: the mean of the two middle values; a tie with it goes on")
  func tiesEven() {
    #expect(decide(rule, others: [4, 1, 3, 2], own: [5, 2.5]) == .continue)
    #expect(decide(rule, others: [4, 1, 3, 2], own: [5, 2.6]).stops)
    // Many equal values.
    #expect(decide(rule, others: [2, 2, 2, 2], own: [2, 2]) == .continue)
    #expect(decide(rule, others: [2, 2, 2, 2, 7], own: [2.5, 2.5]).stops)
  }

  @Test("the trial's best so far counts, not its last value")
  func bestSoFar() {
    #expect(decide(rule, others: [1, 2, 3], own: [1.5, 9]) == .continue)
    let maximize = MedianStoppingScheduler(direction: .maximize, warmupEpochs: 0, minTrials: 3)
    #expect(decide(maximize, others: [1, 2, 3], own: [2.5, 0]) == .continue)
    #expect(decide(maximize, others: [1, 2, 3], own: [1.5, 0]).stops)
    #expect(decide(maximize, others: [1, 2, 3], own: [2, 2]) == .continue)
  }

  @Test("too few trials at the step never stop; the trial itself does not count")
  func tooFew() {
    #expect(decide(rule, others: [1, 2], own: [100, 100]) == .continue)
    // A third trial that has not reached epoch 2 does not count either.
    var history = [reported(0, [0, 1]), reported(1, [0, 2]), reported(2, [0]), reported(3, [100])]
    #expect(report(rule, &history, trial: 3, step: 2, value: 100) == .continue)
    // Any state counts once it reported there: pruned, failed, running.
    #expect(decide(rule, others: [1, 2, 3], own: [100, 100], states: [.pruned, .failed, .running]).stops)
    // min_trials below 1 is treated as 1: nobody to compare with never stops.
    let eager = MedianStoppingScheduler(direction: .minimize, warmupEpochs: 0, minTrials: 0)
    var lone = [reported(0, [])]
    #expect(report(eager, &lone, trial: 0, step: 1, value: .nan) == .continue)
  }

  @Test("warm-up epochs are never stopped")
  func warmup() {
    let warm = MedianStoppingScheduler(direction: .minimize, warmupEpochs: 2, minTrials: 3)
    #expect(decide(warm, others: [1, 2, 3], own: [100, 100]) == .continue)
    var history = (0..<3).map { reported($0, [0, 0, Double($0)]) } + [reported(3, [100, 100])]
    #expect(report(warm, &history, trial: 3, step: 3, value: 100).stops)
  }

  @Test("non-finite values are the worst")
  func nonFinite() {
    // Others diverged: NaN and +∞ sort last, the median of [1, ∞, ∞] is ∞.
    #expect(decide(rule, others: [1, .nan, .infinity], own: [50, 50]) == .continue)
    #expect(decide(rule, others: [1, 2, .nan, .nan], own: [50, 50]) == .continue)
    // A trial with no finite value so far is stopped once the rule applies.
    #expect(decide(rule, others: [1, 2, 3], own: [.nan, .nan]).reason?.hasPrefix("median: no finite value by epoch 2") == true)
    // … but an earlier finite best still counts.
    #expect(decide(rule, others: [1, 2, 3], own: [0.5, .nan]) == .continue)
    // Maximising, −∞ is not the best.
    let maximize = MedianStoppingScheduler(direction: .maximize, warmupEpochs: 0, minTrials: 3)
    #expect(decide(maximize, others: [1, -.infinity, 2], own: [0, 0]).stops)
  }

  @Test("the median by selection equals the median by sorting")
  func selection() {
    var g = SeededGenerator(seed: 6)
    for round in 0..<500 {
      let n = 1 + g.index(below: 60)
      var values = (0..<n).map { _ -> Double in
        switch g.index(below: 10) {
        case 0: return .infinity
        case 1, 2: return Double(g.index(below: 3))  // duplicates
        default: return g.nextUnit() * 10 - 5
        }
      }
      let sorted = values.sorted()
      let expected = n % 2 == 1 ? sorted[n / 2]
        : (sorted[n / 2 - 1] == sorted[n / 2] ? sorted[n / 2] : sorted[n / 2 - 1] + (sorted[n / 2] - sorted[n / 2 - 1]) / 2)
      #expect(MedianStoppingScheduler.median(&values) == expected, "round \(round): \(sorted)")
    }
  }
}
