import Foundation
import HPOData
import HPORelease
import Testing

/// `hpo predict` and `hpo drift` on the package of a command experiment, run
/// as a user would, on packages built by hand the way the package format
/// (command.json, code.bundle, checkpoint.bundle, data-profile.json) says:
/// the code is a standard-library Python script that reads `HPO_DATA` and a
/// checkpoint file and writes `HPO_OUTPUT`.
struct CommandPackagePredictTests {
  /// The predictions `predict.py` makes: `scale * (x + y) + bias`, with
  /// `scale` from the configuration and `bias` from the checkpoint.
  static func expected(_ x: Double, _ y: Double) -> Double { 2 * (x + y) + 10 }

  @Test func predict_runsThePackagesPredictCommand_andRenamesItsOutputIntoPlace() throws {
    let package = try CommandPackageFixture.make()
    let dir = try HPOProcess.temporaryDirectory()
    // Columns in another order, an extra one, no label: only the features are required.
    let input = dir.appendingPathComponent("new.csv")
    let rows = (0..<25).map { i in (id: i, x: Double(i) / 4, y: Double(i % 6)) }
    try (["id,y,x"] + rows.map { "\($0.id),\($0.y),\($0.x)" }).joined(separator: "\n").appending("\n")
      .write(to: input, atomically: true, encoding: .utf8)
    let output = dir.appendingPathComponent("predictions.csv")
    let run = try HPOProcess.run(["predict", "--package", package.path, "--data", input.path, "--output", output.path])
    #expect(run.exitCode == 0, "\(run.standardError)")
    #expect(run.standardOutput.isEmpty, "the command's own output goes to standard error")
    let lines = try String(contentsOf: output, encoding: .utf8).split(separator: "\n").map(String.init)
    #expect(lines.first == "prediction")
    let values = lines.dropFirst().compactMap(Double.init)
    #expect(values == rows.map { Self.expected($0.x, $0.y) })
    // What the command printed (standard output and error) reached the user, on standard error.
    let err = run.standardError
    #expect(err.contains("predict: seed=12345 trial=7 experiment=cmd-pkg greeting=hello data=\(input.path) cwd="), "\(err)")
    #expect(err.contains("predict: rows=25\n"), "\(err)")
    #expect(err.hasSuffix("\(output.path): predictions written by the package's predict command (python3 predict.py)\n"), "\(err)")
    // Nothing else in the output's folder (the temporary file was renamed), and the run's folder is gone.
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() == ["new.csv", "predictions.csv"])
    let runFolder = try #require(Self.field("cwd", in: err))
    #expect(runFolder.hasSuffix("/run"))
    #expect(!FileManager.default.fileExists(atPath: (runFolder as NSString).deletingLastPathComponent))

    // Without --output the same table goes to standard output, and the command's prints do not.
    let stdout = try HPOProcess.run(["predict", "--package", package.path, "--data", input.path])
    #expect(stdout.exitCode == 0, "\(stdout.standardError)")
    #expect(stdout.standardOutput == lines.joined(separator: "\n") + "\n")
    #expect(stdout.standardError.contains("predict: rows=25\n"))
  }

  @Test func predict_withoutAPredictCommand_isRefusedNamingWhatIsMissing() throws {
    let package = try CommandPackageFixture.make(predict: nil)
    let dir = try HPOProcess.temporaryDirectory()
    let output = dir.appendingPathComponent("p.csv")
    let run = try HPOProcess.run(
      ["predict", "--package", package.path, "--data", try CommandPackageFixture.data().path, "--output", output.path])
    #expect(run.exitCode == 2)
    #expect(run.standardError == """
      \(package.path)/command.json: has no predict command: the experiment's model had no "predict"; \
      add "predict": [...] to model and run the search again

      """)
    #expect(!FileManager.default.fileExists(atPath: output.path))
  }

  @Test func predict_refusesAChangedCodeBundle() throws {
    let package = try CommandPackageFixture.make()
    let code = package.appendingPathComponent("code.bundle")
    var bytes = try Data(contentsOf: code)
    bytes[bytes.count - 3] ^= 0x01
    try bytes.write(to: code)
    let run = try HPOProcess.run(["predict", "--package", package.path, "--data", try CommandPackageFixture.data().path])
    #expect(run.exitCode == 2)
    #expect(run.standardError.hasPrefix("\(code.path): SHA-256 is "), "\(run.standardError)")
    #expect(run.standardError.contains("the file was changed or damaged, so the package is refused"))
    #expect(run.standardOutput.isEmpty)
  }

  @Test func predict_aCommandThatFails_isExit3NamingItsStatusAndLastLine_andWritesNothing() throws {
    let package = try CommandPackageFixture.make(predict: ["python3", "crash.py"])
    let dir = try HPOProcess.temporaryDirectory()
    let output = dir.appendingPathComponent("p.csv")
    let run = try HPOProcess.run(
      ["predict", "--package", package.path, "--data", try CommandPackageFixture.data().path, "--output", output.path])
    #expect(run.exitCode == 3)
    #expect(run.standardError.hasSuffix("""
      hpo predict: the package's predict command (python3 crash.py) failed: exit status 1: ValueError: boom; \
      nothing was written to \(output.path)

      """), "\(run.standardError)")
    // The half-written file next to --output is gone too.
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty)
    let runFolder = try #require(Self.field("cwd", in: run.standardError))
    #expect(!FileManager.default.fileExists(atPath: (runFolder as NSString).deletingLastPathComponent))
  }

  @Test func predict_aCommandThatWritesNoOutput_isExit3() throws {
    let package = try CommandPackageFixture.make(predict: ["python3", "silent.py"])
    let run = try HPOProcess.run(["predict", "--package", package.path, "--data", try CommandPackageFixture.data().path])
    #expect(run.exitCode == 3)
    #expect(run.standardError.contains(
      "hpo predict: the package's predict command (python3 silent.py) exited 0 but did not write its predictions to HPO_OUTPUT ("),
      "\(run.standardError)")
    #expect(run.standardError.hasSuffix("as a file; no predictions were written\n"))
    #expect(run.standardOutput.isEmpty)
  }

  @Test func predict_refusesAnInputWithoutTheProfilesFeatures_andAMissingFile() throws {
    let package = try CommandPackageFixture.make()
    let dir = try HPOProcess.temporaryDirectory()
    let input = dir.appendingPathComponent("partial.csv")
    try "x,t,z\n1,2,3\n".write(to: input, atomically: true, encoding: .utf8)
    let run = try HPOProcess.run(["predict", "--package", package.path, "--data", input.path])
    #expect(run.exitCode == 2)
    #expect(run.standardError == """
      \(input.path):1: the header lacks the feature column 'y' that data-profile.json names (the model was \
      trained on 2 feature columns: the label 't' may be left out, no feature may); the header has 'x', 't', 'z'

      """)
    #expect(Self.field("cwd", in: run.standardError) == nil, "the command did not run")

    let missing = dir.appendingPathComponent("nothing.csv")
    let absent = try HPOProcess.run(["predict", "--package", package.path, "--data", missing.path])
    #expect(absent.exitCode == 2)
    #expect(absent.standardError == "\(missing.path): does not exist; give the CSV file to predict (--data)\n")
  }

  @Test func drift_checksTheFeaturesOfACommandPackage() throws {
    let package = try CommandPackageFixture.make()
    let dir = try HPOProcess.temporaryDirectory()
    // The training data shifted by 100 in x: drift, found without running the package's code.
    let shifted = dir.appendingPathComponent("shifted.csv")
    try (["x,y,t"] + CommandPackageFixture.rows.map { "\($0.x + 100),\($0.y),\($0.t)" }).joined(separator: "\n")
      .appending("\n").write(to: shifted, atomically: true, encoding: .utf8)
    let run = try HPOProcess.run(["drift", "--package", package.path, "--data", shifted.path])
    #expect(run.exitCode == 1, "\(run.standardOutput)\(run.standardError)")
    let xLine = run.standardOutput.split(separator: "\n").first { $0.hasPrefix("x ") }.map(String.init) ?? ""
    #expect(xLine.contains("drifted"), "\(run.standardOutput)")
    #expect(run.standardOutput.contains(
      "prediction drift not checked: the package's model is a command (command.json), which hpo drift does not run"),
      "\(run.standardOutput)")
    #expect(Self.field("cwd", in: run.standardError) == nil, "the package's code did not run")
  }

  @Test func drift_refusesACommandPackageWithoutAProfile() throws {
    let package = try CommandPackageFixture.make(profile: false)
    let run = try HPOProcess.run(["drift", "--package", package.path, "--data", try CommandPackageFixture.data().path])
    #expect(run.exitCode == 2)
    #expect(run.standardError == """
      \(package.path): is the package of a command experiment without data (no data-profile.json): drift \
      compares new data with the training split's profile, which only an experiment with "data" has; nothing to compare with

      """)
    // predict works without a profile: the header is then the command's business.
    let predict = try HPOProcess.run(["predict", "--package", package.path, "--data", try CommandPackageFixture.data().path])
    #expect(predict.exitCode == 0, "\(predict.standardError)")
    #expect(predict.standardOutput.split(separator: "\n").count == CommandPackageFixture.rows.count + 1)
  }

  /// The value of ` name=` in `text` (up to the next space or line end).
  static func field(_ name: String, in text: String) -> String? {
    guard let range = text.range(of: " \(name)=") else { return nil }
    return String(text[range.upperBound...].prefix { $0 != " " && $0 != "\n" })
  }
}

/// Builds the package of a command experiment by the package format, by hand.
enum CommandPackageFixture {
  /// The training data: features x and y, label t.
  static let rows: [(x: Double, y: Double, t: Double)] = (0..<240).map { i in
    let x = Double(i % 20) / 2, y = Double((i * 7) % 13)
    return (x, y, CommandPackagePredictTests.expected(x, y))
  }

  /// The pieces every package shares: the bundles, the profile, the data file.
  private static let pieces: Result<(files: [String: [UInt8]], data: URL), any Error> = Result { try build() }

  /// The training data as a CSV file.
  static func data() throws -> URL { try pieces.get().data }

  /// A fresh package whose command.json has `predict` (nil: none), with
  /// data-profile.json when `profile` is true.
  static func make(predict: [String]? = ["python3", "predict.py"], profile: Bool = true) throws -> URL {
    var files = try pieces.get().files
    if !profile { files["data-profile.json"] = nil }
    var command: [String: Any] = [
      "format": 1, "experiment": "cmd-pkg", "trial": 7, "seed": 12345, "configuration": ["scale": 2],
      "train": ["python3", "train.py"], "env": ["PREDICT_GREETING": "hello"], "timeout_seconds": 60,
    ]
    command["predict"] = predict
    files["command.json"] = Array(try JSONSerialization.data(withJSONObject: command, options: [.sortedKeys]))
    let package = try HPOProcess.temporaryDirectory().appendingPathComponent("package")
    try PackageWriter.write(files, to: package.path)
    return package
  }

  private static func build() throws -> (files: [String: [UInt8]], data: URL) {
    let dir = try HPOProcess.temporaryDirectory()
    let code = dir.appendingPathComponent("code")
    let checkpoint = dir.appendingPathComponent("checkpoint")
    try FileManager.default.createDirectory(at: code.appendingPathComponent("lib"), withIntermediateDirectories: true)
    try FileManager.default.createDirectory(at: checkpoint, withIntermediateDirectories: true)
    let sources = [
      "predict.py": """
        import csv, json, os, sys
        import hpo_client  # present in every package command: importing it must not fail
        from lib.scale import apply

        params = hpo_client.params()
        with open(os.path.join(os.environ["HPO_CHECKPOINT_DIR"], "weights.json")) as f:
            bias = json.load(f)["bias"]
        print("predict: seed=%s trial=%s experiment=%s greeting=%s data=%s cwd=%s" % (
            os.environ["HPO_SEED"], os.environ["HPO_TRIAL"], os.environ["HPO_EXPERIMENT"],
            os.environ["PREDICT_GREETING"], os.environ["HPO_DATA"], os.getcwd()))
        with open(os.environ["HPO_DATA"], newline="") as f:
            rows = list(csv.DictReader(f))
        sys.stderr.write("predict: rows=%d\\n" % len(rows))
        with open(os.environ["HPO_OUTPUT"], "w") as out:
            out.write("prediction\\n")
            for row in rows:
                out.write("%r\\n" % apply(params["scale"], bias, float(row["x"]), float(row["y"])))
        hpo_client.final({"rows": len(rows)})

        """,
      "lib/scale.py": "def apply(scale, bias, x, y):\n    return scale * (x + y) + bias\n",
      "crash.py": """
        import os
        print("predict: cwd=%s" % os.getcwd())
        with open(os.environ["HPO_OUTPUT"], "w") as out:
            out.write("prediction\\n1\\n")
        raise ValueError("boom")

        """,
      "silent.py": "print('predict: nothing to say')\n",
    ]
    for (name, text) in sources {
      try text.write(to: code.appendingPathComponent(name), atomically: true, encoding: .utf8)
    }
    try #"{"bias": 10}"#.write(to: checkpoint.appendingPathComponent("weights.json"), atomically: true, encoding: .utf8)

    let data = dir.appendingPathComponent("train.csv")
    try (["x,y,t"] + rows.map { "\($0.x),\($0.y),\($0.t)" }).joined(separator: "\n").appending("\n")
      .write(to: data, atomically: true, encoding: .utf8)
    // The profile as a release writes it: `hpo drift profile` of a command experiment with this data.
    let experiment = dir.appendingPathComponent("experiment.json")
    try """
      {"name": "cmd-pkg", "data": {"path": "train.csv", "label": "t", "task": "regression"},
       "model": {"kind": "command", "train": ["python3", "train.py"], "predict": ["python3", "predict.py"], "workdir": "code"},
       "space": {"scale": {"type": "float", "low": 1, "high": 3}},
       "objective": {"metric": "rmse"}, "search": {"strategy": "random", "trials": 1}}
      """.write(to: experiment, atomically: true, encoding: .utf8)
    let profile = try HPOProcess.run(["drift", "profile", experiment.path])
    guard profile.exitCode == 0 else { throw CSVText.Failure(message: "hpo drift profile failed: \(profile.standardError)") }
    let files: [String: [UInt8]] = [
      "code.bundle": try FileBundle.pack(directory: code.path).encoded,
      "checkpoint.bundle": try FileBundle.pack(directory: checkpoint.path).encoded,
      "data-profile.json": Array(profile.standardOutput.utf8),
    ]
    return (files, data)
  }
}
