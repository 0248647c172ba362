import Foundation
import HPOCore
import HPOData
import HPOLinearAlgebra
import Testing

@testable import HPOModels

/// Softmax and MLP over the rows of several members (a gang), members on
/// threads summing in memory (``RidgeDataParallelTests/ThreadAllReduce``):
/// with L-BFGS the same iterates as one run on all the rows, up to summation
/// order; with mini-batches the same update rule as one run, and the same
/// bits run to run.
@Suite struct IterativeDataParallelTests {
  static let model = ModelSpec(kind: .softmax, epochs: 25, precision: .float64)
  static let configuration = Configuration(["optimizer": .string("lbfgs"), "l2": .float(0.001)])

  /// Trains on `parts` of `train` (row counts, in order) as one member each; rank 0's outcome and every member's epoch count.
  static func gang(
    _ train: Dataset<Double>, _ validation: Dataset<Double>, _ parts: [Int], model: ModelSpec = model,
    configuration: Configuration = configuration
  ) throws -> (TrainingOutcome?, [Int]) {
    let reduce = RidgeDataParallelTests.ThreadAllReduce(size: parts.count)
    let outcome = Locked<TrainingOutcome?>(nil)
    let epochs = Locked<[Int: Int]>([:])
    let reported = Locked<[Int: [[Metric: Double]]]>([:])
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
          let ownRows = Array(stride(from: rank, to: validation.rowCount, by: parts.count))
          let o = try Trainer.trainIterativeDataParallel(
            model: model, configuration: configuration, train: share, validation: validation.rows(ownRows),
            validationRows: validation.rowCount, preprocessing: nil, seed: 9, epochs: nil, resumingFrom: nil,
            checkpoints: nil, rank: rank, size: parts.count, allReduce: { reduce.sum(rank: rank, &$0) }
          ) { report in
            seen = report.epoch
            #expect(!report.metrics.isEmpty, "every member evaluates its rows, and gets the whole split's metrics")
            reported.withLock { $0[rank, default: []].append(report.metrics) }
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
    let metrics = reported.withLock { $0 }
    for rank in metrics.keys { #expect(metrics[rank] == metrics[0], "member \(rank) computed other metrics than rank 0") }
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

  static let mlp = ModelSpec(kind: .mlp, epochs: 6, precision: .float64)
  static let adam = Configuration([
    "optimizer": .string("adam"), "batch_size": .int(32), "hidden_units": .int(16), "layers": .int(1), "learning_rate": .float(0.01),
  ])

  /// A gang of one takes the data-parallel path, and its update rule is the single run's: the same bits.
  @Test func anMLPGangOfOne_isTheSingleRun_bitForBit() throws {
    let data = Fixtures.blobs(rows: 500, features: 5, classes: 3, seed: 8)
    let train = data.rows(Array(0..<400)), validation = data.rows(Array(400..<500))
    let whole = try Trainer.train(model: Self.mlp, configuration: Self.adam, train: train, validation: validation, seed: 9)
    let one = try #require(try Self.gang(train, validation, [400], model: Self.mlp, configuration: Self.adam).0)
    #expect(one.checkpoint.parameters.flatMap(\.doubles) == whole.checkpoint.parameters.flatMap(\.doubles))
    #expect(one.metrics == whole.metrics)
  }

  /// Uneven shares (300 and 100 rows, a global batch of 32: 16 each): the
  /// member whose rows run out takes part with empty batches until the epoch
  /// ends; the model learns as one run does and repeats bit for bit.
  @Test func anMLPGangWithUnevenShares_learns_andRepeatsBitForBit() throws {
    let data = Fixtures.blobs(rows: 500, features: 5, classes: 3, seed: 8)
    let train = data.rows(Array(0..<400)), validation = data.rows(Array(400..<500))
    let whole = try Trainer.train(model: Self.mlp, configuration: Self.adam, train: train, validation: validation, seed: 9)
    let (first, epochs) = try Self.gang(train, validation, [300, 100], model: Self.mlp, configuration: Self.adam)
    #expect(epochs == [6, 6])
    let gang = try #require(first)
    let single = try #require(whole.metrics[.accuracy]), together = try #require(gang.metrics[.accuracy])
    #expect(together >= single - 0.05, "a gang of 2 reached \(together), one run \(single)")
    let again = try #require(try Self.gang(train, validation, [300, 100], model: Self.mlp, configuration: Self.adam).0)
    #expect(again.checkpoint.parameters.flatMap(\.doubles) == gang.checkpoint.parameters.flatMap(\.doubles))
  }

  @Test func aGang_refusesABatchSmallerThanItself() {
    let data = Fixtures.blobs(rows: 30, features: 2, classes: 2, seed: 1)
    var small = Self.adam
    small.values["batch_size"] = .int(2)
    #expect(throws: ModelError.self) {
      try Trainer.trainIterativeDataParallel(
        model: Self.mlp, configuration: small, train: data, validation: data.rows(Array(stride(from: 0, to: 30, by: 3))),
        validationRows: data.rowCount,
        preprocessing: nil, seed: 1, epochs: 2, resumingFrom: nil, checkpoints: nil, rank: 0, size: 3,
        allReduce: { _ in }) { _ in true }
    }
  }
}
