import Foundation
import HPOCore
import HPOData
import HPOModels
import HPOStore

/// The winner, evaluated: its model, where it came from, and its metrics.
public struct EvaluatedWinner: Sendable {
  public var trial: Int
  public var configuration: Configuration
  public var seed: UInt64
  public var checkpoint: ModelCheckpoint
  /// "checkpoint" (kept by the search), "retrained" (same configuration and seed) or "refit" (train + validation).
  public var origin: String
  /// The search's validation metrics of the winning trial.
  public var validationMetrics: [Metric: Double]
  /// Metrics on the held-out test split.
  public var testMetrics: [Metric: Double]
}

/// The experiment's prepared splits (`output.dir/data`), in the precision the
/// workers trained on, and the training of one configuration on them — the
/// same code path as a worker and `hpo train`.
struct PreparedSplits<D: DataScalar> {
  var train: Dataset<D>
  var validation: Dataset<D>
  var test: Dataset<D>
  var preprocessing: Preprocessing
  var statistics: [FeatureStatistics]
  var manifest: DataManifest
  var directory: String

  init(manifest: DataManifest, directory: String) throws {
    self.manifest = manifest
    self.directory = directory
    let train: Dataset<D> = try manifest.load(.train, directory: directory)
    let validation: Dataset<D> = try manifest.load(.validation, directory: directory)
    let test: Dataset<D> = try manifest.load(.test, directory: directory)
    // The class count a worker derives (largest training or validation label + 1),
    // so that a retrained model is the model the search trained.
    let k: Int? = manifest.task == .classification ? Int((train.labels + validation.labels).max() ?? 0) + 1 : nil
    func relabel(_ d: Dataset<D>) -> Dataset<D> {
      Dataset(features: d.features, labels: d.labels, featureNames: d.featureNames, labelName: d.labelName, task: d.task, classCount: k)
    }
    (self.train, self.validation, self.test) = (relabel(train), relabel(validation), relabel(test))
    preprocessing = try manifest.loadPreprocessing(directory: directory)
    statistics = try manifest.loadStatistics(directory: directory)
  }

  /// Trains `configuration` with `seed` as a worker does (on `trainOn`, default the training split).
  func train(_ spec: ExperimentSpec, configuration: Configuration, seed: UInt64, trainOn: Dataset<D>? = nil) throws -> ModelCheckpoint {
    do {
      return try Trainer.train(
        model: spec.model, configuration: configuration, train: trainOn ?? train, validation: validation,
        preprocessing: preprocessing, seed: seed, epochs: spec.model.epochs
      ).checkpoint
    } catch {
      throw ReleaseError("training the winning configuration \(configuration) failed: \(error.message)")
    }
  }

  /// Training and validation rows together (for `refit`).
  var trainAndValidation: Dataset<D> {
    Dataset(
      features: train.features + validation.features, labels: train.labels + validation.labels,
      featureNames: train.featureNames, labelName: train.labelName, task: train.task, classCount: train.classCount)
  }

  func evaluate(_ checkpoint: ModelCheckpoint, what: String) throws -> [Metric: Double] {
    do { return try checkpoint.evaluate(test) } catch {
      throw ReleaseError("\(what) cannot be evaluated on the test split: \(error.message)")
    }
  }

  /// The winner's model: its kept checkpoint when it is there and intact, else
  /// retrained with the same configuration and seed; refitted on train +
  /// validation when the spec asks.
  func winner(_ record: SearchRecord) throws -> EvaluatedWinner {
    let spec = record.spec
    guard let best = record.winner else {
      throw ReleaseError(record.noWinnerReason)
    }
    let configuration = spec.space.normalized(best.record.configuration)
    var checkpoint: ModelCheckpoint?
    var origin = "retrained"
    if spec.validation?.refit == true {
      checkpoint = try train(spec, configuration: configuration, seed: best.seed, trainOn: trainAndValidation)
      origin = "refit"
    } else if let kept = record.checkpoints.first(where: { $0.trial.number == best.number }),
      let data = FileManager.default.contents(atPath: kept.path),
      SHA256Hex.of(data) == kept.sha256,
      // A kept checkpoint that is missing, altered or undecodable is not used: the winner is
      // retrained from its configuration and seed (the same model), and the manifest says "retrained".
      let decoded = try? ModelCheckpoint(decoding: Array(data))
    {
      checkpoint = decoded
      origin = "checkpoint"
    }
    let model = try checkpoint ?? train(spec, configuration: configuration, seed: best.seed)
    var validation: [Metric: Double] = [:]
    for (k, v) in best.metrics { if let m = Metric(rawValue: k) { validation[m] = v } }
    return EvaluatedWinner(
      trial: best.number, configuration: configuration, seed: best.seed, checkpoint: model, origin: origin,
      validationMetrics: validation, testMetrics: try evaluate(model, what: "the winner"))
  }
}

extension DataManifest {
  /// The manifest of `output.dir/data`, preparing the data first when the
  /// directory has none (an offline `hpo evaluate` of a store whose data was removed).
  static func readOrPrepare(_ spec: ExperimentSpec) throws -> (DataManifest, String) {
    guard let data = spec.data else { throw ReleaseError("the experiment has no data to evaluate on") }
    let directory = URL(fileURLWithPath: spec.output.dir).appendingPathComponent("data").path
    // No manifest, or one that cannot be read: preparing again rewrites the directory (idempotent),
    // and a failure of that is reported below.
    if let manifest = try? DataManifest.read(directory: directory) { return (manifest, directory) }
    do {
      switch spec.model.precision {
      case .float32: _ = try DataPreparer.prepare(spec: data, dataPath: data.path, outputDirectory: directory, as: Float.self)
      case .float64: _ = try DataPreparer.prepare(spec: data, dataPath: data.path, outputDirectory: directory, as: Double.self)
      }
      return (try DataManifest.read(directory: directory), directory)
    } catch {
      throw ReleaseError("the data of \(spec.name) cannot be prepared: \(error)")
    }
  }
}
