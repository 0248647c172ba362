import Foundation
import HPOCore
import HPOData
import HPOTestSupport
import HPOWorker
import Testing

/// A package's command run on this machine (what `hpo predict` and an offline
/// evaluate of a command experiment use), with real processes under the built
/// `hpo` as their guard.
struct PackageCommandRunTests {
  /// Bundles of `files` (path → text) in a temporary folder.
  static func bundle(_ files: [String: String], in dir: TempDir, name: String) throws -> FileBundle {
    let root = dir.url.appendingPathComponent(name)
    for (path, text) in files {
      let url = root.appendingPathComponent(path)
      try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
      try text.write(to: url, atomically: true, encoding: .utf8)
    }
    try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
    return try FileBundle.pack(directory: root.path)
  }

  static func command(timeout: Double? = nil) -> PackagedCommand {
    PackagedCommand(
      experiment: "cmd", trial: 3, seed: 99,
      configuration: Configuration(["lr": .float(0.5), "depth": .int(4), "act": .string("relu")]),
      command: CommandSpec(
        train: ["python3", "train.py"], evaluate: ["python3", "evaluate.py"], workdir: ".",
        env: ["MY_SETTING": "on"], timeoutSeconds: timeout))
  }

  static let evaluate = """
    import json, os, stat, sys
    import hpo_client
    from tools.data import count
    facts = {
        "params": os.environ["HPO_PARAMS"],
        "params_file": open(os.environ["HPO_PARAMS_FILE"]).read(),
        "seed": os.environ["HPO_SEED"], "trial": os.environ["HPO_TRIAL"],
        "experiment": os.environ["HPO_EXPERIMENT"], "setting": os.environ["MY_SETTING"],
        "cwd": os.getcwd(), "test": os.environ["HPO_TEST"],
        "inherited": sorted(k for k in os.environ if k.startswith("HPO_") and k not in (
            "HPO_PARAMS", "HPO_PARAMS_FILE", "HPO_SEED", "HPO_TRIAL", "HPO_EXPERIMENT",
            "HPO_CHECKPOINT_DIR", "HPO_REPORT_FD", "HPO_TEST")),
        "checkpoint": open(os.path.join(os.environ["HPO_CHECKPOINT_DIR"], "model", "w.txt")).read(),
        "checkpoint_mode": stat.S_IMODE(os.stat(os.path.join(os.environ["HPO_CHECKPOINT_DIR"], "model", "w.txt")).st_mode),
    }
    with open(os.environ["FACTS"], "w") as f:
        json.dump(facts, f)
    hpo_client.report(1, {"rmse": 9.0})
    hpo_client.final({"rmse": count(os.environ["HPO_TEST"])})

    """

  @Test func evaluateLikeRun_getsThePackagesEnvironment_andReturnsTheFinalMetrics() throws {
    let dir = try TempDir()
    defer { dir.cleanup() }
    let code = try Self.bundle(
      ["evaluate.py": Self.evaluate, "tools/data.py": "def count(path):\n    return float(len(open(path).read().split()))\n"],
      in: dir, name: "code")
    let checkpoint = try Self.bundle(["model/w.txt": "0.25"], in: dir, name: "checkpoint")
    let run = try PackageCommandRun.prepare(
      command: Self.command(), code: code, checkpoint: checkpoint, temporaryDirectory: dir.url.path,
      guardExecutable: try CommandFixture.guardExecutable())
    let test = dir.path("test.csv")
    try "a\n1\n2\n".write(toFile: test, atomically: true, encoding: .utf8)
    let facts = dir.path("facts.json")
    var log: [UInt8] = []
    let result = try run.run(
      ["python3", "evaluate.py"], adding: ["HPO_TEST": test, "FACTS": facts], output: { _, bytes in log += bytes })
    #expect(PackageCommandRun.failure(of: result) == nil, "\(String(decoding: log, as: UTF8.self))")
    #expect(result.metrics == ["rmse": 3])
    let seen = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: facts))) as? [String: Any])
    #expect(seen["params"] as? String == #"{"act":"relu","depth":4,"lr":0.5}"#)
    #expect(seen["params_file"] as? String == seen["params"] as? String)
    #expect(seen["seed"] as? String == "99")
    #expect(seen["trial"] as? String == "3")
    #expect(seen["experiment"] as? String == "cmd")
    #expect(seen["setting"] as? String == "on")
    #expect(seen["test"] as? String == test)
    // hpo's protocol variables are never inherited; the caller's own HPO_* variables (CI sets HPO_BIN) pass through.
    let passedThrough = ProcessInfo.processInfo.environment.keys
      .filter { $0.hasPrefix("HPO_") && !PackageCommandRun.protocolVariables.contains($0) }.sorted()
    #expect(seen["inherited"] as? [String] == passedThrough)
    #expect(seen["checkpoint"] as? String == "0.25")
    #expect(seen["checkpoint_mode"] as? Int == 0o444)
    #expect((seen["cwd"] as? String).map { URL(fileURLWithPath: $0).resolvingSymlinksInPath().path }
      == URL(fileURLWithPath: run.runDirectory).resolvingSymlinksInPath().path)
    // The folder is private, and gone after remove().
    var info = stat()
    #expect(stat(run.folder, &info) == 0 && info.st_mode & 0o777 == 0o700)
    try run.remove()
    #expect(!FileManager.default.fileExists(atPath: run.folder))
  }

  @Test func failure_namesTheExitStatusAndTheLastLine_orTheTimeout() throws {
    let dir = try TempDir()
    defer { dir.cleanup() }
    let code = try Self.bundle(
      ["fail.sh": "echo working >&2\necho 'it broke' >&2\nexit 4\n", "slow.sh": "sleep 30\n"], in: dir, name: "code")
    let checkpoint = try Self.bundle([:], in: dir, name: "checkpoint")
    let run = try PackageCommandRun.prepare(
      command: Self.command(timeout: 0.5), code: code, checkpoint: checkpoint, temporaryDirectory: dir.url.path,
      guardExecutable: try CommandFixture.guardExecutable())
    // A folder left in the test's own temporary folder goes with it.
    defer { try? run.remove() }
    let failed = try run.run(["sh", "fail.sh"], adding: [:], output: { _, _ in })
    #expect(PackageCommandRun.failure(of: failed) == "exit status 4: it broke")
    let slow = try run.run(["sh", "slow.sh"], adding: [:], output: { _, _ in })
    #expect(PackageCommandRun.failure(of: slow) == "timed out after 0.5 s (timeout_seconds in command.json)")
    #expect(throws: PackageCommandError.self) { try run.run(["no-such-program-hpo"], adding: [:], output: { _, _ in }) }
  }
}
