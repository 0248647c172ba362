import Foundation
import HPOCore
import HPOData
import HPOLinearAlgebra
import Testing

@testable import HPOModels

/// Softmax with L-BFGS over the rows of several members (a gang): every
/// iteration's loss and gradient summed over the members, the same iterates
/// as one run on all the rows, up to summation order. Members on threads,
/// summing in memory (``RidgeDataParallelTests/ThreadAllReduce``).
@Suite struct SoftmaxDataParallelTests {
  static let model = ModelSpec(kind: .softmax, epochs: 25, precision: .float64)
  static let configuration = Configuration(["optimizer": .string("lbfgs"), "l2": .float(0.001)])

  /// Trains on `parts` of `train` (row counts, in order) as one member each; rank 0's outcome and every member's epoch count.
  static func gang(_ train: Dataset<Double>, _ validation: Dataset<Double>, _ parts: [Int]) throws -> (TrainingOutcome?, [Int]) {
    let reduce = RidgeDataParallelTests.ThreadAllReduce(size: parts.count)
    let outcome = Locked<TrainingOutcome?>(nil)
    let epochs = Locked<[Int: Int]>([:])
    let group = DispatchGroup()
    var start = 0
    for (rank, count) in parts.enumerated() {
      let share = train.rows(Array(start..<(start + count)))
      start += count
      group.enter()
      Thread {
        defer { group.leave() }
        do {
          var seen = 0
          let o = try Trainer.trainIterativeDataParallel(
            model: model, configuration: configuration, train: share, validation: rank == 0 ? validation : nil,
            preprocessing: nil, seed: 9, epochs: nil, resumingFrom: nil, checkpoints: nil,
            allReduce: { reduce.sum(rank: rank, &$0) }
          ) { report in
            seen = report.epoch
            #expect(report.metrics.isEmpty == (rank != 0), "only rank 0 evaluates")
            return true
          }
          #expect((o != nil) == (rank == 0))
          if let o { outcome.withLock { $0 = o } }
          epochs.withLock { $0[rank] = seen }
        } catch {
          Issue.record("member \(rank): \(error)")
        }
      }.start()
    }
    #expect(group.wait(timeout: .now() + 120) == .success)
    return (outcome.withLock { $0 }, epochs.withLock { $0 }.sorted { $0.key < $1.key }.map(\.value))
  }

  @Test func aGangOfThree_takesTheSameStepsAsOneRunOnAllTheRows() throws {
    let data = Fixtures.blobs(rows: 900, features: 6, classes: 3, seed: 4)
    let train = data.rows(Array(0..<700)), validation = data.rows(Array(700..<900))
    let whole = try Trainer.train(
      model: Self.model, configuration: Self.configuration, train: train, validation: validation, seed: 9)
    let (gang, epochs) = try Self.gang(train, validation, [300, 250, 150])
    #expect(epochs == [25, 25, 25])
    let outcome = try #require(gang)
    #expect(outcome.epochs == whole.epochs)
    for metric in [Metric.logLoss, .accuracy] {
      let a = try #require(whole.metrics[metric]), b = try #require(outcome.metrics[metric])
      #expect(abs(a - b) <= 1e-6 * max(abs(a), 1e-12), "\(metric): one run \(a), a gang of 3 \(b)")
    }
    let w = whole.checkpoint.parameters.flatMap(\.doubles), g = outcome.checkpoint.parameters.flatMap(\.doubles)
    #expect(w.count == g.count)
    for (a, b) in zip(w, g) { #expect(abs(a - b) <= 1e-6 * max(1, abs(a))) }
    // The same gang again: the same bits (the reduction order is fixed by rank).
    let again = try #require(try Self.gang(train, validation, [300, 250, 150]).0)
    #expect(again.checkpoint.parameters.flatMap(\.doubles) == g)
  }

  @Test func aGang_refusesAnOptimizerOtherThanLBFGS() {
    let data = Fixtures.blobs(rows: 30, features: 2, classes: 2, seed: 1)
    #expect(throws: ModelError.self) {
      try Trainer.trainIterativeDataParallel(
        model: Self.model, configuration: Configuration(["optimizer": .string("adam")]), train: data, validation: data,
        preprocessing: nil, seed: 1, epochs: 2, resumingFrom: nil, checkpoints: nil, allReduce: { _ in }) { _ in true }
    }
  }
}
