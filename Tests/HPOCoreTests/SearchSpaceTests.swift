import Foundation
import Testing
@testable import HPOCore

@Suite struct SearchSpaceTests {
  static func exampleSpace() throws -> SearchSpace {
    try ExperimentFixture()
      .with("space", #"{"optimizer": {"type": "categorical", "choices": ["sgd", "adam"]}, "momentum": {"type": "float", "low": 0, "high": 0.9, "grid_points": 4, "when": {"optimizer": "sgd"}}, "layers": {"type": "int", "low": 1, "high": 3}, "learning_rate": {"type": "float", "low": 0.001, "high": 0.1, "log": true, "grid_points": 3}}"#)
      .load().spec.space
  }

  @Test func parameters_areSortedByNameAndParentsComeFirst() throws {
    let space = try Self.exampleSpace()
    #expect(space.names == ["layers", "learning_rate", "momentum", "optimizer"])
    let order = space.topologicalOrder.map(\.name)
    #expect(order.firstIndex(of: "optimizer")! < order.firstIndex(of: "momentum")!)
  }

  @Test func gridSize_countsInactiveBranchesOnce() throws {
    // layers 3 × learning_rate 3 × (adam + sgd × momentum 4) = 9 × 5
    #expect(try Self.exampleSpace().gridSize == 45)
  }

  @Test func gridValues_logSpacedForLogFloats() {
    let values = Domain.float(FloatRange(low: 0.001, high: 0.1, log: true, gridPoints: 3)).gridValues!
    let numbers = values.compactMap(\.numericValue)
    #expect(numbers.count == 3)
    #expect(abs(numbers[0] - 0.001) < 1e-15 && abs(numbers[1] - 0.01) < 1e-12 && abs(numbers[2] - 0.1) < 1e-12)
  }

  @Test func activeNames_followConditions() throws {
    let space = try Self.exampleSpace()
    let sgd = Configuration(["optimizer": .string("sgd"), "momentum": .float(0.3), "layers": .int(2), "learning_rate": .float(0.01)])
    let adam = Configuration(["optimizer": .string("adam"), "layers": .int(2), "learning_rate": .float(0.01)])
    #expect(space.activeNames(in: sgd) == ["optimizer", "momentum", "layers", "learning_rate"])
    #expect(space.validates(sgd))
    #expect(space.validates(adam))
    var adamWithMomentum = adam
    adamWithMomentum["momentum"] = .float(0.3)
    #expect(!space.validates(adamWithMomentum), "an inactive parameter must be absent")
    var outOfRange = adam
    outOfRange["layers"] = .int(7)
    #expect(!space.validates(outOfRange))
  }

  @Test func fallbackValue_isDefaultOrMidpointInScale() throws {
    let space = try ExperimentFixture()
      .with("space", #"{"learning_rate": {"type": "float", "low": 0.0001, "high": 0.01, "log": true}, "layers": {"type": "int", "low": 1, "high": 4, "default": 2}, "batch_size": {"type": "int", "low": 16, "high": 128, "step": 16}}"#)
      .load().spec.space
    #expect(abs(space["learning_rate"]!.fallbackValue.numericValue! - 0.001) < 1e-15)
    #expect(space["layers"]!.fallbackValue == .int(2))
    #expect(space["batch_size"]!.fallbackValue == .int(64) || space["batch_size"]!.fallbackValue == .int(80))
    #expect(space["batch_size"]!.domain.contains(space["batch_size"]!.fallbackValue))
  }

  @Test func fixedValues_fromBareScalarsAndTypeFixed() throws {
    let space = try ExperimentFixture()
      .with("space", #"{"batch_size": 64, "activation": {"type": "fixed", "value": "relu"}}"#)
      .load().spec.space
    #expect(space["batch_size"]!.domain == .fixed(.int(64)))
    #expect(space["activation"]!.domain == .fixed(.string("relu")))
    #expect(space.gridSize == 1)
  }

  @Test func spec_codableRoundTripsThroughTheLoader() throws {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().appendingPathComponent("Experiments/digits-mlp.json")
    let loaded = try ExperimentLoader.load(path: url.path)
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    let data = try encoder.encode(loaded.spec)
    #expect(try JSONDecoder().decode(ExperimentSpec.self, from: data) == loaded.spec)
    // What Codable writes is itself a valid experiment file with the same meaning.
    let reloaded = try ExperimentLoader.load(bytes: Array(data), file: "encoded.json", baseDirectory: loaded.baseDirectory)
    #expect(reloaded.spec == loaded.spec)
  }

  @Test func seededGenerator_isReproducibleAndStreamsDiffer() {
    var a = SeededGenerator(seed: 42), b = SeededGenerator(seed: 42), c = SeededGenerator(seed: 42, stream: 1)
    let xs = (0..<5).map { _ in a.next() }
    #expect(xs == (0..<5).map { _ in b.next() })
    #expect(xs != (0..<5).map { _ in c.next() })
    var u = SeededGenerator(seed: 1)
    #expect((0..<1000).allSatisfy { _ in let x = u.nextUnit(); return x >= 0 && x < 1 })
  }
}
