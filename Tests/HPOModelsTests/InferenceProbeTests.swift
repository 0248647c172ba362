import HPOCore
import HPOData
import Testing

@testable import HPOModels

/// `params` and `latency_ms`, which hpo measures itself for every built-in model.
@Suite(.serialized) struct InferenceProbeTests {
  static func train(_ kind: ModelKind, epochs: Int?, _ config: [String: ParameterValue]) throws -> TrainingOutcome {
    let d = try QualityTests.digits.get()
    return try Trainer.train(
      model: ModelSpec(kind: kind, epochs: epochs), configuration: Configuration(config), train: d.train,
      validation: d.validation, preprocessing: d.preprocessing, seed: 3)
  }

  /// Digits: 64 features, 10 classes. Every weight and bias counts.
  @Test(arguments: [
    (ModelKind.mlp, ["hidden_units": ParameterValue.int(32), "layers": .int(2)], 64 * 32 + 32 + 32 * 32 + 32 + 32 * 10 + 10),
    (.mlp, ["hidden_units": .int(5), "layers": .int(1)], 64 * 5 + 5 + 5 * 10 + 10),
    (.softmax, [:], 64 * 10 + 10),
  ])
  func iterativeModels_reportParamsAndLatencyEveryEpoch(kind: ModelKind, config: [String: ParameterValue], params: Int) throws {
    let outcome = try Self.train(kind, epochs: 3, config)
    #expect(outcome.measured[.params] == Double(params))
    #expect(outcome.history.count == 3)
    for epoch in outcome.history {
      #expect(epoch.measured[.params] == Double(params))
      let latency = try #require(epoch.measured[.latencyMs])
      #expect(latency > 0 && latency < 1_000, "latency \(latency) ms")
    }
    // Measured metrics are not validation metrics: the checkpoint keeps only the latter.
    #expect(outcome.checkpoint.validationMetrics[.params] == nil)
    #expect(outcome.metrics[.latencyMs] == nil)
  }

  @Test func ridge_reportsParamsAndLatency() throws {
    let outcome = try Self.train(.ridge, epochs: nil, ["alpha": .float(1)])
    #expect(outcome.measured[.params] == Double(64 * 10 + 10))
    let latency = try #require(outcome.measured[.latencyMs])
    #expect(latency > 0 && latency < 1_000)
  }
}
