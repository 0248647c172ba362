import HPOCore
@testable import HPOSearch
import Testing

@Suite("Scheduler: Hyperband")
struct SchedulerHyperbandTests {
  @Test("η = 3, min 1, max 27: s_max = 3, brackets from epochs 1, 3, 9, 27 with n = 27, 12, 6, 4")
  func brackets() {
    let h = hyperband27
    #expect(h.brackets.map(\.minEpochs) == [1, 3, 9, 27])
    #expect(h.brackets.map { $0.ladder.rungs.map(\.epoch) } == [[1, 3, 9], [3, 9], [9], []])
    #expect(h.brackets.map { $0.ladder.rungs.map(\.index) } == [[0, 1, 2], [1, 2], [2], []])
    // nⱼ = ⌈(s_max + 1)·η^s / (s + 1)⌉ with s = 3, 2, 1, 0: 27, 12, 6, 4.
    #expect(h.brackets.map(\.trials) == [27, 12, 6, 4])
    #expect(h.cycle == 49)
  }

  @Test("bracket assignment: from the number alone, nⱼ per cycle of 49, interleaved")
  func assignment() {
    let h = hyperband27
    for cycle in 0..<3 {
      var counts = [0, 0, 0, 0]
      for n in (49 * cycle)..<(49 * cycle + 49) { counts[h.bracket(of: n)] += 1 }
      #expect(counts == [27, 12, 6, 4])
    }
    // q = 30·n mod 49 against the cumulative counts 27, 39, 45, 49.
    #expect((0..<4).map(h.bracket(of:)) == [0, 1, 0, 2])
    #expect(h.bracket(of: 13) == 3)
    #expect(Set((0..<14).map(h.bracket(of:))) == [0, 1, 2, 3])
    // A new instance (a restarted coordinator) assigns the same brackets.
    let again = HyperbandScheduler(direction: .minimize, minEpochs: 1, reductionFactor: 3, maxEpochs: 27)
    #expect((0..<500).allSatisfy { again.bracket(of: $0) == h.bracket(of: $0) })
    // One bracket when min = max.
    let single = HyperbandScheduler(direction: .minimize, minEpochs: 5, reductionFactor: 3, maxEpochs: 5)
    #expect(single.brackets.count == 1 && single.bracket(of: 7) == 0)
  }

  @Test("a trial is compared only with trials of its own bracket, at its bracket's rungs")
  func sameBracketOnly() {
    let h = hyperband27
    let bracket0 = [0, 2, 4, 5]
    #expect(bracket0.allSatisfy { h.bracket(of: $0) == 0 } && h.bracket(of: 1) == 1 && h.bracket(of: 6) == 1)
    var history = freshTrials(7)
    for t in bracket0 { history[t] = reported(t, [0.1, 0.1, 0.1]) }
    history[1] = reported(1, [])
    // Bracket 1 is not judged at epoch 1, however bad the value.
    #expect(report(h, &history, trial: 1, step: 1, value: 9) == .continue)
    #expect(report(h, &history, trial: 1, step: 2, value: 9) == .continue)
    // At epoch 3 it is the first of bracket 1: it goes on, where plain ASHA would stop it.
    var asha = history
    #expect(report(ashaMinimize, &asha, trial: 1, step: 3, value: 9).stops)
    #expect(report(h, &history, trial: 1, step: 3, value: 9) == .continue)
    // Trial 6, also bracket 1, worse than trial 1 at epoch 3: n = 2, k = 1 → stopped.
    history[6] = reported(6, [0, 0])
    let d = report(h, &history, trial: 6, step: 3, value: 10)
    #expect(d.reason?.hasPrefix("hyperband bracket 1 (from epoch 3): below the top 1/3 at rung 1 (epoch 3)") == true)
    // Bracket 0 trials are judged at epoch 1 among themselves only.
    var h0 = [reported(0, []), reported(1, [0.001])]
    #expect(report(h, &h0, trial: 0, step: 1, value: 5) == .continue)
  }

  @Test("the last bracket trains every trial to the end")
  func lastBracket() {
    let h = hyperband27
    var history = freshTrials(14)
    for t in 0..<13 { history[t] = reported(t, Array(repeating: 0.0, count: 27)) }
    #expect(h.bracket(of: 13) == 3)
    for step in 1...27 { #expect(report(h, &history, trial: 13, step: step, value: 100) == .continue) }
  }
}
