import Foundation
import HPOCore
import HPOStore
import HPOWire
import Testing
@testable import HPOCoordinator

/// A long-lived coordinator drops the runtime (every trial record, the
/// sampler) of an experiment that has ended for good, and still answers for
/// it: `hpo status` from what it kept, `hpo trials` from the store. Found by
/// the soak: without it, memory grew by about 300 kB per 1,000 trials.
@Suite struct EvictionTests {
  let t = CoordinatorCoreTests()

  func status(_ core: CoordinatorCore, _ name: String?, trials: Bool = false) -> StatusReply? {
    guard case .status(let s)? = t.send(core, .statusRequest(StatusRequest(experiment: name, includeTrials: trials))).first else {
      return nil
    }
    return s
  }

  func runToTheEnd(_ core: CoordinatorCore, _ name: String) {
    while let a = t.ask(core, "w1"), a.key.experiment == name {
      t.finish(core, a, value: Double(a.key.trial))
    }
  }

  @Test func endedExperiment_isDroppedFromMemory_andStillAnswersStatusAndTrials() throws {
    let store = ExperimentStore.inMemory()
    let core = try CoordinatorCoreTests.core(store)
    #expect(t.submit(core, CoordinatorCoreTests.spec("a", trials: 4, parallel: 1))?.accepted == true)
    let before = try #require(status(core, "a"))
    runToTheEnd(core, "a")
    #expect(core.experiments["a"] != nil, "kept until the next tick")
    let kept = try #require(status(core, "a")?.experiments.first)
    try core.tick(now: CoordinatorCoreTests.t0.addingTimeInterval(1))
    #expect(core.experiments["a"] == nil, "a finished experiment's trials leave memory")
    #expect(core.order.isEmpty)

    let shown = try #require(status(core, "a", trials: true)?.experiments.first)
    #expect(shown.state == .finished && kept.state == .finished)
    #expect(shown.counts == kept.counts && shown.counts[.complete] == 4)
    #expect(shown.bestValue == kept.bestValue && shown.bestTrial == kept.bestTrial && shown.bestValue == 0)
    #expect(shown.bestConfiguration == kept.bestConfiguration)
    #expect(shown.trials?.map(\.number) == [0, 1, 2, 3], "the trials come from the store")
    #expect(shown.trials?.allSatisfy { $0.state == .complete } == true)
    #expect(before.experiments.first?.budget == shown.budget)
    #expect(status(core, nil)?.experiments.map(\.name) == ["a"], "the list of all experiments still holds it")
    #expect(core.allFinished)

    guard case .submitted(let cancelled)? = t.send(core, .cancel(CancelRequest(experiment: "a"))).first else {
      Issue.record("no answer to the cancel")
      return
    }
    #expect(!cancelled.accepted)
    #expect(cancelled.message == "a has already ended (finished); there is nothing to cancel")
    #expect(status(core, "a")?.experiments.first?.state == .finished, "cancelling an ended experiment changes nothing")
  }

  @Test func afterEviction_otherExperimentsKeepRunning_listedInSubmissionOrder() throws {
    let store = ExperimentStore.inMemory()
    let core = try CoordinatorCoreTests.core(store)
    _ = t.submit(core, CoordinatorCoreTests.spec("a", trials: 2, parallel: 1))
    _ = t.submit(core, CoordinatorCoreTests.spec("b", trials: 3, parallel: 1))
    _ = t.submit(core, CoordinatorCoreTests.spec("c", trials: 3, parallel: 1))
    // Fair dispatch: a, b, c, a — then a has ended.
    var leased: [TrialAssignment] = []
    for _ in 0..<4 {
      let a = try #require(t.ask(core, "w\(leased.count)"))
      leased.append(a)
      t.finish(core, a, value: 1)
    }
    #expect(leased.map(\.key.experiment) == ["a", "b", "c", "a"])
    try core.tick(now: CoordinatorCoreTests.t0.addingTimeInterval(1))
    #expect(core.experiments["a"] == nil && core.order == ["b", "c"])
    #expect(!core.allFinished)
    #expect(status(core, nil)?.experiments.map(\.name) == ["a", "b", "c"])

    // The round robin goes on where it was (b next), over b and c only.
    var rest: [String] = []
    while let a = t.ask(core, "w9") {
      rest.append(a.key.experiment)
      t.finish(core, a, value: 2)
    }
    #expect(rest == ["b", "c", "b", "c"])
    try core.tick(now: CoordinatorCoreTests.t0.addingTimeInterval(2))
    #expect(core.experiments.isEmpty)
    #expect(core.allFinished, "every experiment ended: hpo run's coordinator exits")
    #expect(try store.trials(of: "b").count + store.trials(of: "c").count == 6)
  }

  @Test func runningOrUnfinishedExperiments_stayInMemory() throws {
    let core = try CoordinatorCoreTests.core(ExperimentStore.inMemory())
    _ = t.submit(core, CoordinatorCoreTests.spec("a", trials: 2, parallel: 2))
    let first = try #require(t.ask(core, "w1"))
    _ = try #require(t.ask(core, "w2"))
    t.finish(core, first, value: 1)
    try core.tick(now: CoordinatorCoreTests.t0.addingTimeInterval(1))
    #expect(core.experiments["a"] != nil, "one trial still runs")
    // A cancelled experiment with a trial running stays until that trial reports.
    _ = t.send(core, .cancel(CancelRequest(experiment: "a")))
    try core.tick(now: CoordinatorCoreTests.t0.addingTimeInterval(2))
    #expect(core.experiments["a"] != nil, "its running trial has not reported yet")
  }

  @Test func resumingAnEndedExperiment_bringsItBack() throws {
    let store = ExperimentStore.inMemory()
    let core = try CoordinatorCoreTests.core(store)
    _ = t.submit(core, CoordinatorCoreTests.spec("a", trials: 2, parallel: 1))
    runToTheEnd(core, "a")
    try core.tick(now: CoordinatorCoreTests.t0.addingTimeInterval(1))
    #expect(core.experiments["a"] == nil)
    let reply = try #require(t.submit(core, CoordinatorCoreTests.spec("a", trials: 2, parallel: 1), resume: true))
    #expect(reply.accepted, "\(reply.message)")
    #expect(status(core, nil)?.experiments.map(\.name) == ["a"], "listed once")
  }
}
