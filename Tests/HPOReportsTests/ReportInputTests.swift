import HPOCore
import Testing

@testable import HPOReports

@Suite struct ReportInputTests {
  @Test func passed_followsTheStatus() {
    #expect([.passed, .gateFailed, .error, .skipped, nil].map { releaseInput(status: $0).passed } == [true, false, nil, nil, nil])
  }

  @Test func releasedWinner_namesItsMetricsBySplit() {
    let w = ReportInput.Winner(
      trialNumber: 2, configuration: Configuration(), origin: "refit", seed: 1, validation: [.rmse: 0.4], test: [.rmse: 0.5, .r2: 0.8])
    #expect(w.metrics == ["validation rmse": 0.4, "test rmse": 0.5, "test r2": 0.8])
  }
}
