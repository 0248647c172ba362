import Foundation
import HPOCore
import HPOTestSupport
import HPOWorker
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A real command (a shell script) run through the built `hpo` as its guard:
/// the stdout protocol both ways, pruning with and without the command's
/// help, timeouts, exit codes, the stderr tail, malformed lines and missing
/// programs.
@Suite struct CommandProcessTests {
  /// Reports epochs 1…3 on stdout, reads each answer on stdin, exits 0 on "stop", else sends final metrics.
  static let reporter = """
    #!/bin/sh
    for e in 1 2 3; do
      echo "log line $e"
      echo "@@hpo {\\"type\\":\\"report\\",\\"epoch\\":$e,\\"metrics\\":{\\"loss\\":0.$e}}"
      read answer
      echo "epoch $e: $answer" >&2
      [ "$answer" = stop ] && exit 0
    done
    echo '@@hpo {"type":"final","metrics":{"loss":0.05}}'
    """

  @Test func stdoutReports_getAnswersOnStdin_andTheTrialFinishes() throws {
    let f = try CommandFixture()
    defer { f.dir.cleanup() }
    try f.script("train.sh", Self.reporter)
    let r = CommandRecorder()
    let result = try CommandProcess(try f.launch(["./train.sh"])).run(handlers: r.handlers())
    #expect(result.outcome == .finished)
    #expect(result.termination == .exited(status: 0))
    #expect(r.decided.map(\.0) == [1, 2, 3])
    #expect(r.decided.last?.1 == ["loss": 0.3])
    #expect(result.reports == 3)
    #expect(result.lastReport == CommandReport(epoch: 3, metrics: ["loss": 0.3]))
    #expect(result.finalMetrics == ["loss": 0.05])
    #expect(result.metrics == ["loss": 0.05])
    #expect(r.standardOutputText == "log line 1\nlog line 2\nlog line 3\n", "protocol lines are not log")
    #expect(result.standardErrorTail == "epoch 1: continue\nepoch 2: continue\nepoch 3: continue\n")
    #expect(!result.stoppedByDecision && !result.terminated && !result.killed && !result.timedOut)
  }

  @Test func aStopDecision_theScriptExits_pruned() throws {
    let f = try CommandFixture()
    defer { f.dir.cleanup() }
    try f.script("train.sh", Self.reporter)
    let r = CommandRecorder()
    let result = try CommandProcess(try f.launch(["./train.sh"])).run(handlers: r.handlers { $0 < 2 })
    #expect(result.outcome == .pruned)
    #expect(result.stoppedByDecision)
    #expect(result.reports == 2)
    #expect(result.lastReport?.epoch == 2)
    #expect(result.standardErrorTail == "epoch 1: continue\nepoch 2: stop\n")
    #expect(!result.terminated && !result.killed, "it exited by itself within the grace")
    #expect(result.duration < .seconds(5))
  }

  @Test func aScriptIgnoringStop_getsSIGTERMThenSIGKILL_stillPruned() throws {
    let f = try CommandFixture()
    defer { f.dir.cleanup() }
    // Ignores SIGTERM (its `sleep`s inherit that) and never exits by itself.
    try f.script("stubborn.sh", """
      #!/bin/sh
      trap '' TERM
      echo '@@hpo {"type":"report","epoch":1,"metrics":{"loss":1}}'
      read answer
      echo "told to $answer; staying" >&2
      while :; do sleep 0.05; done
      """)
    let launch = try f.launch(["./stubborn.sh"], stopGrace: .milliseconds(300), killGrace: .milliseconds(300))
    let result = try CommandProcess(launch).run(handlers: CommandRecorder().handlers { _ in false })
    #expect(result.outcome == .pruned)
    #expect(result.terminated && result.killed)
    #expect(result.termination == .signalled(signal: SIGKILL))
    #expect(result.standardErrorTail.contains("told to stop; staying"))
    #expect(result.duration >= .milliseconds(600) && result.duration < .seconds(5), "\(result.duration)")
  }

  @Test func aHangingScript_isKilledAtItsTimeout() throws {
    let f = try CommandFixture()
    defer { f.dir.cleanup() }
    try f.script("hang.sh", "#!/bin/sh\nsleep 30\n")
    let result = try CommandProcess(try f.launch(["./hang.sh"], timeout: .milliseconds(400)))
      .run(handlers: CommandRecorder().handlers())
    #expect(result.outcome == .timedOut(after: .milliseconds(400)))
    // SIGTERM ends it, even when it came before the guard had started the script (then the guard passes it on).
    #expect(result.timedOut && result.terminated && !result.killed)
    #expect(result.termination == .signalled(signal: SIGTERM))
    #expect(result.duration >= .milliseconds(400) && result.duration < .seconds(5))
  }

  struct ExitCase: CustomTestStringConvertible, Sendable {
    let script: String
    let outcome: CommandOutcome
    let termination: CommandTermination
    var testDescription: String { script.split(separator: "\n").last.map(String.init) ?? script }
  }

  static let exitCases: [ExitCase] = [
    ExitCase(script: "exit 0", outcome: .finished, termination: .exited(status: 0)),
    ExitCase(script: "exit 75", outcome: .retry, termination: .exited(status: 75)),
    ExitCase(script: "echo 'the GPU is busy' >&2\necho '  max_depth > n_features  ' >&2\necho >&2\nexit 78",
             outcome: .infeasible(reason: "max_depth > n_features"), termination: .exited(status: 78)),
    ExitCase(script: "echo '@@hpo {\"type\":\"infeasible\",\"reason\":\"lr too big\"}'\necho other >&2\nexit 78",
             outcome: .infeasible(reason: "lr too big"), termination: .exited(status: 78)),
    ExitCase(script: "exit 78", outcome: .infeasible(reason: "exit status 78"), termination: .exited(status: 78)),
    ExitCase(script: "exit 1", outcome: .failed(reason: "exit status 1"), termination: .exited(status: 1)),
    ExitCase(script: "ulimit -c 0\nkill -SEGV $$", outcome: .failed(reason: "signal 11 (SIGSEGV)"), termination: .signalled(signal: SIGSEGV)),
  ]

  @Test(arguments: exitCases) func exitCodes_mapToOutcomes(_ c: ExitCase) throws {
    let f = try CommandFixture()
    defer { f.dir.cleanup() }
    try f.script("run.sh", "#!/bin/sh\n" + c.script + "\n")
    let result = try CommandProcess(try f.launch(["./run.sh"])).run(handlers: CommandRecorder().handlers())
    #expect(result.outcome == c.outcome)
    #expect(result.termination == c.termination)
  }

  @Test func theStderrTail_isTheLast4KB() throws {
    let f = try CommandFixture()
    defer { f.dir.cleanup() }
    try f.script("noisy.sh", """
      #!/bin/sh
      echo FIRST >&2
      i=0
      while [ $i -lt 300 ]; do echo "line $i: some words to fill the error stream" >&2; i=$((i+1)); done
      echo "Traceback: it broke" >&2
      exit 1
      """)
    let r = CommandRecorder()
    let result = try CommandProcess(try f.launch(["./noisy.sh"])).run(handlers: r.handlers())
    #expect(result.outcome == .failed(reason: "exit status 1"))
    #expect(r.standardErrorBytes > 12_000)
    #expect(result.standardErrorTail.utf8.count == 4096)
    #expect(result.standardErrorTail.hasSuffix("line 299: some words to fill the error stream\nTraceback: it broke\n"))
    #expect(!result.standardErrorTail.contains("FIRST"))
  }

  @Test func malformedLines_goToTheHandlerWithTheLine_andTheTrialGoesOn() throws {
    let f = try CommandFixture()
    defer { f.dir.cleanup() }
    try f.script("sloppy.sh", """
      #!/bin/sh
      echo '@@hpo not json'
      echo '@@hpo {"type":"bogus"}'
      echo '@@hpo {"type":"report","epoch":0,"metrics":{}}'
      python3 -c 'print("@@hpo " + "x" * 70000)'
      echo '@@hpo {"type":"report","epoch":1,"metrics":{"loss":0.5}}'
      read answer
      echo "answer: $answer"
      """)
    let r = CommandRecorder()
    let result = try CommandProcess(try f.launch(["./sloppy.sh"])).run(handlers: r.handlers())
    #expect(result.outcome == .finished)
    #expect(result.malformedLines == 4)
    #expect(r.malformed.map(\.line.utf8.count).last == 200)
    #expect(r.malformed.prefix(3).map(\.line) == [
      "@@hpo not json", #"@@hpo {"type":"bogus"}"#, #"@@hpo {"type":"report","epoch":0,"metrics":{}}"#,
    ])
    #expect(r.malformed.map(\.reason).last == "longer than 65536 bytes")
    #expect(r.malformed.allSatisfy { $0.channel == .standardOutput })
    #expect(r.decided.map(\.0) == [1])
    #expect(r.standardOutputText == "answer: continue\n")
  }

  @Test func aGrandchild_doesNotOutliveTheTrial() throws {
    let f = try CommandFixture()
    defer { f.dir.cleanup() }
    try f.script("daemon.sh", "#!/bin/sh\nsleep 1000 &\necho $! > sleeper.pid\nexit 0\n")
    let result = try CommandProcess(try f.launch(["./daemon.sh"])).run(handlers: CommandRecorder().handlers())
    #expect(result.outcome == .finished)
    let pids = try f.pids("sleeper.pid")
    #expect(pids.count == 1)
    #expect(waitUntilGone(pids).isEmpty, "the background sleep of a finished trial still runs")
  }

  @Test func aRaisedStopSignal_endsTheCommand_cancelled() throws {
    let f = try CommandFixture()
    defer { f.dir.cleanup() }
    try f.script("long.sh", "#!/bin/sh\nsleep 30\n")
    let stop = StopSignal()
    DispatchQueue.global().asyncAfter(deadline: .now() + 0.3) { stop.raise("SIGTERM") }
    let result = try CommandProcess(try f.launch(["./long.sh"])).run(stop: stop, handlers: CommandRecorder().handlers())
    #expect(result.outcome == .cancelled(reason: "SIGTERM"))
    #expect(result.terminated)
    #expect(result.duration < .seconds(5))
  }

  @Test func anUrgentStopSignal_killsAtOnce() throws {
    let f = try CommandFixture()
    defer { f.dir.cleanup() }
    try f.script("long.sh", "#!/bin/sh\ntrap '' TERM\nsleep 30\n")
    let stop = StopSignal()
    stop.raise("the coordinator is gone", urgent: true)
    let result = try CommandProcess(try f.launch(["./long.sh"])).run(stop: stop, handlers: CommandRecorder().handlers())
    #expect(result.outcome == .cancelled(reason: "the coordinator is gone"))
    #expect(result.killed && !result.terminated)
    #expect(result.termination == .signalled(signal: SIGKILL))
    #expect(result.duration < .seconds(2))
  }

  @Test func aDecisionThatThrows_endsTheCommand_andIsRethrown() throws {
    struct Lost: Error {}
    let f = try CommandFixture()
    defer { f.dir.cleanup() }
    try f.script("train.sh", Self.reporter + "\nsleep 30\n")
    let start = ContinuousClock.now
    #expect(throws: Lost.self) {
      try CommandProcess(try f.launch(["./train.sh"])).run(handlers: CommandRecorder().handlers { _ in throw Lost() })
    }
    #expect(ContinuousClock.now - start < .seconds(5))
  }

  @Test func aMissingCommand_isAClearError() throws {
    let f = try CommandFixture()
    defer { f.dir.cleanup() }
    let missing = #expect(throws: CommandError.self) {
      try CommandProcess(try f.launch(["no-such-program-hpo"])).run(handlers: CommandRecorder().handlers())
    }
    #expect(missing?.description.hasPrefix("not found: no-such-program-hpo (no executable named no-such-program-hpo on PATH=") == true,
            "\(String(describing: missing))")
    try "print(1)\n".write(toFile: f.dir.path("train.py"), atomically: true, encoding: .utf8)
    let notExecutable = #expect(throws: CommandError.self) {
      try CommandProcess(try f.launch(["./train.py"])).run(handlers: CommandRecorder().handlers())
    }
    #expect(notExecutable?.description.hasPrefix("not found: ./train.py (\(f.dir.url.path)/./train.py is not an executable file") == true,
            "\(String(describing: notExecutable))")
  }
}
