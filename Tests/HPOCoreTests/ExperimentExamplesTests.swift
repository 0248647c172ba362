import Foundation
import Testing
@testable import HPOCore

/// Every example experiment shipped in Experiments/ is valid.
@Suite struct ExperimentExamplesTests {
  static let experimentsDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Experiments")

  static var exampleFiles: [String] {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: experimentsDirectory.path)) ?? []
    return names.filter { $0.hasSuffix(".json") && !$0.hasSuffix(".schema.json") }.sorted()
  }

  @Test func examples_exist() {
    #expect(Self.exampleFiles.contains("digits-mlp.json"))
  }

  @Test(arguments: exampleFiles)
  func example_validates(_ name: String) throws {
    let loaded = try ExperimentLoader.load(path: Self.experimentsDirectory.appendingPathComponent(name).path)
    #expect(loaded.spec.name + ".json" == name, "an example's file name matches its experiment name")
    if let url = loaded.dataURL { #expect(FileManager.default.fileExists(atPath: url.path)) }
  }
}
