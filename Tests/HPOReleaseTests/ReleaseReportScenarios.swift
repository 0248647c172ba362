import Foundation
import HPOCore
import HPOData
import HPOModels
import HPOStore
@testable import HPORelease

/// Realistic release reports, one per outcome (passed, gate_failed, error),
/// for the golden-file tests of what the release stage writes. Everything is
/// fixed (time, hashes, trials), so the rendered files are too.
enum ReleaseReportScenarios {
  static let createdAt = Date(timeIntervalSince1970: 1_700_000_000.125)
  static let names = ["passed", "gate_failed", "error"]

  /// The report of scenario `name` (one of ``names``); `output` is where its package would be.
  static func report(_ name: String, output: String) throws -> ReleaseReport {
    switch name {
    case "passed": return try passed(output: output)
    case "gate_failed": return try gateFailed(output: output)
    default: return try error()
    }
  }

  // MARK: Scenarios

  /// Classification, every gate passed, a champion beaten (McNemar), median imputation.
  static func passed(output: String) throws -> ReleaseReport {
    let spec = spec(
      name: "iris-release", description: "Iris species from flower measurements | v2.", task: .classification,
      metric: .accuracy, missing: .median)
    var report = ReleaseReport(record: SearchRecord(spec: spec, trials: trials(spec, values: accuracies), checkpoints: []), createdAt: createdAt)
    report.winner = EvaluatedWinner(
      trial: 3, configuration: configuration(0.12, 32, "adam"), seed: 1_234_567_890_123, checkpoint: try classifier(),
      origin: "retrained", validationMetrics: [.accuracy: 0.9666666, .logLoss: 0.12345678, .f1Macro: 0.95],
      testMetrics: [.accuracy: 0.9333333, .logLoss: 0.2, .f1Macro: 0.93, .rocAUC: 0.99])
    report.gates = [
      GateResult(name: "accuracy ≥ 0.9", kind: .metric, passed: true, value: 0.9333333, threshold: "≥ 0.9", detail: "test accuracy 0.9333 ≥ 0.9"),
      GateResult(name: "gap", kind: .gap, passed: true, value: 0.0333333, threshold: "≤ 0.05", detail: "|validation − test| accuracy 0.0333 ≤ 0.05"),
      GateResult(name: "champion", kind: .champion, passed: true, value: 0.0333, threshold: "≥ champion − 0", detail: "winner 0.9333 vs champion 0.9000"),
      GateResult(name: "stress.row_order", kind: .stress, passed: true, threshold: "identical", detail: "predictions do not depend on row order"),
      GateResult(name: "seed_stability", kind: .seedStability, passed: true, value: 0.01, threshold: "≤ 0.02", detail: "spread 0.01 over 4 seeds"),
      GateResult(name: "drift", kind: .drift, passed: true, value: 0.03, threshold: "PSI ≤ 0.2", detail: "no feature drifted"),
    ]
    report.champion = ChampionComparison(
      entry: "/srv/registry/iris", version: "versions/3", metric: .accuracy, champion: 0.9, winner: 0.9333333,
      mcNemar: PairedTests.McNemar(winnerOnly: 3, championOnly: 1, pValue: 0.625, exact: true))
    report.data = manifest(task: .classification, label: "species", classCount: 3, missing: .median)
    report.statistics = statistics
    report.imputation = Preprocessing.Imputation(strategy: .median, values: [5.8, 3.0, 4.35, 1.3])
    report.packagePath = output + "/package"
    return report
  }

  /// Regression, failed gates whose texts need escaping, a bootstrap champion comparison, no imputation.
  static func gateFailed(output: String) throws -> ReleaseReport {
    let spec = spec(name: "housing", description: nil, task: .regression, metric: .rmse, missing: .reject)
    var report = ReleaseReport(record: SearchRecord(spec: spec, trials: trials(spec, values: losses), checkpoints: []), createdAt: createdAt)
    report.winner = EvaluatedWinner(
      trial: 5, configuration: configuration(1, 64, "sgd"), seed: 42, checkpoint: try regressor(), origin: "refit",
      validationMetrics: [.rmse: 0.41, .mae: 0.3, .r2: 0.8], testMetrics: [.rmse: 0.62, .mae: 0.45, .r2: 0.7])
    report.gates = [
      GateResult(name: "rmse ≤ 0.5", kind: .metric, passed: false, value: 0.62, threshold: "≤ 0.5", detail: "test rmse 0.6200 > 0.5"),
      GateResult(name: "gap", kind: .gap, passed: false, value: 0.21, threshold: "≤ 0.1", detail: "validation | test differ\nby 0.21"),
      GateResult(name: "stress <extremes> & \"nan\"", kind: .stress, passed: false, threshold: "finite & < 1e6", detail: "row 3: prediction \"inf\" <not finite> & unusable"),
      GateResult(name: "data.missing", kind: .data, passed: true, value: nil, threshold: "0 rows", detail: "no missing values"),
      GateResult(name: "champion", kind: .champion, passed: true, value: -0.02, threshold: "≤ champion + 0", detail: "winner 0.6200 vs champion 0.6400"),
    ]
    report.champion = ChampionComparison(
      entry: "/srv/registry/housing", version: "versions/1", metric: .rmse, champion: 0.64, winner: 0.62,
      bootstrap: PairedTests.Interval(estimate: -0.02, low: -0.05, high: 0.01, resamples: 1000))
    report.data = manifest(task: .regression, label: "price", classCount: nil, missing: .reject)
    report.statistics = statistics
    report.packagePath = output + "/rejected"
    return report
  }

  /// The stage failed after evaluating the winner: no gates, no data, an error that needs escaping.
  static func error() throws -> ReleaseReport {
    let spec = spec(name: "iris-broken", description: nil, task: .classification, metric: .logLoss, missing: .reject)
    var report = ReleaseReport(record: SearchRecord(spec: spec, trials: trials(spec, values: losses), checkpoints: []), createdAt: createdAt)
    report.winner = EvaluatedWinner(
      trial: 2, configuration: configuration(0.5, 16, "adam"), seed: 7, checkpoint: try classifier(), origin: "checkpoint",
      validationMetrics: [.logLoss: 0.3], testMetrics: [:])
    report.error = "the champion /srv/registry/<iris>/current/model.hpoc is not a model checkpoint: \"magic\" & version differ"
    return report
  }

  // MARK: Parts

  static func spec(name: String, description: String?, task: LearningTask, metric: Metric, missing: MissingPolicy) -> ExperimentSpec {
    ExperimentSpec(
      name: name, description: description,
      data: DataSpec(path: "/data/\(name).csv", task: task, split: SplitSpec(validation: 0.2, test: 0.2, seed: 7), missing: missing),
      model: ModelSpec(kind: task == .classification ? .softmax : .ridge, epochs: 20, precision: .float64),
      space: SearchSpace([
        Parameter(name: "learning_rate", domain: .float(FloatRange(low: 0.01, high: 1, log: true))),
        Parameter(name: "batch_size", domain: .int(IntRange(low: 16, high: 128))),
        Parameter(name: "optimizer", domain: .categorical([.string("adam"), .string("sgd")])),
      ]),
      objective: ObjectiveSpec(metric: metric), search: SearchSpec(strategy: .random, trials: 12, parallel: 2, seed: 3),
      validation: ValidationSpec(gates: [Gate(metric: metric, min: 0.9)]), output: OutputSpec(dir: "/out/\(name)"))
  }

  static func configuration(_ rate: Double, _ batch: Int, _ optimizer: String) -> Configuration {
    Configuration(["learning_rate": .float(rate), "batch_size": .int(batch), "optimizer": .string(optimizer)])
  }

  static let accuracies: [Double?] = [0.9, 0.93, 0.91, 0.9666666, nil, 0.5, 0.9666666, 0.88, 0.95, 0.7, 0.92, 0.94]
  static let losses: [Double?] = [0.52, 0.47, 0.3, 0.61, nil, 0.41, 0.8, 0.45, .infinity, 0.55, 0.43, 0.5]

  /// Twelve trials: mostly complete, trial 4 failed, 5 and 9 pruned, 11 running;
  /// trial 1's learning rate stored as an integer (as JSON reads `1.0` back).
  static func trials(_ spec: ExperimentSpec, values: [Double?]) -> [StoredTrial] {
    values.enumerated().map { i, value in
      let state: TrialState = i == 4 ? .failed : (i == 5 || i == 9) ? .pruned : i == 11 ? .running : .complete
      var configuration = configuration([0.02, 1, 0.5, 0.12, 0.3, 0.9, 0.05, 0.2, 0.7, 0.015, 0.08, 0.4][i], 16 + 8 * i, i % 3 == 0 ? "sgd" : "adam")
      if i == 1 { configuration["learning_rate"] = .int(1) }
      let epochs = state == .pruned ? 3 : state == .failed ? 1 : 20
      let intermediate = (1...epochs).map { IntermediateReport(step: $0, value: (value ?? 1) + Double(epochs - $0) * 0.01) }
      return StoredTrial(
        experiment: spec.name,
        record: TrialRecord(number: i, configuration: configuration, state: state, value: value, intermediate: state == .failed ? [] : intermediate),
        seed: UInt64(100 + i), worker: "w\(i % 2)", attempts: 1, createdAt: createdAt,
        startedAt: createdAt, finishedAt: state == .running ? nil : createdAt.addingTimeInterval(Double(10 + i)),
        epochs: epochs, reason: state == .failed ? "loss diverged | nan\nat epoch 1" : state == .pruned ? "pruned at rung 0" : nil,
        metrics: state == .complete ? ["accuracy": 0.9, "log_loss": 0.3] : [:], seconds: state == .complete ? 1.5 + Double(i) : nil,
        intermediateMetrics: state == .complete ? [1: ["train_loss": 0.9], 2: ["train_loss": 0.7]] : [:])
    }
  }

  static func manifest(task: LearningTask, label: String, classCount: Int?, missing: MissingPolicy) -> DataManifest {
    let sha = String(repeating: "3f1c", count: 16)
    return DataManifest(
      sourceFile: "\(label).csv", sourceSHA256: sha, task: task, labelName: label, classCount: classCount,
      featureNames: statistics.map(\.name), dataType: .float64, missing: missing, split: SplitSpec(validation: 0.2, test: 0.2, seed: 7),
      train: [ShardInfo(file: "train-0.shard", rows: 45, sha256: sha), ShardInfo(file: "train-1.shard", rows: 44, sha256: sha)],
      validation: ShardInfo(file: "validation.shard", rows: 30, sha256: sha), test: ShardInfo(file: "test.shard", rows: 31, sha256: sha),
      statistics: ShardInfo(file: "statistics.json", rows: 0, sha256: sha), preprocessing: ShardInfo(file: "preprocessing.json", rows: 0, sha256: sha))
  }

  static let statistics = [
    FeatureStatistics(name: "sepal_length", count: 89, missing: 1, mean: 5.84, std: 0.83, min: 4.3, max: 7.9, quantiles: [4.4, 4.6, 5.1, 5.8, 6.4, 7.3, 7.7]),
    FeatureStatistics(name: "sepal_width", count: 90, missing: 0, mean: 3.05, std: 0.43, min: 2, max: 4.4, quantiles: [2.2, 2.3, 2.8, 3, 3.3, 3.8, 4.2]),
    FeatureStatistics(name: "petal_length", count: 90, missing: 0, mean: 3.76, std: 1.76, min: 1, max: 6.9, quantiles: [1.1, 1.3, 1.6, 4.35, 5.1, 6.1, 6.7]),
    FeatureStatistics(name: "petal|width", count: 90, missing: 0, mean: .nan, std: 0.76, min: 0.1, max: 2.5, quantiles: [0.1, 0.2, 0.3, 1.3, 1.8, 2.3, 2.4]),
  ]

  /// A small softmax classifier (4 features, 3 classes); only its kind, precision and size are reported.
  static func classifier() throws -> ModelCheckpoint {
    let rows = 9
    let data = Dataset<Double>(
      features: (0..<(rows * 4)).map { Double($0 % 7) / 7 }, labels: (0..<rows).map { Double($0 % 3) },
      featureNames: statistics.map(\.name), labelName: "species", task: .classification, classCount: 3)
    return try Trainer.train(
      model: ModelSpec(kind: .softmax, epochs: 1, precision: .float64), configuration: Configuration(), train: data, validation: data, seed: 1
    ).checkpoint
  }

  /// A small ridge regressor (4 features).
  static func regressor() throws -> ModelCheckpoint {
    let rows = 9
    let data = Dataset<Double>(
      features: (0..<(rows * 4)).map { Double(($0 * 5) % 11) / 11 }, labels: (0..<rows).map { Double($0) / 3 },
      featureNames: statistics.map(\.name), labelName: "price", task: .regression, classCount: nil)
    return try Trainer.train(
      model: ModelSpec(kind: .ridge, precision: .float64), configuration: Configuration(), train: data, validation: data, seed: 1
    ).checkpoint
  }
}
