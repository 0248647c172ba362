import Foundation
@testable import HPOCore

/// Experiment documents for tests: a small valid base with one top-level
/// section per line, so that a case can replace or add one section and the
/// expected line numbers stay obvious (name on line 2, data 3, model 4,
/// space 5, objective 6, search 7, added sections from line 8).
struct ExperimentFixture {
  static let sectionOrder = ["name", "data", "model", "space", "objective", "search"]

  var sections: [(String, String)] = [
    ("name", #""t""#),
    ("data", #"{"path": "data.csv", "task": "classification"}"#),
    ("model", #"{"kind": "mlp", "epochs": 10}"#),
    ("space", #"{"learning_rate": {"type": "float", "low": 0.001, "high": 0.1, "log": true}}"#),
    ("objective", #"{"metric": "accuracy"}"#),
    ("search", #"{"strategy": "random", "trials": 10}"#),
  ]

  /// The base with `key` set to `json` (replacing it in place, or appended on a new line).
  func with(_ key: String, _ json: String) -> ExperimentFixture {
    var copy = self
    if let i = copy.sections.firstIndex(where: { $0.0 == key }) {
      copy.sections[i].1 = json
    } else {
      copy.sections.append((key, json))
    }
    return copy
  }

  /// The base without `key`.
  func without(_ key: String) -> ExperimentFixture {
    var copy = self
    copy.sections.removeAll { $0.0 == key }
    return copy
  }

  var text: String {
    "{\n" + sections.map { "\"\($0.0)\": \($0.1)" }.joined(separator: ",\n") + "\n}\n"
  }

  /// A temporary folder holding `data.csv`, where relative data paths resolve.
  static let directory: URL = {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("hpo-core-tests-\(ProcessInfo.processInfo.processIdentifier)")
    try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    try? "a,b,label\n1,2,0\n3,4,1\n".write(to: dir.appendingPathComponent("data.csv"), atomically: true, encoding: .utf8)
    return dir
  }()

  /// Validates the document as if it were `experiment.json` in ``directory``.
  func load() throws(ExperimentError) -> LoadedExperiment {
    try ExperimentLoader.load(bytes: Array(text.utf8), file: "experiment.json", baseDirectory: Self.directory)
  }
}
