import Foundation
import HPOCollectives
import HPOCore
import HPOData
import HPOModels
import HPOWire

/// A gang member's share of a trial's data, as datasets: its own training
/// shards, its rows of the validation split (or the whole split on rank 0),
/// the preprocessing, an earlier attempt's checkpoint; and the gang's class
/// count, which no member can tell alone.
struct GangData<D: DataScalar> {
  /// How a member keeps the validation shard every member is sent.
  enum ValidationShare {
    /// Rows `rank`, `rank + size`, … (the iterative models' distributed validation).
    case strided
    /// Rank 0 keeps it whole, the others none (ridge: rank 0 evaluates the solved model once).
    case wholeOnRankZero
  }

  var train: Dataset<D>
  /// This member's validation rows (see ``ValidationShare``).
  var validation: Dataset<D>
  /// Rows of the whole validation split.
  var validationRows: Int
  var preprocessing: Preprocessing?
  var resume: URL?

  /// Reads the member's shards, keeps its share of the validation shard and
  /// agrees on the class count with the others (one all-reduce: each
  /// member's largest label at its rank). Only the kept rows stay in memory.
  /// - Throws: ``TrialRunError`` for a member given no training or no
  ///   validation shard; ``CollectiveError``.
  init(_ a: TrialAssignment, shardFiles: [String: URL], communicator: GangCommunicator, validationShare: ValidationShare) throws {
    let gang = communicator.gang
    let inputs = try ModelRunner.inputs(a, shardFiles: shardFiles, as: D.self)
    guard let first = inputs.train.first else {
      throw TrialRunError("gang member \(gang.rank) of \(a.key) was given no training shard")
    }
    guard let whole = inputs.validation else { throw TrialRunError("gang member \(gang.rank) of \(a.key) was given no validation shard") }
    let features = first.featureCount
    // Counted as one worker holding every shard counts it: training and validation labels.
    var classCount: Int?
    if a.task == .classification {
      var largest = [Double](repeating: 0, count: gang.size)
      largest[gang.rank] = ((inputs.train.flatMap(\.labels) + whole.labels).max() ?? 0) + 1
      try communicator.allReduceSum(&largest)
      classCount = Int(largest.max() ?? 1)
    }
    func dataset(_ parts: [Shard<D>]) -> Dataset<D> {
      Dataset(features: parts.flatMap(\.features), labels: parts.flatMap(\.labels),
              featureNames: (0..<features).map { "f\($0)" }, labelName: "label", task: a.task, classCount: classCount)
    }
    train = dataset(inputs.train)
    validationRows = whole.rowCount
    let kept: [Int]
    switch validationShare {
    case .strided: kept = Array(Swift.stride(from: gang.rank, to: whole.rowCount, by: gang.size))
    case .wholeOnRankZero: kept = gang.rank == 0 ? Array(0..<whole.rowCount) : []
    }
    validation = dataset([whole]).rows(kept)
    preprocessing = inputs.preprocessing
    resume = inputs.resume
  }

  /// The metrics a trial reports, by name: validation metrics, what the
  /// model measured, `train_seconds` since `started`.
  static func metrics(_ metrics: [Metric: Double], _ measured: [Metric: Double], since started: ContinuousClock.Instant) -> [String: Double] {
    var out = Dictionary(uniqueKeysWithValues: (metrics.merging(measured) { v, _ in v }).map { ($0.key.rawValue, $0.value) })
    out[Metric.trainSeconds.rawValue] = (ContinuousClock.now - started).seconds
    return out
  }
}
