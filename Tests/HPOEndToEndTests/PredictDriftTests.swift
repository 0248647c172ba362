import Foundation
import Testing

/// `hpo predict` and `hpo drift` on a package, run as a user would.
///
/// Until the packaging step writes packages itself, ``PackageFixture`` builds
/// one the way the package contract says: the winner of a short real search
/// (`hpo run`, keeping the best checkpoint) as `model.hpoc`, the training
/// split's profile (`hpo drift profile`) as `data-profile.json`, and
/// `SHA256SUMS` written by coreutils' `sha256sum`.
struct PredictDriftTests {
  static let iris = HPOProcess.repository.appendingPathComponent("Experiments/data/iris.csv")
  static let diabetes = HPOProcess.repository.appendingPathComponent("Experiments/data/diabetes.csv")

  @Test func predict_regressionWithACategoricalFeature_andUnknownCategories() throws {
    let package = try PackageFixture.sharedRegression()
    let profile = try JSONSerialization.jsonObject(
      with: Data(contentsOf: package.appendingPathComponent("data-profile.json"))) as? [String: Any]
    let features = profile?["features"] as? [[String: Any]] ?? []
    #expect(features.first { $0["name"] as? String == "sex" }?["levels"] as? [Double] == [1, 2])
    let run = try HPOProcess.run(["predict", "--package", package.path, "--data", Self.diabetes.path])
    #expect(run.exitCode == 0, "\(run.standardError)")
    let lines = run.standardOutput.split(separator: "\n")
    #expect(lines.first == "prediction")
    #expect(lines.count == 443)
    let values = lines.dropFirst().compactMap { Double($0) }
    #expect(values.count == 442)
    // Disease progression is 25…346 in the data; a fitted ridge model predicts inside a similar range.
    #expect(values.allSatisfy { $0 > 0 && $0 < 400 })

    // sex = 3 was never seen in training: refused for predictions, counted as drift.
    let dir = try HPOProcess.temporaryDirectory()
    var text = try String(contentsOf: Self.diabetes, encoding: .utf8).split(separator: "\n").map(String.init)
    for i in 1...60 {
      var cells = text[i].split(separator: ",").map(String.init)
      cells[1] = "3"
      text[i] = cells.joined(separator: ",")
    }
    let input = dir.appendingPathComponent("sex3.csv")
    try (text.joined(separator: "\n") + "\n").write(to: input, atomically: true, encoding: .utf8)
    let refused = try HPOProcess.run(["predict", "--package", package.path, "--data", input.path])
    #expect(refused.exitCode == 2)
    let first = refused.standardError.split(separator: "\n").first.map(String.init)
    #expect(first == "\(input.path):2: column 'sex': value '3' is not a category the model was trained on; accepted: 1, 2")
    let drift = try HPOProcess.run(["drift", "--package", package.path, "--data", input.path])
    #expect(drift.exitCode == 1, "\(drift.standardOutput)\(drift.standardError)")
    let sexLine = drift.standardOutput.split(separator: "\n").first { $0.hasPrefix("sex ") }.map(String.init) ?? ""
    #expect(sexLine.contains("categorical") && sexLine.contains(" drifted (60 unseen: 3)"), "\(drift.standardOutput)")
  }

  @Test func predict_writesOnePredictionPerRowWithClassProbabilities() throws {
    let package = try PackageFixture.shared()
    let dir = try HPOProcess.temporaryDirectory()
    let output = dir.appendingPathComponent("predictions.csv")
    let run = try HPOProcess.run(["predict", "--package", package.path, "--data", Self.iris.path, "--output", output.path])
    #expect(run.exitCode == 0, "\(run.standardError)")
    #expect(run.standardError == "\(output.path): 150 predictions\n")
    let text = try String(contentsOf: output, encoding: .utf8)
    let lines = text.split(separator: "\n").map(String.init)
    #expect(lines.first == "prediction,p_0,p_1,p_2")
    #expect(lines.count == 151)
    let labels = try CSVText.rows(of: Self.iris).map { $0.last ?? "" }
    var correct = 0
    for (line, label) in zip(lines.dropFirst(), labels) {
      let cells = line.split(separator: ",").map(String.init)
      let p = cells.dropFirst().compactMap(Double.init)
      #expect(p.count == 3 && abs(p.reduce(0, +) - 1) < 1e-9)
      let argmax = p.indices.max { p[$0] < p[$1] } ?? -1
      #expect(cells.first == String(argmax))
      if cells.first == label { correct += 1 }
    }
    // A trained model, not noise: iris is easy.
    #expect(correct >= 135, "accuracy \(correct)/150")
    // The same table on standard output without --output.
    let stdout = try HPOProcess.run(["predict", "--package", package.path, "--data", Self.iris.path])
    #expect(stdout.exitCode == 0)
    #expect(stdout.standardOutput == text)
  }

  @Test func predict_readsColumnsByNameInAnyOrder_withoutTheLabel() throws {
    let package = try PackageFixture.shared()
    let dir = try HPOProcess.temporaryDirectory()
    let header = try CSVText.header(of: Self.iris)
    let rows = try CSVText.rows(of: Self.iris)
    // Columns reversed, label dropped.
    let order = Array(header.indices.dropLast().reversed())
    let reordered = dir.appendingPathComponent("reordered.csv")
    try (([order.map { header[$0] }.joined(separator: ",")] + rows.map { r in order.map { r[$0] }.joined(separator: ",") })
      .joined(separator: "\n") + "\n").write(to: reordered, atomically: true, encoding: .utf8)
    let a = try HPOProcess.run(["predict", "--package", package.path, "--data", Self.iris.path])
    let b = try HPOProcess.run(["predict", "--package", package.path, "--data", reordered.path])
    #expect(a.exitCode == 0 && b.exitCode == 0, "\(b.standardError)")
    #expect(a.standardOutput == b.standardOutput)
  }

  @Test func predict_refusesAChangedModelFile_andWritesNothing() throws {
    let package = try PackageFixture.copy()
    let model = package.appendingPathComponent("model.hpoc")
    var bytes = try Data(contentsOf: model)
    bytes[bytes.count / 2] ^= 0x01
    try bytes.write(to: model)
    let output = package.deletingLastPathComponent().appendingPathComponent("predictions.csv")
    let run = try HPOProcess.run(["predict", "--package", package.path, "--data", Self.iris.path, "--output", output.path])
    #expect(run.exitCode == 2)
    #expect(run.standardError.hasPrefix("\(model.path): SHA-256 is "))
    #expect(run.standardError.contains("the file was changed or damaged, so the package is refused"))
    #expect(run.standardOutput.isEmpty)
    #expect(!FileManager.default.fileExists(atPath: output.path))
  }

  @Test func predict_refusesAPackageWithoutChecksumsOrWithAnUnlistedFile() throws {
    let package = try PackageFixture.copy()
    let sums = package.appendingPathComponent("SHA256SUMS")
    let text = try String(contentsOf: sums, encoding: .utf8)
    // data-profile.json not listed.
    try (text.split(separator: "\n").filter { $0.hasSuffix("model.hpoc") }.joined(separator: "\n") + "\n")
      .write(to: sums, atomically: true, encoding: .utf8)
    let unlisted = try HPOProcess.run(["predict", "--package", package.path, "--data", Self.iris.path])
    #expect(unlisted.exitCode == 2)
    #expect(unlisted.standardError == "\(sums.path): does not list data-profile.json; a package's files are used only when their checksum is listed\n")
    try FileManager.default.removeItem(at: sums)
    let missing = try HPOProcess.run(["predict", "--package", package.path, "--data", Self.iris.path])
    #expect(missing.exitCode == 2)
    #expect(missing.standardError.hasPrefix("\(sums.path): is missing; "))
    #expect(missing.standardOutput.isEmpty)
  }

  @Test func predict_refusesACellThatIsNotANumber_namingLineAndColumn() throws {
    let package = try PackageFixture.shared()
    let dir = try HPOProcess.temporaryDirectory()
    var lines = try String(contentsOf: Self.iris, encoding: .utf8).split(separator: "\n").map(String.init)
    var cells = lines[2].split(separator: ",").map(String.init)
    cells[1] = "abc"
    lines[2] = cells.joined(separator: ",")
    let input = dir.appendingPathComponent("input.csv")
    try (lines.joined(separator: "\n") + "\n").write(to: input, atomically: true, encoding: .utf8)
    let output = dir.appendingPathComponent("out.csv")
    let run = try HPOProcess.run(["predict", "--package", package.path, "--data", input.path, "--output", output.path])
    #expect(run.exitCode == 2)
    let header = try CSVText.header(of: Self.iris)
    #expect(run.standardError == "\(input.path):3: column '\(header[1])': value 'abc' is not a number; accepted: a decimal number such as 3, -0.5 or 1e-3\n")
    #expect(!FileManager.default.fileExists(atPath: output.path))
  }

  /// Iris's training split is so small that no number of new rows reaches
  /// 80 % power for a 0.5σ shift against it, so the same data is
  /// inconclusive (exit 4), not "no drift".
  @Test func drift_ofDataLikeTheTrainingData_isInconclusiveWithSoSmallASample() throws {
    let package = try PackageFixture.shared()
    let run = try HPOProcess.run(["drift", "--package", package.path, "--data", Self.iris.path])
    #expect(run.exitCode == 4, "\(run.standardOutput)\(run.standardError)")
    #expect(run.standardOutput.hasPrefix("feature "))
    #expect(run.standardOutput.contains("\ninconclusive: 150 rows, no number of rows is enough with a training sample this small to detect a 0.5σ shift with 80% power at alpha 0.05; nothing drifted"))
    #expect(run.standardOutput.contains("note: prediction drift not checked: the package has no test-outputs.json"))
  }

  @Test func drift_ofAShiftedFeature_exitsOne_namingIt() throws {
    let package = try PackageFixture.shared()
    let dir = try HPOProcess.temporaryDirectory()
    let header = try CSVText.header(of: Self.iris)
    let shifted = dir.appendingPathComponent("shifted.csv")
    let rows = try CSVText.rows(of: Self.iris).map { r -> String in
      var r = r
      r[2] = String((Double(r[2]) ?? 0) + 2)
      return r.joined(separator: ",")
    }
    try (([header.joined(separator: ",")] + rows).joined(separator: "\n") + "\n").write(to: shifted, atomically: true, encoding: .utf8)
    let table = try HPOProcess.run(["drift", "--package", package.path, "--data", shifted.path])
    #expect(table.exitCode == 1, "\(table.standardError)")
    let lines = table.standardOutput.split(separator: "\n")
    // Sorted by evidence: the shifted feature first, under the header.
    #expect(lines.count > 1 && lines[1].hasPrefix(header[2] + " ") && lines[1].hasSuffix("drifted"))
    #expect(table.standardOutput.hasSuffix("drift: \(header[2]) (1 of 4 checked; Holm-corrected p < 0.05 and effect > 0.05) over 150 rows\n"))
    let json = try HPOProcess.run(["drift", "--package", package.path, "--data", shifted.path, "--format", "json"])
    #expect(json.exitCode == 1)
    let object = try JSONSerialization.jsonObject(with: Data(json.standardOutput.utf8)) as? [String: Any]
    #expect(object?["drifted_features"] as? [String] == [header[2]])
    // An effect floor of 1 flags nothing: without drift, 150 rows stay inconclusive.
    let floor = try HPOProcess.run(["drift", "--package", package.path, "--data", shifted.path, "--min-effect", "1"])
    #expect(floor.exitCode == 4)
    // The replaced thresholds are accepted with a warning naming what replaced them, and decide nothing.
    let legacy = try HPOProcess.run(["drift", "--package", package.path, "--data", shifted.path, "--psi-max", "100", "--ks-max", "1"])
    #expect(legacy.exitCode == 1)
    #expect(legacy.standardError.contains("warning: --psi-max no longer decides anything (accepted until the next release)"))
    #expect(legacy.standardError.contains("remove --ks-max"))
  }

  @Test func drift_ofDataWithAMissingValue_isBadInput() throws {
    let package = try PackageFixture.shared()
    let dir = try HPOProcess.temporaryDirectory()
    var lines = try String(contentsOf: Self.iris, encoding: .utf8).split(separator: "\n").map(String.init)
    lines[5] = "NaN" + lines[5].drop { $0 != "," }
    let input = dir.appendingPathComponent("nan.csv")
    try (lines.joined(separator: "\n") + "\n").write(to: input, atomically: true, encoding: .utf8)
    let run = try HPOProcess.run(["drift", "--package", package.path, "--data", input.path])
    #expect(run.exitCode == 2)
    let header = try CSVText.header(of: Self.iris)
    #expect(run.standardError == "\(input.path):6: column '\(header[0])': value 'NaN' is not finite; accepted: a finite decimal number\n")
    let bad = try HPOProcess.run(["drift", "--package", package.path, "--data", Self.iris.path, "--ks-max", "2"])
    #expect(bad.exitCode == 2)
    #expect(bad.standardError.contains("--ks-max: 2.0 is not accepted; accepted: a number from 0 to 1"))
    for (argument, flag, accepted) in [
      ("--alpha=0.7", "--alpha", "accepted: a false-alarm rate in (0, 0.5]"), ("--alpha=0", "--alpha", "accepted: a false-alarm rate in (0, 0.5]"),
      ("--min-effect=-0.1", "--min-effect", "accepted: an effect size from 0 to 1"),
    ] {
      let refused = try HPOProcess.run(["drift", "--package", package.path, "--data", Self.iris.path, argument])
      #expect(refused.exitCode == 2)
      #expect(refused.standardError.contains("\(flag): ") && refused.standardError.contains(accepted), "\(refused.standardError)")
    }
  }
}

/// Builds a package directory by the package contract (see ``PredictDriftTests``).
enum PackageFixture {
  /// One package shared by the tests that only read it (iris, softmax).
  private static let built: Result<URL, any Error> = Result {
    try build(experiment: "iris-softmax.json", data: PredictDriftTests.iris, edit: { _ in })
  }
  /// A regression package with a categorical feature (diabetes, ridge, `sex` categorical).
  private static let regression: Result<URL, any Error> = Result {
    try build(experiment: "diabetes-ridge.json", data: PredictDriftTests.diabetes, edit: { data in
      data["categorical"] = ["sex"]
    })
  }

  static func sharedRegression() throws -> URL { try regression.get() }

  static func shared() throws -> URL { try built.get() }

  /// A fresh copy of the shared package, for tests that damage it.
  static func copy() throws -> URL {
    let dir = try HPOProcess.temporaryDirectory().appendingPathComponent("package")
    try FileManager.default.copyItem(at: try shared(), to: dir)
    return dir
  }

  /// Runs a short search of `Experiments/name` on `dataFile` (its data section changed by `edit`) and packages the winner.
  static func build(experiment name: String, data dataFile: URL, edit: (inout [String: Any]) -> Void) throws -> URL {
    let dir = try HPOProcess.temporaryDirectory()
    let source = HPOProcess.repository.appendingPathComponent("Experiments/" + name)
    guard var experiment = try JSONSerialization.jsonObject(with: Data(contentsOf: source)) as? [String: Any],
      var data = experiment["data"] as? [String: Any], var search = experiment["search"] as? [String: Any]
    else { throw CSVText.Failure(message: "iris-softmax.json is not the expected object") }
    data["path"] = dataFile.path
    edit(&data)
    search["trials"] = 6
    experiment["data"] = data
    experiment["search"] = search
    experiment["output"] = ["dir": dir.appendingPathComponent("out").path, "keep_top": 1]
    let file = dir.appendingPathComponent("iris-package.json")
    try JSONSerialization.data(withJSONObject: experiment, options: [.sortedKeys]).write(to: file)
    let run = try HPOProcess.run(["run", file.path, "--workers", "1"], timeout: 120)
    guard run.exitCode == 0 else { throw CSVText.Failure(message: "hpo run failed: \(run.standardError)") }

    let package = dir.appendingPathComponent("package")
    try FileManager.default.createDirectory(at: package, withIntermediateDirectories: true)
    let checkpoints = try FileManager.default.contentsOfDirectory(
      at: dir.appendingPathComponent("out/checkpoints"), includingPropertiesForKeys: nil)
    guard checkpoints.count == 1, let best = checkpoints.first else {
      throw CSVText.Failure(message: "expected the one best checkpoint, found \(checkpoints.map(\.lastPathComponent))")
    }
    try FileManager.default.copyItem(at: best, to: package.appendingPathComponent("model.hpoc"))
    let profile = try HPOProcess.run(
      ["drift", "profile", file.path, "--output", package.appendingPathComponent("data-profile.json").path])
    guard profile.exitCode == 0 else { throw CSVText.Failure(message: "hpo drift profile failed: \(profile.standardError)") }

    let sums = try HPOProcess.tool(["sha256sum", "data-profile.json", "model.hpoc"], in: package)
    guard sums.exitCode == 0 else { throw CSVText.Failure(message: "sha256sum failed: \(sums.standardError)") }
    try sums.standardOutput.write(to: package.appendingPathComponent("SHA256SUMS"), atomically: true, encoding: .utf8)
    return package
  }
}

/// Plain reading of the bundled (unquoted) CSV files.
enum CSVText {
  struct Failure: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
  }

  static func header(of url: URL) throws -> [String] {
    try String(contentsOf: url, encoding: .utf8).split(separator: "\n").first.map { $0.split(separator: ",").map(String.init) } ?? []
  }

  static func rows(of url: URL) throws -> [[String]] {
    try String(contentsOf: url, encoding: .utf8).split(separator: "\n").dropFirst().map { $0.split(separator: ",").map(String.init) }
  }
}
