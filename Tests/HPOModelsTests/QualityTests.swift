import HPOCore
import HPOData
import HPOLinearAlgebra
import Testing

@testable import HPOModels

/// Test accuracy on the bundled digits data with the default hyperparameters
/// (an empty configuration), split as Experiments/digits-mlp.json splits it.
@Suite(.serialized) struct QualityTests {
  static let digits = Result { try Fixtures.splits("digits.csv", task: .classification, as: Float.self) }

  static func testAccuracy(_ kind: ModelKind, epochs: Int, _ config: [String: ParameterValue] = [:]) throws -> (Double, TrainingOutcome) {
    BLASInfo.setThreadCount(1)
    let d = try digits.get()
    let outcome = try Trainer.train(
      model: ModelSpec(kind: kind, epochs: epochs), configuration: Configuration(config), train: d.train,
      validation: d.validation, preprocessing: d.preprocessing, seed: 0)
    let accuracy = try #require(try outcome.checkpoint.evaluate(d.test)[.accuracy])
    print("digits \(kind.rawValue) \(config): test accuracy \(accuracy), validation \(outcome.metrics[.accuracy]!), \(outcome.seconds) s")
    return (accuracy, outcome)
  }

  @Test func digitsSoftmaxDefaults() throws {
    let (accuracy, outcome) = try Self.testAccuracy(.softmax, epochs: 20)
    #expect(accuracy >= 0.96, "softmax test accuracy \(accuracy)")
    #expect(outcome.history.count == 20)
    #expect(outcome.history.last!.trainingLoss < outcome.history.first!.trainingLoss)
  }

  @Test func digitsSoftmaxLBFGS() throws {
    let (accuracy, _) = try Self.testAccuracy(.softmax, epochs: 60, ["optimizer": .string("lbfgs")])
    #expect(accuracy >= 0.96, "softmax L-BFGS test accuracy \(accuracy)")
  }

  @Test func digitsMLPDefaults() throws {
    let (accuracy, _) = try Self.testAccuracy(.mlp, epochs: 20)
    #expect(accuracy >= 0.97, "mlp test accuracy \(accuracy)")
  }

  @Test func mlpRegressionLearnsALinearTarget() throws {
    let data = Fixtures.linear(rows: 500, features: 5, seed: 1)
    let train = data.rows(Array(0..<400))
    let validation = data.rows(Array(400..<500))
    let outcome = try Trainer.train(
      model: ModelSpec(kind: .mlp, epochs: 30), configuration: Configuration(["learning_rate": .float(0.01)]),
      train: train, validation: validation, seed: 0)
    #expect(try #require(outcome.metrics[.r2]) > 0.95)
  }
}

@Suite struct HyperparameterTests {
  @Test func defaultsFillEveryHyperparameter() throws {
    let h = try Hyperparameters.resolve(kind: .mlp, configuration: Configuration())
    #expect(h.optimizer == .adam && h.learningRate == 0.003 && h.layers == 1 && h.initialization == .he)
    let full = h.configuration(for: .mlp)
    #expect(Set(full.values.keys) == Set(ModelKind.mlp.hyperparameters!.keys))
    let tanh = try Hyperparameters.resolve(kind: .mlp, configuration: Configuration(["activation": .string("tanh")]))
    #expect(tanh.initialization == .xavier)
    let sgd = try Hyperparameters.resolve(kind: .softmax, configuration: Configuration(["optimizer": .string("sgd")]))
    #expect(sgd.learningRate == 0.1)
  }

  @Test func integralFloatsAndIntegerFloatsAreAccepted() throws {
    let h = try Hyperparameters.resolve(
      kind: .mlp, configuration: Configuration(["batch_size": .float(32), "learning_rate": .int(1)]))
    #expect(h.batchSize == 32 && h.learningRate == 1)
  }

  @Test func unknownAndOutOfDomainValuesAreNamed() throws {
    do {
      _ = try Hyperparameters.resolve(kind: .softmax, configuration: Configuration(["hidden_units": .int(3)]))
      Issue.record("accepted a hyperparameter softmax does not read")
    } catch {
      #expect(error.code == .unknownHyperparameter)
      #expect(error.message.contains("\"hidden_units\" is not a hyperparameter of softmax"))
    }
    do {
      _ = try Hyperparameters.resolve(kind: .mlp, configuration: Configuration(["layers": .int(7)]))
      Issue.record("accepted 7 layers")
    } catch {
      #expect(error.code == .invalidHyperparameter)
      #expect(error.message == "mlp's layers = 7 is not accepted; accepted: an integer from 1 to 4")
    }
    #expect(throws: ModelError.self) {
      try Hyperparameters.resolve(kind: .mlp, configuration: Configuration(["optimizer": .string("lbfgs")]))
    }
  }

  @Test func softmaxRefusesRegression() throws {
    let d = Fixtures.linear(rows: 20, features: 2, seed: 1)
    #expect(throws: ModelError(.unsupported, "softmax is a classifier; use ridge or mlp for a regression task")) {
      try Trainer.train(model: ModelSpec(kind: .softmax, epochs: 1), configuration: Configuration(), train: d, validation: d, seed: 0)
    }
  }

  @Test func divergenceIsReported() throws {
    let d = Fixtures.linear(rows: 64, features: 3, seed: 1)
    do {
      _ = try Trainer.train(
        model: ModelSpec(kind: .mlp, epochs: 5),
        configuration: Configuration(["optimizer": .string("sgd"), "learning_rate": .float(1e6), "momentum": .float(0.99)]),
        train: d, validation: d, seed: 0)
      Issue.record("a learning rate of 1e6 did not diverge")
    } catch {
      #expect(error.code == .diverged)
    }
  }

  @Test(arguments: [LearningRateSchedule.constant, .cosine, .step])
  func schedules(_ schedule: LearningRateSchedule) {
    let rates = (0..<8).map { e in
      scheduledLearningRate(1, schedule: schedule, epoch: e, step: e * 10, totalEpochs: 8, stepsPerEpoch: 10)
    }
    switch schedule {
    case .constant: #expect(rates.allSatisfy { $0 == 1 })
    case .cosine:
      #expect(rates[0] == 1)
      #expect(zip(rates, rates.dropFirst()).allSatisfy { $0 > $1 })
    case .step: #expect(rates.map { ($0 * 1000).rounded() / 1000 } == [1, 1, 1, 1, 0.1, 0.1, 0.01, 0.01])
    }
  }
}
