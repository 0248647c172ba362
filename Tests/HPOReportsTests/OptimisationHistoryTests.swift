import HPOCore
import HPOReports
import Testing

/// The history plot's data, shared by `report.html` and the dashboard.
@Suite struct OptimisationHistoryTests {
  static func trial(_ n: Int, _ state: TrialState, _ value: Double?) -> ReportInput.Trial {
    ReportInput.Trial(number: n, state: state, value: value, configuration: Configuration(["x": .int(n)]))
  }

  @Test func points_areFinishedTrialsWithAFiniteValue_andTheBestIgnoresPrunedOnes() {
    let trials = [
      Self.trial(4, .complete, 0.3), Self.trial(0, .complete, 0.5), Self.trial(1, .pruned, 0.1),
      Self.trial(2, .complete, .nan), Self.trial(3, .failed, nil), Self.trial(5, .running, nil),
      Self.trial(6, .complete, 0.4),
    ]
    let h = OptimisationHistory(trials: trials, direction: .minimize)
    #expect(h.points.map(\.number) == [0, 1, 4, 6])
    #expect(h.points.map(\.state) == [.complete, .pruned, .complete, .complete])
    #expect(h.bestSoFar.map(\.number) == [0, 4, 6])
    #expect(h.bestSoFar.map(\.value) == [0.5, 0.3, 0.3], "the pruned 0.1 is not a best")
    let up = OptimisationHistory(trials: trials, direction: .maximize)
    #expect(up.bestSoFar.map(\.value) == [0.5, 0.5, 0.5])
  }
}
