import Foundation
import HPOCollectives
import HPOCore
import HPOData
import HPOModels
import HPOWire

/// Trains a ridge trial on a gang: each member reads only its own training
/// shards, the members sum their parts of the normal equations with ring
/// all-reduces (see HPOModels' `Trainer.trainRidgeDataParallel`), and rank 0,
/// the one member keeping the validation shard, evaluates the model once and
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
    let data = try GangData<D>(a, shardFiles: shardFiles, communicator: communicator, validationShare: .wholeOnRankZero)
    let outcome = try Trainer.trainRidgeDataParallel(
      configuration: a.configuration, train: data.train, validation: communicator.gang.rank == 0 ? data.validation : nil,
      preprocessing: data.preprocessing, seed: a.seed
    ) { buffer in
      try communicator.allReduceSum(&buffer)
    }
    guard let outcome else { return nil }
    var metrics = GangData<D>.metrics(outcome.metrics, outcome.measured, since: started)
    let checkpoint = outcome.checkpointBytes
    metrics[Metric.modelBytes.rawValue] = Double(checkpoint.count)
    return TrialRun(metrics: metrics, epochs: 0, stopped: false, checkpoint: checkpoint)
  }
}
