import Foundation
import HPOCore
import HPOStore
import HPOWire
import Testing
@testable import HPOCoordinator

/// With `release.pick`, the live `hpo status` shows as best the trial the
/// release would pick, the same one the store shows offline.
@Suite struct ReleasePickStatusTests {
  let t = CoordinatorCoreTests()

  @Test func liveBest_isTheTrialThePickChooses_likeTheStore() throws {
    var spec = CoordinatorCoreTests.spec("pick", trials: 3, parallel: 1)
    spec.release = ReleaseSpec(pick: ReleasePick(metric: .value, direction: .minimize, subjectTo: [Gate(metric: .modelBytes, max: 100)]))
    let store = ExperimentStore.inMemory()
    let core = try CoordinatorCoreTests.core(store)
    #expect(t.submit(core, spec)?.accepted == true)
    // Trial 0 has the lowest value but is too large for the pick; trial 1 is the best that fits.
    let sizes = [500.0, 50, 80], values = [1.0, 2, 3]
    for _ in 0..<3 {
      let a = try #require(t.ask(core, "w1"))
      let n = a.key.trial
      _ = t.send(core, .result(TrialResult(
        key: a.key, status: .complete, metrics: ["value": values[n], "model_bytes": sizes[n]], epochs: 0, seconds: 0.1)))
    }
    guard case .status(let s)? = t.send(core, .statusRequest(StatusRequest(experiment: "pick", includeTrials: false))).first else {
      Issue.record("no status")
      return
    }
    let live = try #require(s.experiments.first)
    #expect(live.bestTrial == 1 && live.bestValue == 2)
    #expect(try SearchRecord.read(from: store, experiment: "pick").winner?.number == 1)

    // After a restart the coordinator rebuilds it from the store.
    let restarted = try CoordinatorCoreTests.core(store)
    guard case .status(let again)? = t.send(restarted, .statusRequest(StatusRequest(experiment: "pick", includeTrials: false))).first else {
      Issue.record("no status after the restart")
      return
    }
    #expect(again.experiments.first?.bestTrial == 1)
  }
}
