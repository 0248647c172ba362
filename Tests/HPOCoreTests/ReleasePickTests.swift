import HPOCore
import Testing

/// Which complete trial `release.pick` releases.
@Suite struct ReleasePickTests {
  /// Maximise accuracy, minimise latency; trials 0–3 with (accuracy, latency_ms).
  static func spec(pick: ReleasePick) -> ExperimentSpec {
    let objectives = [ObjectiveSpec(metric: .accuracy, direction: .maximize), ObjectiveSpec(metric: .latencyMs, direction: .minimize)]
    return ExperimentSpec(
      name: "pick", data: nil, model: ModelSpec(kind: .mlp, epochs: 1), space: SearchSpace([]), objective: objectives[0],
      search: SearchSpec(strategy: .random, trials: 4), output: OutputSpec(dir: "."), objectives: objectives,
      release: ReleaseSpec(pick: pick))
  }

  static let points: [(Double, Double)] = [(0.90, 1), (0.95, 4), (0.97, 9), (0.80, 0.5)]

  static func ranking(_ spec: ExperimentSpec) -> [Int] {
    let trials = points.enumerated().map { n, p in
      (record: TrialRecord(number: n, configuration: Configuration([:]), state: .complete, value: p.0, values: [p.0, p.1]),
       metrics: ["accuracy": p.0, "latency_ms": p.1])
    }
    return spec.releaseRanking(trials)
  }

  @Test func weightedSum_picksTheLargest() {
    // 1 × accuracy − 0.01 × latency: 0.89, 0.91, 0.88, 0.795.
    let spec = Self.spec(pick: ReleasePick(weights: [.init(metric: .accuracy, weight: 1), .init(metric: .latencyMs, weight: -0.01)]))
    #expect(Self.ranking(spec) == [1, 0, 2, 3])
    // A steeper price on latency: 0.86, 0.79, 0.61, 0.78.
    let steep = Self.spec(pick: ReleasePick(weights: [.init(metric: .accuracy, weight: 1), .init(metric: .latencyMs, weight: -0.04)]))
    #expect(Self.ranking(steep) == [0, 1, 3, 2])
  }

  @Test func weightedSum_withinItsBounds() {
    let spec = Self.spec(pick: ReleasePick(
      weights: [.init(metric: .accuracy, weight: 1), .init(metric: .latencyMs, weight: -0.01)],
      subjectTo: [Gate(metric: .latencyMs, max: 2)]))
    #expect(Self.ranking(spec).first == 0, "trial 1 is best by the sum but too slow")
    #expect(spec.releaseObjective.metric == .accuracy, "the champion is compared on the first quality objective")
  }

  @Test func described_writesTheSum() {
    let pick = ReleasePick(weights: [.init(metric: .accuracy, weight: 1), .init(metric: .latencyMs, weight: -0.01)])
    #expect(pick.described == "1 × accuracy − 0.01 × latency_ms (maximize)")
  }
}
