import Foundation
import HPOCore
import HPOStore
import HPOTestSupport
import Testing

@testable import HPOReports

/// The report of a real (short) search: `hpo run` on a copy of
/// Experiments/iris-softmax.json with a small budget, then the report read
/// from the store it wrote.
struct HTMLReportRunTests {
  /// The repository's root folder.
  static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()

  /// The `hpo` executable built next to this test bundle.
  static func executable() throws -> URL {
    if let url = BuiltExecutable.url("hpo") { return url }
    throw PythonFailure(message: "the hpo binary was not found next to the tests (looked in \(BuiltExecutable.searched.map(\.path))); run swift build first")
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

  /// Runs a 12-trial iris search with `hpo run` in `directory` and renders
  /// the report of its store.
  static func reportOfARealRun(in directory: URL) throws -> (html: String, input: ReportInput, trials: [StoredTrial]) {
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
    guard status == 0 else { throw PythonFailure(message: "hpo run failed (\(status)): \(stderr)") }

    let store = try ExperimentStore.open(path: directory.appendingPathComponent("out/store.sqlite").path)
    defer { try? store.close() }
    let trials = try store.storedTrials(of: "iris-softmax")
    let input = try ReportInput(
      store: store, experiment: "iris-softmax", status: .passed, outcome: "passed every gate",
      gates: [ReportInput.Gate(name: "accuracy", passed: true, value: 0.97, threshold: "≥ 0.9", detail: "on the test split")])
    return (HTMLReport.render(input), input, trials)
  }

  @Test func reportOfARealRun_showsEveryTrialAndItsLearningCurves() throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hpo-report-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let (html, input, trials) = try Self.reportOfARealRun(in: directory)

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

  /// Pixel counts of a screenshot, by Pillow: size, distinct colours, the
  /// share of non-white pixels, and pixels of the report's own colours.
  static let screenshotFacts = """
    import json, sys
    from PIL import Image
    im = Image.open(sys.stdin.read().strip()).convert("RGB")
    w, h = im.size
    counts = {c: n for n, c in im.getcolors(w * h)}
    def near(rgb, tol=6):
        return sum(n for c, n in counts.items() if all(abs(a - b) <= tol for a, b in zip(c, rgb)))
    print(json.dumps({"width": w, "height": h, "colours": len(counts),
                      "nonwhite": 1 - counts.get((255, 255, 255), 0) / (w * h),
                      "best_line": near((0xd6, 0x56, 0x2b)), "banner": near((0xe3, 0xf5, 0xe6)),
                      "header": near((0xf2, 0xf4, 0xf8))}))
    """

  @Test func reportOfARealRun_rendersInHeadlessChromium() throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hpo-report-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let (html, _, _) = try Self.reportOfARealRun(in: directory)
    let page = directory.appendingPathComponent("report.html")
    try html.write(to: page, atomically: true, encoding: .utf8)
    let png = directory.appendingPathComponent("report.png")
    // Offline: the report must render from the file alone (no network is reachable anyway).
    let chromium = Process()
    chromium.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    chromium.arguments = ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                          "--user-data-dir=\(directory.appendingPathComponent("profile").path)",
                          "--window-size=1280,1600", "--screenshot=\(png.path)", page.absoluteString]
    chromium.standardOutput = FileHandle.nullDevice
    chromium.standardError = FileHandle.nullDevice
    try chromium.run()
    chromium.waitUntilExit()
    #expect(chromium.terminationStatus == 0, "chromium (Debian package, installed by Cluster/bootstrap --test) failed")
    let facts = try #require(JSONSerialization.jsonObject(with: Data(runPython(Self.screenshotFacts, input: png.path).utf8)) as? [String: Any])
    #expect(facts["width"] as? Int == 1280 && facts["height"] as? Int == 1600)
    // Not blank: text, tables and charts cover a good part of the page, in many colours.
    let nonwhite = try #require(facts["nonwhite"] as? Double)
    #expect(nonwhite > 0.05, "only \(nonwhite) of the pixels are not white")
    #expect((facts["colours"] as? Int ?? 0) > 100)
    // The report's own colours are drawn: the passed banner, the table headers, and the
    // best-so-far line of the optimisation history chart (an inline SVG).
    #expect((facts["banner"] as? Int ?? 0) > 10_000, "\(facts)")
    #expect((facts["header"] as? Int ?? 0) > 1_000, "\(facts)")
    #expect((facts["best_line"] as? Int ?? 0) > 200, "the best-so-far line is not drawn: \(facts)")
  }
}
