import Foundation
import HPOStore
import Testing

/// The release stage of command experiments end to end (`hpo run` with real
/// coordinator, workers and commands): the winner's `evaluate` runs on a
/// worker with the test split and the winner's checkpoint, the gates decide,
/// the package holds the code, the checkpoint and the commands; a champion
/// from the registry is evaluated the same way; a failing `evaluate` releases nothing.
@Suite(.serialized) struct CommandReleaseEndToEndTests {
  /// Trains "a model" (x itself) whose test accuracy is 1 − |x − 1| / 10,
  /// writes it to its checkpoint and reports the validation log loss.
  static let train = """
    import os, hpo_client
    x = hpo_client.params()["x"]
    folder = hpo_client.checkpoint_dir()
    with open(os.path.join(folder, "model.txt"), "w") as f:
        f.write(repr(x))
    if os.path.exists("model.onnx.src"):
        with open("model.onnx.src", "rb") as src, open(os.path.join(folder, "model.onnx"), "wb") as dst:
            dst.write(src.read())
    hpo_client.final({"log_loss": (x - 1) ** 2, "accuracy": 1 - abs(x - 1) / 10})
    """

  /// Scores the checkpoint on HPO_TEST: checks what it was given, then reports.
  static let evaluate = """
    import os, sys, hpo_client
    with open(os.environ["HPO_TEST"]) as f:
        rows = f.read().splitlines()
    assert rows[0] == "sepal_length_cm,sepal_width_cm,petal_length_cm,petal_width_cm,label", rows[0]
    with open(os.path.join(os.environ["HPO_CHECKPOINT_DIR"], "model.txt")) as f:
        x = float(f.read())
    assert x == hpo_client.params()["x"], (x, hpo_client.params())
    assert "HPO_TRIAL" not in os.environ
    role = os.environ["HPO_EVALUATING"]
    print("evaluating the", role, "on", len(rows) - 1, "test rows", flush=True)
    if os.path.exists(os.environ.get("FAIL_FLAG", "/nonexistent")):
        print("cannot load the model", file=sys.stderr)
        sys.exit(1)
    if role == "champion":
        hpo_client.final({"accuracy": 0.99, "log_loss": 0.0, "test_rows": len(rows) - 1})
    else:
        hpo_client.final({"accuracy": 1 - abs(x - 1) / 10, "log_loss": (x - 1) ** 2 + 0.01, "test_rows": len(rows) - 1})
    """

  static func experiment(_ name: String, files: [String: String] = [:], env: String = "", validation: String) throws -> URL {
    try CommandTrialEndToEndTests.experiment(
      name, train: ["python3", "train.py"], files: ["train.py": train, "evaluate.py": evaluate].merging(files) { $1 },
      trials: 4, data: true, metric: "log_loss", extraModel: #", "evaluate": ["python3", "evaluate.py"]"# + env,
      extra: #", "validation": \#(validation)"#)
  }

  /// The rows of the test split the preparation wrote (the held-out quarter of iris, stratified).
  static func testRows(_ dir: URL) throws -> Int {
    try String(contentsOf: dir.appendingPathComponent("out/data/test.csv"), encoding: .utf8).split(separator: "\n").count - 1
  }

  static func json(_ url: URL) throws -> [String: Any] {
    try #require(JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
  }

  @Test func winner_isEvaluatedOnTheTestSplit_gated_andPackagedWithItsCodeCheckpointAndCommands() throws {
    let dir = try Self.experiment("cmd-release", validation: #"{"gates": [{"metric": "accuracy", "min": 0.5}], "max_gap": 0.05}"#)
    let r = try CommandTrialEndToEndTests.run(dir)
    #expect(r.exitCode == 0, "\(r.standardError)")
    let package = dir.appendingPathComponent("out/package")
    let files = try FileManager.default.contentsOfDirectory(atPath: package.path).sorted()
    #expect(files == ["README.md", "SHA256SUMS", "checkpoint.bundle", "code.bundle", "command.json", "data-profile.json", "manifest.json"])
    let check = try HPOProcess.tool(["sha256sum", "-c", "SHA256SUMS"], in: package)
    #expect(check.exitCode == 0, "\(check.standardOutput)")
    // The winner is the best trial by validation log loss; its test metrics are what evaluate reported.
    let trials = try CommandTrialEndToEndTests.trials(dir)
    let best = try #require(trials.filter { $0.state == .complete }.min { ($0.record.value ?? 9) < ($1.record.value ?? 9) })
    let x = try #require(best.record.configuration["x"]?.numericValue)
    let result = try Self.json(dir.appendingPathComponent("out/result.json"))
    let winner = try #require(result["winner"] as? [String: Any])
    #expect(winner["trial"] as? Int == best.number)
    let test = try #require(winner["test"] as? [String: Double])
    #expect(abs((test["accuracy"] ?? 0) - (1 - abs(x - 1) / 10)) < 1e-9)
    let reported = try #require(winner["reported"] as? [String: Double])
    let rows = try Self.testRows(dir)
    #expect(rows > 30 && reported["test_rows"] == Double(rows), "iris: 150 rows, a quarter held out for the test")
    let command = try Self.json(package.appendingPathComponent("command.json"))
    #expect(command["evaluate"] as? [String] == ["python3", "evaluate.py"] && command["trial"] as? Int == best.number)
    #expect(abs(((command["configuration"] as? [String: Double])?["x"] ?? .nan) - x) < 1e-12)
    let manifest = try Self.json(package.appendingPathComponent("manifest.json"))
    let model = try #require(manifest["model"] as? [String: Any])
    let code = try #require(model["code_files"] as? [[String: Any]])
    #expect(code.compactMap { $0["path"] as? String } == ["evaluate.py", "train.py"])
    #expect(code.allSatisfy { ($0["sha256"] as? String)?.count == 64 })
    #expect((model["checkpoint_files"] as? [[String: Any]])?.compactMap { $0["path"] as? String } == ["model.txt"])
    let log = try String(contentsOf: dir.appendingPathComponent("out/logs/evaluate-winner.log"), encoding: .utf8)
    #expect(log.contains("evaluating the winner on \(rows) test rows"), "\(log)")
    let card = try String(contentsOf: package.appendingPathComponent("README.md"), encoding: .utf8)
    #expect(card.contains("- evaluate: `python3 evaluate.py`") && card.contains("✅ **accuracy ≥ 0.5**"), "\(card)")
  }

  @Test func aWorseWinnerOrAModelOnnxThatDoesNotLoad_isRejected_exit1() throws {
    let dir = try Self.experiment(
      "cmd-rejected", files: ["model.onnx.src": "this is not an ONNX model"],
      validation: #"{"gates": [{"metric": "accuracy", "min": 0.5}, {"metric": "accuracy", "min": 0.9999}]}"#)
    let r = try CommandTrialEndToEndTests.run(dir)
    #expect(r.exitCode == 1, "\(r.standardError)")
    #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("out/package").path))
    let rejected = dir.appendingPathComponent("out/rejected")
    #expect(!FileManager.default.fileExists(atPath: rejected.appendingPathComponent("model.onnx").path))
    let result = try Self.json(dir.appendingPathComponent("out/result.json"))
    // The winner is worse than the second gate asks (its test accuracy is below 1 unless x is exactly 1).
    #expect(result["failed_gates"] as? [String] == ["accuracy ≥ 0.9999", "onnx"])
    let gates = try #require(result["gates"] as? [[String: Any]])
    let detail = try #require(gates.first { $0["name"] as? String == "onnx" }?["detail"] as? String)
    #expect(detail.hasPrefix("the checkpoint's model.onnx is not an ONNX model"), "\(detail)")
  }

  @Test func champion_fromTheRegistry_isEvaluatedByItsOwnCommand_onTheSameTestFile() throws {
    let first = try Self.experiment("cmd-champion-1", validation: #"{"gates": [{"metric": "accuracy", "min": 0.5}]}"#)
    #expect(try CommandTrialEndToEndTests.run(first).exitCode == 0)
    let registry = first.appendingPathComponent("registry")
    let promoted = try HPOProcess.run(["registry", "promote", "digits", "out/package", "--registry", registry.path], in: first)
    #expect(promoted.exitCode == 0, "\(promoted.standardError)")
    // The champion's package reports a log loss of 0 (the objective); the new winner cannot beat it by 0.01.
    let second = try Self.experiment(
      "cmd-champion-2",
      validation: #"{"champion": "\#(registry.path)/digits", "min_improvement": 0.01, "gates": [{"metric": "accuracy", "min": 0.5}]}"#)
    let r = try CommandTrialEndToEndTests.run(second)
    #expect(r.exitCode == 1, "\(r.standardError)")
    let result = try Self.json(second.appendingPathComponent("out/result.json"))
    #expect(result["failed_gates"] as? [String] == ["champion"])
    let champion = try #require(result["champion"] as? [String: Any])
    #expect(champion["champion"] as? Double == 0 && champion["version"] as? String == "versions/1")
    let log = try String(contentsOf: second.appendingPathComponent("out/logs/evaluate-champion.log"), encoding: .utf8)
    #expect(log.contains("evaluating the champion on \(try Self.testRows(second)) test rows"), "\(log)")
  }

  @Test func failingEvaluate_endsTheStageWithAnErrorNamingIt_exit3_nothingReleased() throws {
    let flag = try HPOProcess.temporaryDirectory().appendingPathComponent("fail-evaluate")
    try Data().write(to: flag)
    let dir = try Self.experiment(
      "cmd-eval-fails", env: #", "env": {"FAIL_FLAG": "\#(flag.path)"}"#,
      validation: #"{"gates": [{"metric": "accuracy", "min": 0.5}]}"#)
    let r = try CommandTrialEndToEndTests.run(dir)
    #expect(r.exitCode == 3, "\(r.standardError)")
    #expect(r.standardError.contains("the winner's evaluate command failed"), "\(r.standardError)")
    #expect(r.standardError.contains("cannot load the model"))
    #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("out/package").path))
    #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("out/rejected").path))
    // Offline, the same stage runs the evaluate command on this machine.
    try FileManager.default.removeItem(at: flag)
    let again = try HPOProcess.run(["evaluate", "experiment.json"], in: dir)
    #expect(again.exitCode == 0, "\(again.standardError)")
    #expect(again.standardError.contains("evaluating the winner on \(try Self.testRows(dir)) test rows"))
    #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("out/package/checkpoint.bundle").path))
  }
}
