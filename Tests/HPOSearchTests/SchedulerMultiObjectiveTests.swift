import HPOCore
@testable import HPOSearch
import Testing

/// ASHA and Hyperband with two objectives (maximise accuracy, minimise loss):
/// the order at a rung is by Pareto front, then crowding distance.
@Suite("Scheduler: several objectives")
struct SchedulerMultiObjectiveTests {
  static let directions: [Direction] = [.maximize, .minimize]

  /// A trial that reported (accuracy, loss) at epoch 1.
  static func trial(_ number: Int, _ accuracy: Double, _ loss: Double) -> TrialRecord {
    TrialRecord(
      number: number, configuration: Configuration([:]), state: .running, value: accuracy,
      intermediate: [IntermediateReport(step: 1, value: accuracy, values: [accuracy, loss])])
  }

  /// Trials 0–3 at rung 0 (epoch 1): A (0.9, 0.5) and B (0.8, 0.2) on the front, D and E dominated by A.
  static let history = [trial(0, 0.9, 0.5), trial(1, 0.8, 0.2), trial(2, 0.7, 0.6), trial(3, 0.6, 0.9)]

  static func decide(_ scheduler: some Scheduler, _ t: TrialRecord) -> SchedulerDecision {
    scheduler.decide(for: t, report: t.intermediate[0], history: Self.history + [t])
  }

  @Test("a trial on the front's edge goes on where one objective alone would stop it")
  func frontMemberGoesOn() {
    // G (0.75, 0.1): third by accuracy of 5, but the lowest loss: on the front with A and B,
    // at its edge (infinite crowding distance), so among the best ⌊5/2⌋ = 2.
    let g = Self.trial(4, 0.75, 0.1)
    let several = ASHAScheduler(directions: Self.directions, minEpochs: 1, reductionFactor: 2, maxEpochs: 8)
    #expect(Self.decide(several, g) == .continue)
    let one = ASHAScheduler(direction: .maximize, minEpochs: 1, reductionFactor: 2, maxEpochs: 8)
    guard case .stop = Self.decide(one, g) else {
      Issue.record("accuracy alone keeps the third of five")
      return
    }
  }

  @Test("a dominated trial is stopped, and the reason names its front and place")
  func dominatedTrialStops() {
    let h = Self.trial(4, 0.72, 0.55)  // dominated by A (0.9, 0.5)
    let asha = ASHAScheduler(directions: Self.directions, minEpochs: 1, reductionFactor: 2, maxEpochs: 8)
    #expect(Self.decide(asha, h) == .stop(reason:
      "asha: below the top 1/2 at rung 0 (epoch 1) by Pareto front: (0.72, 0.55) is on front 2, place 3 of 5 vectors recorded there (the best 2 go on)"))
  }

  @Test("within the front, the extremes go first (crowding), then the lower number")
  func crowdingOrdersTheFront() {
    // F (0.85, 0.3) is on the front between B and A: finite crowding, behind the two extremes.
    let f = Self.trial(4, 0.85, 0.3)
    let asha = ASHAScheduler(directions: Self.directions, minEpochs: 1, reductionFactor: 2, maxEpochs: 8)
    guard case .stop(let reason) = Self.decide(asha, f) else {
      Issue.record("F is third of the front behind its extremes A and B")
      return
    }
    #expect(reason.contains("is on front 1, place 3 of 5"))
  }

  @Test("a report without every objective, or with a non-finite one, stops the trial at a rung")
  func incompleteVectorStops() {
    var t = Self.trial(4, 0.99, 0.01)
    t.intermediate[0].values = [0.99, .nan]
    let asha = ASHAScheduler(directions: Self.directions, minEpochs: 1, reductionFactor: 2, maxEpochs: 8)
    guard case .stop(let reason) = asha.decide(for: t, report: t.intermediate[0], history: Self.history + [t]) else {
      Issue.record("a NaN objective goes on")
      return
    }
    #expect(reason.contains("not all finite"))
  }

  @Test("Hyperband's brackets judge by front too, among the bracket's trials")
  func hyperbandUsesTheFront() {
    let hb = HyperbandScheduler(directions: Self.directions, minEpochs: 1, reductionFactor: 2, maxEpochs: 2)
    let g = Self.trial(4, 0.75, 0.1)
    let bracket = hb.bracket(of: 4)
    let decision = hb.decide(for: g, report: g.intermediate[0], history: Self.history + [g])
    // The same judgement as ASHA over the trials of G's bracket only.
    let peers = (Self.history + [g]).filter { hb.bracket(of: $0.number) == bracket }
    let asha = ASHAScheduler(directions: Self.directions, minEpochs: 1, reductionFactor: 2, maxEpochs: 2)
    switch (decision, asha.decide(for: g, report: g.intermediate[0], history: peers)) {
    case (.continue, .continue): break
    case (.stop(let a), .stop(let b)):
      #expect(a.hasSuffix(b.dropFirst("asha".count)) && a.contains("by Pareto front"), "\(a) vs \(b)")
    case let (a, b): Issue.record("hyperband \(a), asha on the bracket \(b)")
    }
  }
}
