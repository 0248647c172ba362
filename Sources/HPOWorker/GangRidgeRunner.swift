import Foundation
import HPOCollectives
import HPOCore
import HPOData
import HPOModels
import HPOWire

/// Trains a ridge trial on a gang: each member reads only its own training
/// shards, the members sum their parts of the normal equations with ring
/// all-reduces (see HPOModels' `Trainer.trainRidgeDataParallel`), and rank 0,
/// the one member holding the validation shard, evaluates the model and
/// returns it: the same model as one worker on all the shards, up to the
/// order of floating-point summation. The other members return `nil`.
struct GangRidgeRunner {
  static func run(_ a: TrialAssignment, shardFiles: [String: URL], communicator: GangCommunicator) throws -> TrialRun? {
    switch a.model.precision {
    case .float32: return try run(a, shardFiles: shardFiles, communicator: communicator, as: Float.self)
    case .float64: return try run(a, shardFiles: shardFiles, communicator: communicator, as: Double.self)
    }
  }

  private static func run<D: DataScalar>(
    _ a: TrialAssignment, shardFiles: [String: URL], communicator: GangCommunicator, as: D.Type
  ) throws -> TrialRun? {
    let started = ContinuousClock.now
    let gang = communicator.gang
    let inputs = try ModelRunner.inputs(a, shardFiles: shardFiles, as: D.self)
    guard let first = inputs.train.first else {
      throw TrialRunError("gang member \(gang.rank) of \(a.key) was given no training shard")
    }
    guard gang.rank != 0 || inputs.validation != nil else { throw TrialRunError("rank 0 of \(a.key) was given no validation shard") }
    let features = first.featureCount
    // The gang's class count, as one worker holding every shard counts it: each member's largest label at its rank.
    var classCount: Int?
    if a.task == .classification {
      var largest = [Double](repeating: 0, count: gang.size)
      largest[gang.rank] = ((inputs.train.flatMap(\.labels) + (inputs.validation?.labels ?? [])).max() ?? 0) + 1
      try communicator.allReduceSum(&largest)
      classCount = Int(largest.max() ?? 1)
    }
    func dataset(_ parts: [Shard<D>]) -> Dataset<D> {
      Dataset(features: parts.flatMap(\.features), labels: parts.flatMap(\.labels),
              featureNames: (0..<features).map { "f\($0)" }, labelName: "label", task: a.task, classCount: classCount)
    }
    let outcome = try Trainer.trainRidgeDataParallel(
      configuration: a.configuration, train: dataset(inputs.train), validation: inputs.validation.map { dataset([$0]) },
      preprocessing: inputs.preprocessing, seed: a.seed
    ) { buffer in
      try communicator.allReduceSum(&buffer)
    }
    guard let outcome else { return nil }
    var metrics = Dictionary(uniqueKeysWithValues: (outcome.metrics.merging(outcome.measured) { v, _ in v }).map { ($0.key.rawValue, $0.value) })
    let checkpoint = outcome.checkpointBytes
    metrics[Metric.trainSeconds.rawValue] = (ContinuousClock.now - started).seconds
    metrics[Metric.modelBytes.rawValue] = Double(checkpoint.count)
    return TrialRun(metrics: metrics, epochs: 0, stopped: false, checkpoint: checkpoint)
  }
}
