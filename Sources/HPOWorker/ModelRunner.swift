import Foundation
import HPOCore
import HPOData
import HPOModels
import HPOWire
import Logging

/// Trains ridge, softmax and MLP trials: loads the shards named by the
/// assignment (training shards, the validation shard and the preprocessing
/// fitted on the training split), trains through ``Trainer`` with the trial's
/// seed, reports validation metrics after every epoch, and returns the
/// checkpoint. The same code path as `hpo train`. Beside the validation
/// metrics it reports what it measures itself: `train_seconds` (wall-clock
/// since training started, each epoch and at the end), `params` and
/// `latency_ms` (each epoch and at the end; how, in HPOModels' `InferenceProbe`)
/// and `model_bytes` (the checkpoint's size, at the end).
///
/// Every `model.checkpoint_every` epochs it sends the run's state through the
/// context before reporting the epoch; an assignment holding such a
/// checkpoint (a `.resume` shard: a later attempt of the trial) resumes at
/// its epoch, bit for bit the run the first attempt would have made, and
/// reports only the epochs after it. A resume checkpoint that cannot be read
/// or does not fit the trial is logged and the attempt starts afresh.
public struct ModelRunner: TrialRunner {
  private let logger: Logger

  public init(logger: Logger = Logger(label: "hpo.worker.model")) { self.logger = logger }

  public func run(
    _ assignment: TrialAssignment, shardFiles: [String: URL], report: (Int, [String: Double]) throws -> Bool
  ) throws -> TrialRun {
    try run(assignment, shardFiles: shardFiles, report: report, context: TrialContext())
  }

  public func run(
    _ assignment: TrialAssignment, shardFiles: [String: URL], report: (Int, [String: Double]) throws -> Bool,
    context: TrialContext
  ) throws -> TrialRun {
    switch assignment.model.precision {
    case .float32: return try run(assignment, shardFiles: shardFiles, report: report, context: context, as: Float.self)
    case .float64: return try run(assignment, shardFiles: shardFiles, report: report, context: context, as: Double.self)
    }
  }

  private func run<D: DataScalar>(
    _ a: TrialAssignment, shardFiles: [String: URL], report: (Int, [String: Double]) throws -> Bool,
    context: TrialContext, as: D.Type
  ) throws -> TrialRun {
    let inputs = try Self.inputs(a, shardFiles: shardFiles, as: D.self)
    let (trainShards, preprocessing) = (inputs.train, inputs.preprocessing)
    let resume = inputs.resume.flatMap { resumeCheckpoint($0, of: a) }
    guard let validation = inputs.validation, let first = trainShards.first else {
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
    func onEpoch(_ epoch: EpochReport) -> Bool {
      // A checkpoint that could not be sent ends the run as a failed report would.
      guard reportError == nil else { return false }
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
    func fit(resumingFrom resume: ModelCheckpoint?) throws -> TrainingOutcome {
      try Trainer.train(
        model: a.model, configuration: a.configuration, train: dataset(trainShards), validation: dataset([validation]),
        preprocessing: preprocessing, seed: a.seed, epochs: a.epochs, resumingFrom: resume,
        checkpoints: PeriodicCheckpoints(every: a.model.checkpointCadence) { checkpoint in
          guard reportError == nil else { return }
          // False (the coordinator stopped answering) is not an error: training goes on, the next
          // checkpoint is sent anyway, and a later attempt resumes from the last one that arrived.
          do { _ = try context.sendModelCheckpoint(checkpoint.encoded()) } catch { reportError = error }
        }, onEpoch: onEpoch)
    }
    if let resume {
      logger.info("trial resumes from an earlier attempt's checkpoint", metadata: [
        "trial": "\(a.key)", "epoch": "\(resume.epochsCompleted)",
      ])
    }
    var resumed: TrainingOutcome?
    do {
      resumed = try fit(resumingFrom: resume)
    } catch let error as ModelError {
      guard error.code == .checkpointMismatch, resume != nil else { throw error }
      logger.warning("the earlier attempt's checkpoint does not fit this trial; it starts afresh", metadata: [
        "trial": "\(a.key)", "error": "\(error)",
      ])
    }
    let outcome = try resumed ?? fit(resumingFrom: nil)
    if let reportError { throw reportError }
    var metrics = Dictionary(uniqueKeysWithValues: (outcome.metrics.merging(outcome.measured) { v, _ in v }).map { ($0.key.rawValue, $0.value) })
    metrics[Metric.trainSeconds.rawValue] = (ContinuousClock.now - started).seconds
    metrics[Metric.modelBytes.rawValue] = Double(outcome.checkpointBytes.count)
    return TrialRun(metrics: metrics, epochs: outcome.epochs, stopped: stopped, checkpoint: outcome.checkpointBytes)
  }

  /// What an assignment's shards hold for a model.
  struct Inputs<D: DataScalar> {
    var train: [Shard<D>] = []
    var validation: Shard<D>?
    var preprocessing: Preprocessing?
    /// The file of an earlier attempt's checkpoint.
    var resume: URL?
  }

  /// Reads the shards of `a` from `shardFiles` (by SHA-256).
  /// - Throws: ``TrialRunError`` for a shard missing on this worker; the
  ///   shard reader's errors for one that cannot be read.
  static func inputs<D: DataScalar>(_ a: TrialAssignment, shardFiles: [String: URL], as: D.Type) throws -> Inputs<D> {
    var inputs = Inputs<D>()
    for ref in a.shards {
      guard let url = shardFiles[ref.sha256] else { throw TrialRunError("shard \(ref.sha256) is missing on this worker") }
      switch ref.role {
      case .train: inputs.train.append(try ShardReader.read(path: url.path, as: D.self))
      case .validation: inputs.validation = try ShardReader.read(path: url.path, as: D.self)
      case .preprocessing: inputs.preprocessing = try Preprocessing(json: String(decoding: try Data(contentsOf: url), as: UTF8.self), file: url.path)
      case .resume: inputs.resume = url
      case .code, .trainCSV, .validationCSV, .testCSV, .candidate: continue  // a command experiment's; never in a model's assignment
      }
    }
    return inputs
  }

  /// The earlier attempt's checkpoint in `url`, or `nil` (logged: the
  /// attempt starts afresh) when it cannot be read or decoded.
  private func resumeCheckpoint(_ url: URL, of a: TrialAssignment) -> ModelCheckpoint? {
    do {
      return try ModelCheckpoint(decoding: [UInt8](try Data(contentsOf: url)))
    } catch {
      logger.warning("cannot read the earlier attempt's checkpoint; the trial starts afresh", metadata: [
        "trial": "\(a.key)", "file": "\(url.path)", "error": "\(error)",
      ])
      return nil
    }
  }
}
