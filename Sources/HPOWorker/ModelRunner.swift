import Foundation
import HPOCore
import HPOData
import HPOModels
import HPOWire

/// Trains ridge, softmax and MLP trials: loads the shards named by the
/// assignment (training shards, the validation shard and the preprocessing
/// fitted on the training split), trains through ``Trainer`` with the trial's
/// seed, reports validation metrics after every epoch, and returns the
/// checkpoint. The same code path as `hpo train`. Beside the validation
/// metrics it reports what it measures itself: `train_seconds` (wall-clock
/// since training started, each epoch and at the end), `params` and
/// `latency_ms` (each epoch and at the end; how, in HPOModels' `InferenceProbe`)
/// and `model_bytes` (the checkpoint's size, at the end).
public struct ModelRunner: TrialRunner {
  public init() {}

  public func run(
    _ assignment: TrialAssignment, shardFiles: [String: URL], report: (Int, [String: Double]) throws -> Bool
  ) throws -> TrialRun {
    switch assignment.model.precision {
    case .float32: return try run(assignment, shardFiles: shardFiles, report: report, as: Float.self)
    case .float64: return try run(assignment, shardFiles: shardFiles, report: report, as: Double.self)
    }
  }

  private func run<D: DataScalar>(
    _ a: TrialAssignment, shardFiles: [String: URL], report: (Int, [String: Double]) throws -> Bool, as: D.Type
  ) throws -> TrialRun {
    func file(_ ref: ShardReference) throws -> URL {
      guard let url = shardFiles[ref.sha256] else { throw TrialRunError("shard \(ref.sha256) is missing on this worker") }
      return url
    }
    var trainShards: [Shard<D>] = []
    var validation: Shard<D>?
    var preprocessing: Preprocessing?
    for ref in a.shards {
      let url = try file(ref)
      switch ref.role {
      case .train: trainShards.append(try ShardReader.read(path: url.path, as: D.self))
      case .validation: validation = try ShardReader.read(path: url.path, as: D.self)
      case .preprocessing: preprocessing = try Preprocessing(json: String(decoding: try Data(contentsOf: url), as: UTF8.self), file: url.path)
      case .code, .trainCSV, .validationCSV, .resume, .testCSV, .candidate: continue  // a command experiment's; never in a model's assignment
      }
    }
    guard let validation, let first = trainShards.first else {
      throw TrialRunError("the assignment has no training or validation data")
    }
    let features = first.featureCount
    let classCount: Int? = a.task == .classification
      ? Int((trainShards.flatMap(\.labels) + validation.labels).max() ?? 0) + 1 : nil
    func dataset(_ parts: [Shard<D>]) -> Dataset<D> {
      Dataset(features: parts.flatMap(\.features), labels: parts.flatMap(\.labels),
              featureNames: (0..<features).map { "f\($0)" }, labelName: "label", task: a.task, classCount: classCount)
    }
    var reportError: (any Error)?
    var stopped = false
    let started = ContinuousClock.now
    let outcome = try Trainer.train(
      model: a.model, configuration: a.configuration, train: dataset(trainShards), validation: dataset([validation]),
      preprocessing: preprocessing, seed: a.seed, epochs: a.epochs
    ) { epoch in
      var metrics = Dictionary(uniqueKeysWithValues: (epoch.metrics.merging(epoch.measured) { v, _ in v }).map { ($0.key.rawValue, $0.value) })
      metrics[Metric.trainSeconds.rawValue] = (ContinuousClock.now - started).seconds
      do {
        let goOn = try report(epoch.epoch, metrics)
        if !goOn { stopped = true }
        return goOn
      } catch {
        reportError = error
        return false
      }
    }
    if let reportError { throw reportError }
    var metrics = Dictionary(uniqueKeysWithValues: (outcome.metrics.merging(outcome.measured) { v, _ in v }).map { ($0.key.rawValue, $0.value) })
    metrics[Metric.trainSeconds.rawValue] = (ContinuousClock.now - started).seconds
    metrics[Metric.modelBytes.rawValue] = Double(outcome.checkpointBytes.count)
    return TrialRun(metrics: metrics, epochs: outcome.epochs, stopped: stopped, checkpoint: outcome.checkpointBytes)
  }
}
