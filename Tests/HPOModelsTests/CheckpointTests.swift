import HPOCore
import HPOData
import HPOLinearAlgebra
import Testing

@testable import HPOModels

@Suite(.serialized) struct CheckpointTests {
  static func smallRun(kind: ModelKind = .mlp, _ config: [String: ParameterValue] = [:], precision: Precision = .float32) throws -> TrainingOutcome {
    let data = Fixtures.blobs(rows: 120, features: 5, classes: 3, seed: 4)
    return try Trainer.train(
      model: ModelSpec(kind: kind, epochs: 2, precision: precision), configuration: Configuration(config),
      train: data.rows(Array(0..<90)), validation: data.rows(Array(90..<120)),
      preprocessing: try Preprocessing.fit(data.rows(Array(0..<90))), seed: 7)
  }

  @Test(arguments: [
    (ModelKind.mlp, OptimizerKind.adam, Precision.float32), (.mlp, .sgd, .float64), (.softmax, .lbfgs, .float32),
    (.softmax, .sgd, .float64), (.ridge, .adam, .float64),
  ])
  func bytesRoundTripExactly(_ kind: ModelKind, _ optimizer: OptimizerKind, _ precision: Precision) throws {
    let config: [String: ParameterValue] = kind == .ridge ? ["alpha": .float(0.5)] : ["optimizer": .string(optimizer.rawValue)]
    let outcome = try Self.smallRun(kind: kind, config, precision: precision)
    let bytes = outcome.checkpointBytes
    let decoded = try ModelCheckpoint(decoding: bytes)
    #expect(decoded == outcome.checkpoint)
    #expect(decoded.encoded() == bytes)
    #expect(decoded.preprocessing == outcome.checkpoint.preprocessing)
    #expect(decoded.preprocessing != nil)
    #expect(decoded.hyperparameters == outcome.checkpoint.hyperparameters)
    #expect(decoded.validationMetrics == outcome.metrics)
    #expect(Array(bytes.prefix(8)) == Array("HPOMODEL".utf8))
  }

  /// The checkpoint predicts exactly what training measured.
  @Test func checkpointReproducesTheValidationMetrics() throws {
    let data = Fixtures.blobs(rows: 120, features: 5, classes: 3, seed: 4)
    let validation = data.rows(Array(90..<120))
    let outcome = try Self.smallRun()
    let restored = try ModelCheckpoint(decoding: outcome.checkpointBytes)
    #expect(try restored.evaluate(validation) == outcome.metrics)
    #expect(try Trainer.evaluate(checkpoint: outcome.checkpointBytes, data: validation) == outcome.metrics)
  }

  /// Every single-byte corruption and every truncation is refused with a
  /// ModelError, never a crash.
  @Test func corruptionAndTruncationAreRefused() throws {
    let bytes = try Self.smallRun(kind: .softmax).checkpointBytes
    for i in stride(from: 0, to: bytes.count, by: max(1, bytes.count / 300)) {
      var bad = bytes
      bad[i] ^= 0x5A
      #expect(throws: ModelError.self) { try ModelCheckpoint(decoding: bad) }
    }
    for n in stride(from: 0, to: bytes.count, by: max(1, bytes.count / 200)) {
      #expect(throws: ModelError.self) { try ModelCheckpoint(decoding: Array(bytes.prefix(n))) }
    }
  }

  @Test func errorsNameTheProblem() throws {
    let bytes = try Self.smallRun(kind: .softmax).checkpointBytes
    func code(_ b: [UInt8]) -> ModelError.Code? {
      do { _ = try ModelCheckpoint(decoding: b); return nil } catch { return error.code }
    }
    var magic = bytes
    magic[0] = UInt8(ascii: "X")
    #expect(code(magic) == .corruptCheckpoint)
    var version = Array(bytes.dropLast(32))
    version[8] = 3
    #expect(code(ModelCheckpoint.sealed(version)) == .unsupportedCheckpointVersion)
    var flipped = bytes
    flipped[40] ^= 1
    do {
      _ = try ModelCheckpoint(decoding: flipped)
    } catch {
      #expect(error.message.contains("SHA-256"))
    }
    // A validly sealed but inconsistent payload (a trailing byte) is refused too.
    var payload = Array(bytes.dropLast(32))
    payload.append(0)
    let length = UInt64(payload.count - 20)
    for k in 0..<8 { payload[12 + k] = UInt8(truncatingIfNeeded: length >> (8 * UInt64(k))) }
    #expect(code(ModelCheckpoint.sealed(payload)) == .corruptCheckpoint)
  }
}

/// Same seed, same bytes; stop-at-k-then-resume equals the uninterrupted run bit for bit.
@Suite(.serialized) struct ResumeTests {
  init() { BLASInfo.setThreadCount(1) }

  static let data = Fixtures.blobs(rows: 260, features: 6, classes: 3, seed: 21)
  static let train = data.rows(Array(0..<200))
  static let validation = data.rows(Array(200..<260))

  static func run(
    _ kind: ModelKind, _ config: [String: ParameterValue], precision: Precision, epochs: Int, seed: UInt64 = 42,
    resume: ModelCheckpoint? = nil, stopAfter: Int? = nil, regression: Bool = false
  ) throws -> TrainingOutcome {
    let (train, validation) = regression
      ? (Fixtures.linear(rows: 200, features: 4, seed: 2).rows(Array(0..<150)),
         Fixtures.linear(rows: 200, features: 4, seed: 2).rows(Array(150..<200)))
      : (Self.train, Self.validation)
    return try Trainer.train(
      model: ModelSpec(kind: kind, epochs: epochs, precision: precision), configuration: Configuration(config),
      train: train, validation: validation, preprocessing: try Preprocessing.fit(train), seed: seed,
      resumingFrom: resume, onEpoch: { report in stopAfter.map { report.epoch < $0 } ?? true })
  }

  static let cases: [(String, ModelKind, [String: ParameterValue], Precision, Bool)] = [
    ("mlp sgd dropout cosine gelu", .mlp, [
      "optimizer": .string("sgd"), "momentum": .float(0.9), "learning_rate": .float(0.05), "dropout": .float(0.2),
      "schedule": .string("cosine"), "activation": .string("gelu"), "layers": .int(2), "hidden_units": .int(16),
      "batch_size": .int(32),
    ], .float32, false),
    ("mlp adam step tanh float64", .mlp, [
      "schedule": .string("step"), "activation": .string("tanh"), "hidden_units": .int(12), "batch_size": .int(48),
      "l2": .float(1e-3),
    ], .float64, false),
    ("softmax adam", .softmax, ["batch_size": .int(16)], .float32, false),
    ("softmax lbfgs", .softmax, ["optimizer": .string("lbfgs"), "l2": .float(0.01)], .float64, false),
    ("mlp regression", .mlp, ["hidden_units": .int(8), "batch_size": .int(20)], .float32, true),
  ]

  @Test(arguments: cases.indices)
  func resumeEqualsUninterrupted(_ index: Int) throws {
    let (name, kind, config, precision, regression) = Self.cases[index]
    let full = try Self.run(kind, config, precision: precision, epochs: 6, regression: regression)
    #expect(full.epochs == 6 && !full.stoppedEarly, "\(name)")
    let first = try Self.run(kind, config, precision: precision, epochs: 6, stopAfter: 2, regression: regression)
    #expect(first.epochs == 2 && first.stoppedEarly, "\(name)")
    let restored = try ModelCheckpoint(decoding: first.checkpointBytes)
    let rest = try Self.run(kind, config, precision: precision, epochs: 6, resume: restored, regression: regression)
    #expect(rest.history.map(\.epoch) == [3, 4, 5, 6], "\(name)")
    #expect(rest.checkpointBytes == full.checkpointBytes, "\(name): resumed run differs from the uninterrupted one")
    #expect(rest.metrics == full.metrics, "\(name)")
  }

  /// The checkpoints handed out while training (every 2 epochs, never after
  /// the last) each resume to the uninterrupted run's final bytes, and each
  /// comes before its epoch's report.
  @Test(arguments: cases.indices)
  func periodicCheckpoints_resumeToTheUninterruptedRun(_ index: Int) throws {
    let (name, kind, config, precision, regression) = Self.cases[index]
    let (train, validation) = regression
      ? (Fixtures.linear(rows: 200, features: 4, seed: 2).rows(Array(0..<150)),
         Fixtures.linear(rows: 200, features: 4, seed: 2).rows(Array(150..<200)))
      : (Self.train, Self.validation)
    var events: [String] = []
    var taken: [ModelCheckpoint] = []
    let full = try Trainer.train(
      model: ModelSpec(kind: kind, epochs: 5, precision: precision), configuration: Configuration(config),
      train: train, validation: validation, preprocessing: try Preprocessing.fit(train), seed: 42,
      checkpoints: PeriodicCheckpoints(every: 2) { c in
        events.append("checkpoint \(c.epochsCompleted)")
        taken.append(c)
      },
      onEpoch: { report in
        events.append("epoch \(report.epoch)")
        return true
      })
    #expect(events == ["epoch 1", "checkpoint 2", "epoch 2", "epoch 3", "checkpoint 4", "epoch 4", "epoch 5"], "\(name)")
    for c in taken {
      let rest = try Self.run(kind, config, precision: precision, epochs: 5, resume: c, regression: regression)
      #expect(rest.checkpointBytes == full.checkpointBytes, "\(name): resumed from epoch \(c.epochsCompleted)")
    }
  }

  @Test func aNegativeCheckpointCadence_isRefused() {
    #expect(throws: ModelError.self) {
      try Trainer.train(
        model: ModelSpec(kind: .softmax, epochs: 2), configuration: Configuration(), train: Self.train,
        validation: Self.validation, seed: 1, checkpoints: PeriodicCheckpoints(every: -1) { _ in })
    }
  }

  @Test func sameSeedSameBytesOtherSeedOtherWeights() throws {
    let config: [String: ParameterValue] = ["dropout": .float(0.1), "hidden_units": .int(10)]
    let a = try Self.run(.mlp, config, precision: .float32, epochs: 2, seed: 5)
    let b = try Self.run(.mlp, config, precision: .float32, epochs: 2, seed: 5)
    let c = try Self.run(.mlp, config, precision: .float32, epochs: 2, seed: 6)
    #expect(a.checkpointBytes == b.checkpointBytes)
    #expect(a.checkpoint.parameters != c.checkpoint.parameters)
  }

  @Test func resumingADifferentRunIsRefused() throws {
    let first = try Self.run(.softmax, [:], precision: .float32, epochs: 3, stopAfter: 1)
    #expect(throws: ModelError.self) {
      try Self.run(.softmax, ["l2": .float(0.5)], precision: .float32, epochs: 3, resume: first.checkpoint)
    }
    #expect(throws: ModelError.self) {
      try Self.run(.softmax, [:], precision: .float32, epochs: 3, seed: 99, resume: first.checkpoint)
    }
    #expect(throws: ModelError.self) {
      try Self.run(.softmax, [:], precision: .float64, epochs: 3, resume: first.checkpoint)
    }
  }
}
