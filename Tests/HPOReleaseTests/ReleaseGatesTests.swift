import HPOCore
import Testing
@testable import HPORelease

@Suite struct ReleaseGatesTests {
  @Test func thresholds_passAndFailOnTheTestMetric() {
    let results = ReleaseGates.thresholds(
      [Gate(metric: .accuracy, min: 0.9), Gate(metric: .logLoss, max: 0.2), Gate(metric: .rocAUC, min: 0.5)],
      test: [.accuracy: 0.95, .logLoss: 0.3])
    #expect(results.map(\.passed) == [true, false, false])
    #expect(results.map(\.name) == ["accuracy ≥ 0.9", "log_loss ≤ 0.2", "roc_auc ≥ 0.5"])
    #expect(results[2].detail == "roc_auc is undefined on the test split")
  }

  @Test func gap_isTheAbsoluteDifference() {
    let ok = ReleaseGates.gap(0.05, metric: .rmse, validation: [.rmse: 1.0], test: [.rmse: 1.04])
    let bad = ReleaseGates.gap(0.05, metric: .rmse, validation: [.rmse: 1.0], test: [.rmse: 0.9])
    #expect(ok.passed && abs(ok.value! - 0.04) < 1e-12)
    #expect(!bad.passed && abs(bad.value! - 0.1) < 1e-12)
  }

  static func comparison(_ metric: Metric, winner: Double, champion: Double) -> ChampionComparison {
    ChampionComparison(entry: "reg/x", version: "versions/1", metric: metric, champion: champion, winner: winner)
  }

  @Test func champion_toleranceAndImprovementFollowTheDirection() {
    let tolerant = ValidationSpec(championTolerance: 0.01)
    // maximize: 0.895 is within 0.01 of 0.9, 0.88 is not.
    #expect(ReleaseGates.champion(Self.comparison(.accuracy, winner: 0.895, champion: 0.9), entry: "", validation: tolerant, direction: .maximize).passed)
    #expect(!ReleaseGates.champion(Self.comparison(.accuracy, winner: 0.88, champion: 0.9), entry: "", validation: tolerant, direction: .maximize).passed)
    // minimize: a lower loss is better.
    #expect(ReleaseGates.champion(Self.comparison(.logLoss, winner: 0.30, champion: 0.31), entry: "", validation: ValidationSpec(), direction: .minimize).passed)
    #expect(!ReleaseGates.champion(Self.comparison(.logLoss, winner: 0.32, champion: 0.31), entry: "", validation: ValidationSpec(), direction: .minimize).passed)
    // min_improvement: better by at least 0.02.
    let improve = ValidationSpec(minImprovement: 0.02)
    #expect(!ReleaseGates.champion(Self.comparison(.logLoss, winner: 0.30, champion: 0.31), entry: "", validation: improve, direction: .minimize).passed)
    #expect(ReleaseGates.champion(Self.comparison(.logLoss, winner: 0.28, champion: 0.31), entry: "", validation: improve, direction: .minimize).passed)
    // No champion yet: nothing to compare, the gate passes and says so.
    let none = ReleaseGates.champion(nil, entry: "reg/x", validation: improve, direction: .minimize)
    #expect(none.passed && none.detail.contains("no current version"))
  }

  @Test func seedStability_boundsTheSpread() {
    let s = SeedStabilitySpec(seeds: 3, maxSpread: 0.02)
    #expect(ReleaseGates.seedStability(s, values: [0.90, 0.91, 0.905, 0.915], seeds: [1, 2, 3, 4], metric: .accuracy).passed)
    let bad = ReleaseGates.seedStability(s, values: [0.90, 0.95, 0.905, 0.915], seeds: [1, 2, 3, 4], metric: .accuracy)
    #expect(!bad.passed && abs(bad.value! - 0.05) < 1e-12)
    #expect(!ReleaseGates.seedStability(s, values: [0.9, .nan], seeds: [1, 2], metric: .accuracy).passed)
  }
}
