import Foundation
import HPOCollectives
import HPOCore
import HPOData
import HPOModels
import HPOWire
import Logging

/// Trains a softmax or mlp trial on a gang: each member reads only its own
/// training shards; with L-BFGS every iteration's full-batch loss and
/// gradient are summed over the gang, with SGD or Adam every mini-batch
/// step's gradient (`batch_size` the global batch, split over the members),
/// so every member takes the same steps (HPOModels'
/// `Trainer.trainIterativeDataParallel`).
///
/// After each epoch every member predicts its rows of the validation split
/// (rows `rank`, `rank + size`, …), the predictions are gathered by one
/// all-reduce and the metrics computed on the whole split; rank 0 reports
/// them through `report`, and its go-on answer reaches every member by a
/// broadcast.
/// Rank 0 sends the run's state every `model.checkpoint_every` epochs
/// through `sendCheckpoint`; every member of a later attempt resumes from it.
struct GangIterativeRunner {
  let logger: Logger

  func run(
    _ a: TrialAssignment, shardFiles: [String: URL], communicator: GangCommunicator,
    report: (Int, [String: Double]) throws -> Bool, sendCheckpoint: ([UInt8]) throws -> Void
  ) throws -> TrialRun? {
    switch a.model.precision {
    case .float32: return try run(a, shardFiles, communicator, report, sendCheckpoint, as: Float.self)
    case .float64: return try run(a, shardFiles, communicator, report, sendCheckpoint, as: Double.self)
    }
  }

  private func run<D: DataScalar>(
    _ a: TrialAssignment, _ shardFiles: [String: URL], _ communicator: GangCommunicator,
    _ report: (Int, [String: Double]) throws -> Bool, _ sendCheckpoint: ([UInt8]) throws -> Void, as: D.Type
  ) throws -> TrialRun? {
    let started = ContinuousClock.now
    let data = try GangData<D>(a, shardFiles: shardFiles, communicator: communicator, validationShare: .strided)
    let rank = communicator.gang.rank
    var resume: ModelCheckpoint?
    if let url = data.resume {
      do {
        resume = try ModelCheckpoint(decoding: [UInt8](try Data(contentsOf: url)))
        logger.info("trial resumes from an earlier attempt's checkpoint", metadata: [
          "trial": "\(a.key)", "rank": "\(rank)", "epoch": "\(resume?.epochsCompleted ?? 0)",
        ])
      } catch {
        // Every member reads the same file: all start afresh together.
        logger.warning("cannot read the earlier attempt's checkpoint; the trial starts afresh", metadata: [
          "trial": "\(a.key)", "file": "\(url.path)", "error": "\(error)",
        ])
      }
    }
    var failure: (any Error)?
    var stopped = false
    // The periodic checkpoints hold the sender only while training runs, within this call.
    let outcome = try withoutActuallyEscaping(sendCheckpoint) { sendCheckpoint in try Trainer.trainIterativeDataParallel(
      model: a.model, configuration: a.configuration, train: data.train, validation: data.validation,
      validationRows: data.validationRows,
      preprocessing: data.preprocessing, seed: a.seed, epochs: a.epochs, resumingFrom: resume,
      checkpoints: rank == 0 ? PeriodicCheckpoints(every: a.model.checkpointCadence) { checkpoint in
        guard failure == nil else { return }
        do { try sendCheckpoint(checkpoint.encoded()) } catch { failure = error }
      } : nil,
      rank: rank, size: communicator.gang.size,
      allReduce: { buffer in try communicator.allReduceSum(&buffer) },
      allReduceFloat: { buffer in try communicator.allReduceSum(&buffer) }
    ) { epoch in
      var goOn: [Double] = [0]
      do {
        if rank == 0, failure == nil {
          goOn[0] = try report(epoch.epoch, GangData<D>.metrics(epoch.metrics, epoch.measured, since: started)) ? 1 : 0
        }
        try communicator.broadcast(&goOn, root: 0)
      } catch {
        if failure == nil { failure = error }
        return false
      }
      if goOn[0] == 0 { stopped = true }
      return goOn[0] != 0
    } }
    if let failure { throw failure }
    guard let outcome else { return nil }
    var metrics = GangData<D>.metrics(outcome.metrics, outcome.measured, since: started)
    let checkpoint = outcome.checkpointBytes
    metrics[Metric.modelBytes.rawValue] = Double(checkpoint.count)
    return TrialRun(metrics: metrics, epochs: outcome.epochs, stopped: stopped, checkpoint: checkpoint)
  }
}
