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

  /// The command examples, each a folder with `experiment.json` and its code.
  static var commandExamples: [String] {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: experimentsDirectory.path)) ?? []
    return names.filter { $0.hasPrefix("command-") }.sorted()
  }

  @Test func commandExamples_validate_andTheirCodeIsThere() throws {
    #expect(Self.commandExamples == ["command-shell", "command-sklearn", "command-stdlib"])
    for name in Self.commandExamples {
      let loaded = try ExperimentLoader.load(path: Self.experimentsDirectory.appendingPathComponent("\(name)/experiment.json").path)
      #expect(loaded.spec.name == name)
      #expect(loaded.spec.model.kind == .command)
      let workdir = try #require(loaded.workdirURL)
      let train = try #require(loaded.spec.model.command?.train)
      let script = train.last { $0.hasSuffix(".py") || $0.hasSuffix(".sh") }
      #expect(script.map { FileManager.default.fileExists(atPath: workdir.appendingPathComponent($0).path) } == true, "\(name): \(train)")
    }
  }

  @Test(arguments: exampleFiles)
  func example_validates(_ name: String) throws {
    let loaded = try ExperimentLoader.load(path: Self.experimentsDirectory.appendingPathComponent(name).path)
    #expect(loaded.spec.name + ".json" == name, "an example's file name matches its experiment name")
    if let url = loaded.dataURL { #expect(FileManager.default.fileExists(atPath: url.path)) }
  }
}
