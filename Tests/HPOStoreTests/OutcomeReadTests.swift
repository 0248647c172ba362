import HPOCore
import Testing

@testable import HPOStore

/// `finishedOutcomes(of:)` and `trialNumberEnd(of:)`: the lean reads of the dashboard's history
/// agree with the full read of every trial.
@Suite struct OutcomeReadTests {
  @Test(arguments: StoreKind.allCases) func outcomes_areTheFullReadsCompleteAndPrunedTrials(_ kind: StoreKind) throws {
    try withStore(kind) { store in
      try FixtureHistory.write(to: store)
      for e in try store.experiments() {
        let full = try store.storedTrials(of: e.name).filter { $0.state == .complete || $0.state == .pruned }
        let lean = try store.finishedOutcomes(of: e.name)
        #expect(lean.map(\.number) == full.map(\.number), "\(e.name)")
        #expect(lean.map(\.state) == full.map(\.state), "\(e.name)")
        // NaN is not equal to itself: compare its description.
        #expect(lean.map { $0.value.map(String.init(describing:)) } == full.map { $0.record.value.map(String.init(describing:)) })
        #expect(try store.trialNumberEnd(of: e.name) == (try store.storedTrials(of: e.name).map(\.number).max() ?? -1) + 1)
      }
      #expect(throws: StoreError.self) { try store.finishedOutcomes(of: "none") }
      #expect(try store.trialNumberEnd(of: "none") == 0)
    }
  }
}
