import Foundation
import HPOCore
import HPOStore
import Testing

@testable import HPOPackaging

/// The report of a real (short) search: `hpo run` on a copy of
/// Experiments/iris-softmax.json with a small budget, then the report read
/// from the store it wrote.
struct HTMLReportRunTests {
  /// The repository's root folder.
  static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()

  /// The `hpo` executable built next to this test bundle.
  static func executable() throws -> URL {
    var candidates: [URL] = []
    if let bundle = Bundle.main.executableURL { candidates.append(bundle.deletingLastPathComponent()) }
    candidates.append(URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent())
    for dir in candidates {
      for base in [dir, dir.deletingLastPathComponent(), dir.deletingLastPathComponent().deletingLastPathComponent()] {
        let url = base.appendingPathComponent("hpo")
        if FileManager.default.isExecutableFile(atPath: url.path) { return url }
      }
    }
    throw PythonFailure(message: "the hpo binary was not found next to the tests (looked in \(candidates.map(\.path))); run swift build first")
  }

  /// Runs `hpo arguments…` and returns its exit code and standard error.
  static func hpo(_ arguments: [String]) throws -> (Int32, String) {
    let process = Process()
    process.executableURL = try executable()
    process.arguments = arguments
    let err = Pipe()
    process.standardOutput = FileHandle.nullDevice
    process.standardError = err
    process.standardInput = FileHandle.nullDevice
    try process.run()
    let data = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
  }

  @Test func reportOfARealRun_showsEveryTrialAndItsLearningCurves() throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hpo-report-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let source = Self.repository.appendingPathComponent("Experiments/iris-softmax.json")
    guard var experiment = try JSONSerialization.jsonObject(with: Data(contentsOf: source)) as? [String: Any],
      var data = experiment["data"] as? [String: Any], var search = experiment["search"] as? [String: Any],
      var model = experiment["model"] as? [String: Any]
    else { throw PythonFailure(message: "iris-softmax.json is not the expected object") }
    data["path"] = Self.repository.appendingPathComponent("Experiments/data/iris.csv").path
    search["trials"] = 12
    model["epochs"] = 12
    experiment["data"] = data
    experiment["search"] = search
    experiment["model"] = model
    experiment["output"] = ["dir": directory.appendingPathComponent("out").path, "keep_top": 1]
    let file = directory.appendingPathComponent("iris-small.json")
    try JSONSerialization.data(withJSONObject: experiment, options: [.sortedKeys]).write(to: file)

    let (status, stderr) = try Self.hpo(["run", file.path, "--workers", "2"])
    #expect(status == 0, "hpo run failed: \(stderr)")

    let store = try ExperimentStore.open(path: directory.appendingPathComponent("out/store.sqlite").path)
    defer { try? store.close() }
    let trials = try store.storedTrials(of: "iris-softmax")
    let input = try HTMLReport.Input(
      store: store, experiment: "iris-softmax", passed: true, outcome: "passed every gate",
      gates: [HTMLReport.GateRow(name: "accuracy", passed: true, value: 0.97, threshold: "≥ 0.9", detail: "on the test split")])
    let html = HTMLReport.render(input)

    #expect(try htmlProblems(html) == [])
    #expect(!html.contains("http://") && !html.contains("https://"))
    #expect(trials.count == 12)
    #expect(html.components(separatedBy: "<tr class=\"state-").count - 1 == trials.count)
    // The winner is the store's best complete trial.
    let complete = trials.filter { $0.state == .complete }.compactMap { t in t.record.value.map { (t.number, $0) } }
    let best = complete.min { ($0.1, $0.0) < ($1.1, $1.0) }
    #expect(input.winner?.trialNumber == best?.0)
    #expect(html.contains("Winner: trial \(best?.0 ?? -1)"))
    let values = bestSoFarValues(html)
    #expect(values.count == complete.count)
    #expect(zip(values, values.dropFirst()).allSatisfy { $1 <= $0 })
    #expect(values.last == best?.1)
    // Per-epoch reports became learning curves (log_loss and the other metrics the workers report).
    #expect(trials.contains { !$0.record.intermediate.isEmpty })
    #expect(html.contains("<svg class=\"chart curves\" data-metric=\"log_loss\""))
    #expect(html.contains("<option value=\"accuracy\">accuracy</option>"))
  }
}
