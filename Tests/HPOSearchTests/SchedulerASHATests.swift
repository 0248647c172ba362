import HPOCore
@testable import HPOSearch
import Testing

@Suite("Scheduler: rungs and ASHA")
struct SchedulerASHATests {
  @Test("rungs at min·η^k below max: η = 3, min 1, max 27 gives epochs 1, 3, 9")
  func rungArithmetic() {
    let l = RungLadder(minEpochs: 1, reductionFactor: 3, maxEpochs: 27)
    #expect(l.rungs == [.init(index: 0, epoch: 1), .init(index: 1, epoch: 3), .init(index: 2, epoch: 9)])
    #expect(l.largestExponent == 3)
    #expect(l.rung(atEpoch: 3) == .init(index: 1, epoch: 3))
    #expect(l.rung(atEpoch: 27) == nil && l.rung(atEpoch: 2) == nil)
    // Not a power of η: 27 < 30 is a rung, s_max is still 3.
    let l30 = RungLadder(minEpochs: 1, reductionFactor: 3, maxEpochs: 30)
    #expect(l30.rungs.map(\.epoch) == [1, 3, 9, 27] && l30.largestExponent == 3)
    // min 2, η = 2, max 20: 2, 4, 8, 16; s_max = 3 (2·2³ = 16 ≤ 20 < 32).
    let l2 = RungLadder(minEpochs: 2, reductionFactor: 2, maxEpochs: 20)
    #expect(l2.rungs.map(\.epoch) == [2, 4, 8, 16] && l2.rungs.map(\.index) == [0, 1, 2, 3] && l2.largestExponent == 3)
    // A bracket's ladder keeps the global rung numbers.
    let b1 = RungLadder(minEpochs: 1, reductionFactor: 3, maxEpochs: 27, firstRung: 1)
    #expect(b1.rungs == [.init(index: 1, epoch: 3), .init(index: 2, epoch: 9)])
    // min = max: no rung, s_max = 0.
    let flat = RungLadder(minEpochs: 27, reductionFactor: 3, maxEpochs: 27)
    #expect(flat.rungs.isEmpty && flat.largestExponent == 0)
  }

  @Test("rung 0 by hand: n recorded there, the best max(⌊n/3⌋, 1) go on")
  func promotionsAtRungZero() {
    // Values at epoch 1, arriving in this order; n counts the trial itself.
    // t0 5: n1 k1 0 better → c   t1 3: n2 k1 0 → c   t2 8: n3 k1 2 → s
    // t3 1: n4 k1 0 → c          t4 9: n5 k1 4 → s   t5 4: n6 k2 2 (3, 1) → s
    // t6 7: n7 k2 4 → s          t7 2: n8 k2 1 (1) → c
    // t8 6: n9 k3 5 → s
    let values: [Double] = [5, 3, 8, 1, 9, 4, 7, 2, 6]
    var history = freshTrials(9)
    let decisions = values.enumerated().map { report(ashaMinimize, &history, trial: $0.offset, step: 1, value: $0.element) }
    #expect(letters(decisions) == "ccscssscs")
    #expect(decisions[2].reason?.hasPrefix("asha: below the top 1/3 at rung 0 (epoch 1)") == true)

    // Maximising mirrors it: negated values give the same decisions.
    let ashaMax = ASHAScheduler(direction: .maximize, minEpochs: 1, reductionFactor: 3, maxEpochs: 27)
    var mirrored = freshTrials(9)
    let flipped = values.enumerated().map { report(ashaMax, &mirrored, trial: $0.offset, step: 1, value: -$0.element) }
    #expect(letters(flipped) == "ccscssscs")
  }

  @Test("rungs 1 and 2 by hand, epochs between rungs and the last epoch always continue")
  func promotionsUpTheLadder() {
    var history = freshTrials(9)
    for (t, v) in [5.0, 3, 8, 1, 9, 4, 7, 2, 6].enumerated() { report(ashaMinimize, &history, trial: t, step: 1, value: v) }
    let survivors = [0, 1, 3, 7]
    #expect(survivors.allSatisfy { history[$0].state == .running })
    for t in survivors { #expect(report(ashaMinimize, &history, trial: t, step: 2, value: 100) == .continue) }
    // Epoch 3 (rung 1), in the order t3 0.9, t0 4, t1 2.5, t7 0.5:
    // t3: alone → c; t0: n2 k1, 0.9 better → s; t1: n3 k1, 0.9 better → s; t7: n4 k1, best → c.
    let rung1 = [(3, 0.9), (0, 4.0), (1, 2.5), (7, 0.5)].map { report(ashaMinimize, &history, trial: $0.0, step: 3, value: $0.1) }
    #expect(letters(rung1) == "cssc")
    #expect(rung1[1].reason?.hasPrefix("asha: below the top 1/3 at rung 1 (epoch 3)") == true)
    for step in 4...8 {
      #expect(report(ashaMinimize, &history, trial: 7, step: step, value: 1000) == .continue)
      #expect(report(ashaMinimize, &history, trial: 3, step: step, value: 1000) == .continue)
    }
    // Epoch 9 (rung 2): t7 first → c; t3 worse, n2 k1 → s.
    #expect(report(ashaMinimize, &history, trial: 7, step: 9, value: 0.2) == .continue)
    let t3 = report(ashaMinimize, &history, trial: 3, step: 9, value: 0.3)
    #expect(t3.reason?.hasPrefix("asha: below the top 1/3 at rung 2 (epoch 9)") == true)
    // The full budget is not a rung: t7 trains to the end whatever it reports.
    for step in 10...27 { #expect(report(ashaMinimize, &history, trial: 7, step: step, value: 1e9) == .continue) }
  }

  @Test("with n ≥ η the best ⌊n/η⌋ go on; a tie with the k-th goes on")
  func topThirdWithTies() {
    // Eight trials recorded 1 … 8 at epoch 3; the ninth makes n = 9, k = 3.
    var base = (0..<8).map { reported($0, [0, Double($0 + 1), Double($0 + 1)], state: .pruned) }
    base.append(reported(8, [0, 0]))
    func ninth(_ v: Double) -> SchedulerDecision {
      var h = base
      return report(ashaMinimize, &h, trial: 8, step: 3, value: v)
    }
    #expect(ninth(2.5) == .continue)  // 2 better
    #expect(ninth(3) == .continue)  // 2 better, tied with the 3rd
    #expect(ninth(3.5).stops)  // 3 better
  }

  @Test("never waits for stragglers: a decision uses only what is recorded at the rung")
  func noStragglers() {
    // Trial 0 is the first to reach epoch 3; twenty others are still at epochs 1–2
    // with much better values there. It goes on at once (n = 1).
    var history = [reported(0, [9, 9])] + (1...20).map { reported($0, [0.1, 0.1]) }
    #expect(report(ashaMinimize, &history, trial: 0, step: 3, value: 9) == .continue)

    // Two recorded at epoch 3 (one pruned there, one still running), twenty stragglers below:
    // the third arrival, worse than the best, is stopped now (n = 3, k = 1), not held back.
    var h2 = [reported(0, [1, 1, 1], state: .pruned), reported(1, [2, 2, 2, 2])] + (2...21).map { reported($0, [0.1, 0.1]) }
    h2.append(reported(22, [5, 5]))
    let d = report(ashaMinimize, &h2, trial: 22, step: 3, value: 5)
    #expect(d.stops)
    // Stragglers, whatever their values below the rung, change nothing.
    var h3 = Array(h2.prefix(2)) + [reported(2, [5, 5])]
    #expect(report(ashaMinimize, &h3, trial: 2, step: 3, value: 5) == d)
  }

  @Test("a skipped rung epoch is judged at the next report; others' value there is their first report past it")
  func skippedEpochs() {
    // Trial 1 reports epoch 2 then epoch 4: it crosses rung 1 (epoch 3) at epoch 4.
    var history = [reported(0, [1, 1, 1]), reported(1, [5, 5])]
    #expect(report(ashaMinimize, &history, trial: 1, step: 4, value: 5).reason?.contains("rung 1 (epoch 3)") == true)
    // A trial that only reported at epoch 4 is recorded at rung 1 with that value.
    var h2 = [reportedOnly(0, at: 4, 1), reported(1, [5, 5])]
    #expect(report(ashaMinimize, &h2, trial: 1, step: 3, value: 5).stops)
    // The same epoch reported twice is judged once.
    var h3 = [reported(0, [1, 1, 1]), reported(1, [1, 1, 1])]
    #expect(report(ashaMinimize, &h3, trial: 1, step: 3, value: 5) == .continue)
  }

  @Test("non-finite values: stopped at a rung; the worst in others' values")
  func nonFinite() {
    var alone = freshTrials(1)
    let nan = report(ashaMinimize, &alone, trial: 0, step: 1, value: .nan)
    #expect(nan.reason?.hasPrefix("asha: non-finite value nan at rung 0 (epoch 1)") == true)
    // Others diverged (NaN, +∞ or, maximising, −∞) at epoch 1: a finite value beats them all.
    for direction in [Direction.minimize, .maximize] {
      let s = ASHAScheduler(direction: direction, minEpochs: 1, reductionFactor: 3, maxEpochs: 27)
      var h = [reported(0, [.nan]), reported(1, [.infinity]), reported(2, [-.infinity]), reported(3, [])]
      #expect(report(s, &h, trial: 3, step: 1, value: 1e6) == .continue)
    }
    // Between rungs a non-finite report is not judged.
    var h = [reported(0, [1])]
    #expect(report(ashaMinimize, &h, trial: 0, step: 2, value: .nan) == .continue)
  }
}
