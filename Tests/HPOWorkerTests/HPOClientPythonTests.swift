import Foundation
import HPOCore
import HPOTestSupport
import HPOWorker
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `import hpo_client` in a real Python script: reports and decisions over the
/// report socket, final metrics, infeasible, the environment helpers, metric
/// checks, and the script run by hand without hpo.
@Suite struct HPOClientPythonTests {
  static let train = """
    import sys
    import hpo_client

    p = hpo_client.params()
    print("lr", p["lr"], "trial", hpo_client.trial(), "seed", hpo_client.seed(), "resume", hpo_client.resume_dir())
    for epoch in range(1, 6):
        loss = p["lr"] / epoch
        if hpo_client.report(epoch, {"loss": loss, "epoch_time": 1}):
            print("stopped at", epoch)
            sys.exit(0)
    hpo_client.final({"loss": 0.001})
    """

  static func environment(_ f: CommandFixture) throws -> [String: String] {
    ["PYTHONPATH": try HPOClientPython.install(in: f.dir.url.path), "HPO_PARAMS": #"{"lr": 0.5}"#,
     "HPO_TRIAL": "7", "HPO_SEED": "42"]
  }

  @Test func aPythonScript_reportsOverTheSocket_andIsPruned() throws {
    let f = try CommandFixture()
    defer { f.dir.cleanup() }
    try f.script("train.py", Self.train)
    let r = CommandRecorder()
    let launch = try f.launch(["python3", "train.py"], extra: try Self.environment(f))
    let result = try CommandProcess(launch).run(handlers: r.handlers { $0 < 3 })
    #expect(result.outcome == .pruned, "\(result.standardErrorTail)")
    #expect(r.decided.map(\.0) == [1, 2, 3])
    #expect(r.decided.first?.1 == ["loss": 0.5, "epoch_time": 1])
    #expect(r.standardOutputText == "lr 0.5 trial 7 seed 42 resume None\nstopped at 3\n")
    #expect(r.malformed.isEmpty)
  }

  @Test func aPythonScript_thatRunsToTheEnd_sendsItsFinalMetrics() throws {
    let f = try CommandFixture()
    defer { f.dir.cleanup() }
    try f.script("train.py", Self.train)
    let launch = try f.launch(["python3", "train.py"], extra: try Self.environment(f))
    let result = try CommandProcess(launch).run(handlers: CommandRecorder().handlers())
    #expect(result.outcome == .finished, "\(result.standardErrorTail)")
    #expect(result.reports == 5)
    #expect(result.finalMetrics == ["loss": 0.001])
  }

  @Test func infeasible_sendsTheReasonAndExits78() throws {
    let f = try CommandFixture()
    defer { f.dir.cleanup() }
    try f.script("train.py", "import hpo_client\nhpo_client.infeasible('max_depth > n_features')\nprint('not reached')\n")
    let r = CommandRecorder()
    let launch = try f.launch(["python3", "train.py"], extra: try Self.environment(f))
    let result = try CommandProcess(launch).run(handlers: r.handlers())
    #expect(result.outcome == .infeasible(reason: "max_depth > n_features"), "\(result.standardErrorTail)")
    #expect(r.standardOutputText == "")
  }

  @Test func badMetricsAndEpochs_raiseNamingTheProblem() throws {
    let f = try CommandFixture()
    defer { f.dir.cleanup() }
    try f.script("check.py", """
      import hpo_client
      for epoch, metrics in [(1, {"loss": float("nan")}), (1, {"acc": "high"}), (0, {}), (True, {}), (1, {"ok": True})]:
          try:
              hpo_client.report(epoch, metrics)
              print("accepted")
          except ValueError as e:
              print(e)
      """)
    let r = CommandRecorder()
    let launch = try f.launch(["python3", "check.py"], extra: try Self.environment(f))
    let result = try CommandProcess(launch).run(handlers: r.handlers())
    #expect(result.outcome == .finished, "\(result.standardErrorTail)")
    #expect(r.standardOutputText == """
      metric 'loss' must be finite, got nan
      metric 'acc' must be a number, got 'high'
      epoch must be an integer >= 1, got 0
      epoch must be an integer >= 1, got True
      metric 'ok' must be a number, got True

      """)
    #expect(r.decided.isEmpty, "nothing invalid reaches the worker")
  }

  @Test func byHand_withoutHPO_reportsNeverStop_andItWarnsOnce() throws {
    let f = try CommandFixture()
    defer { f.dir.cleanup() }
    try f.script("train.py", Self.train)
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    p.arguments = ["python3", "train.py"]
    p.currentDirectoryURL = f.dir.url
    p.environment = [
      "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
      "PYTHONPATH": try HPOClientPython.install(in: f.dir.url.path), "HPO_PARAMS": #"{"lr": 0.5}"#,
    ]
    let out = Pipe(), err = Pipe()
    p.standardOutput = out
    p.standardError = err
    try p.run()
    let errors = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    let output = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    p.waitUntilExit()
    #expect(p.terminationStatus == 0)
    #expect(output == "lr 0.5 trial None seed None resume None\n")
    #expect(errors.components(separatedBy: "HPO_REPORT_FD is not set").count == 2, "one warning: \(errors)")
    #expect(errors.contains(#"hpo_client: {"type":"report","epoch":5,"metrics":{"loss":0.1,"epoch_time":1.0}}"#), "\(errors)")
  }

  @Test func aMalformedLineOnTheSocket_isReported_andTheTrialGoesOn() throws {
    let f = try CommandFixture()
    defer { f.dir.cleanup() }
    try f.script("raw.py", """
      import os, hpo_client
      os.write(3, b"hello\\n@@hpo {\\"type\\":\\"report\\",\\"epoch\\":\\"one\\"}\\n")
      print(hpo_client.report(1, {"loss": 2}))
      """)
    let r = CommandRecorder()
    let launch = try f.launch(["python3", "raw.py"], extra: try Self.environment(f))
    let result = try CommandProcess(launch).run(handlers: r.handlers { _ in false })
    #expect(result.outcome == .pruned, "\(result.standardErrorTail)")
    #expect(r.malformed.map(\.line) == ["hello", #"@@hpo {"type":"report","epoch":"one"}"#])
    #expect(r.malformed.map(\.reason) == [#"does not start with "@@hpo ""#, #""epoch" must be an integer >= 1, got "one""#])
    #expect(r.malformed.allSatisfy { $0.channel == .reportSocket })
    #expect(r.standardOutputText == "True\n")
  }

  @Test func install_writesTheModuleOnce_inAFolderNamedByItsHash() throws {
    let f = try CommandFixture()
    defer { f.dir.cleanup() }
    let first = try HPOClientPython.install(in: f.dir.url.path)
    let second = try HPOClientPython.install(in: f.dir.url.path)
    #expect(first == second)
    #expect(first.hasPrefix(f.dir.url.path + "/hpo-client-"))
    let text = try String(contentsOfFile: first + "/hpo_client.py", encoding: .utf8)
    #expect(text == HPOClientPython.source)
    #expect(try FileManager.default.contentsOfDirectory(atPath: first) == ["hpo_client.py"], "no temporary left behind")
  }
}
