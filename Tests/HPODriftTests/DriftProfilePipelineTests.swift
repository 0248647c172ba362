import Foundation
import HPOCore
import HPOData
import HPOTestSupport
import Testing

@testable import HPODrift

/// A package's data profile describes the training split the coordinator
/// prepared: both come from HPOData's one pipeline.
struct DriftProfilePipelineTests {
  @Test(arguments: [
    ("iris.csv", DataSpec(path: "iris.csv", task: .classification, split: SplitSpec(validation: 0.25, test: 0.25, seed: 1))),
    ("diabetes.csv", DataSpec(path: "diabetes.csv", task: .regression, split: SplitSpec(seed: 5), categorical: ["sex"])),
    ("wine.csv", DataSpec(path: "wine.csv", task: .classification, missing: .drop)),
  ])
  func make_profilesTheSplitDataPreparerShards(_ file: String, _ spec: DataSpec) throws {
    let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().appendingPathComponent("Experiments/data/" + file).path
    let dir = try TempDir()
    defer { dir.cleanup() }
    let prepared = try DataPreparer.prepare(spec: spec, dataPath: path, outputDirectory: dir.path("data"), as: Double.self)
    let expected = DataProfile(
      training: prepared.train, categorical: spec.categorical, missing: spec.missing, seed: spec.split.seed)
    #expect(try DataProfile.make(spec: spec, dataPath: path) == expected)
  }
}
