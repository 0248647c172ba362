import Foundation
import HPOSupervisor
import HPOTestSupport
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A supervisor of real processes (/bin/sh): restarts, budget, readiness, stop.
@Suite struct SupervisorTests {
  final class Events: Sendable {
    private let list = Mutex<[SupervisorEvent]>([])
    func add(_ e: SupervisorEvent) { list.withLock { $0.append(e) } }
    var all: [SupervisorEvent] { list.withLock { $0 } }
  }

  static let quick = RestartPolicy(maxRestarts: 2, window: .seconds(60), initialBackoff: .milliseconds(10), maxBackoff: .milliseconds(40))

  func make(_ policy: RestartPolicy = quick) throws -> (Supervisor, Events) {
    let events = Events()
    let s = try Supervisor(executable: URL(fileURLWithPath: "/bin/sh"), environment: ProcessInfo.processInfo.environment,
                           policy: policy) { events.add($0) }
    return (s, events)
  }

  func waitUntil(_ seconds: Double = 10, _ condition: () -> Bool) -> Bool {
    let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
    while ContinuousClock.now < deadline {
      if condition() { return true }
      Thread.sleep(forTimeInterval: 0.01)
    }
    return condition()
  }

  static func alive(_ pid: Int32) -> Bool {
    // kill(pid, 0) succeeds for a zombie too; a reaped child is gone.
    kill(pid, 0) == 0
  }

  @Test func aKilledChildIsRestartedWithANewPid() throws {
    let (s, events) = try make()
    defer { s.stopAll(grace: .seconds(1)) }
    let first = try s.start(.init(name: "sleeper", arguments: ["-c", "exec sleep 60"], restartable: true))
    kill(first, SIGKILL)
    #expect(waitUntil { s.runningPIDs["sleeper"].map { $0 != first } ?? false })
    #expect(s.failure == nil)
    #expect(waitUntil { events.all.count >= 4 })
    #expect(Array(events.all.prefix(3)) == [
      .started(name: "sleeper", pid: first, restart: 0),
      .exited(name: "sleeper", pid: first, termination: .signalled(signal: SIGKILL)),
      .restarting(name: "sleeper", after: .milliseconds(10), attempt: 1),
    ])
    #expect(events.all[2].description == "sleeper: restart 1 in 10 ms")
    #expect(events.all[1].description == "sleeper (pid \(first)) exited: signal 9 (SIGKILL)")
  }

  @Test func aChildThatKeepsExitingExhaustsTheBudgetAndTheReasonSaysSo() throws {
    let (s, events) = try make()
    defer { s.stopAll(grace: .seconds(1)) }
    try s.start(.init(name: "crasher", arguments: ["-c", "exit 7"], restartable: true))
    #expect(waitUntil { s.failure != nil })
    #expect(s.failure == "crasher exited 3 times within 60 s (last: exit status 7); giving up")
    #expect(waitUntil { events.all.contains { if case .gaveUp = $0 { return true } else { return false } } })
    let starts = events.all.filter { if case .started = $0 { return true } else { return false } }
    #expect(starts.count == 3, "the first start and two restarts: \(events.all)")
  }

  @Test func anEssentialChildsExitIsTheFailureAndItIsNotRestarted() throws {
    let (s, events) = try make()
    defer { s.stopAll(grace: .seconds(1)) }
    try s.start(.init(name: "coordinator", arguments: ["-c", "exit 3"], restartable: false))
    #expect(waitUntil { s.failure != nil })
    #expect(s.failure == "the coordinator exited (exit status 3)")
    Thread.sleep(forTimeInterval: 0.1)
    #expect(events.all.filter { if case .started = $0 { return true } else { return false } }.count == 1)
  }

  @Test func readinessIsTheFirstLineWithThePrefix() throws {
    let (s, _) = try make()
    defer { s.stopAll(grace: .seconds(1)) }
    let line = try s.startAndWaitForLine(
      .init(name: "server", arguments: ["-c", "echo starting; echo listening on ipc:///x; exec sleep 60"], restartable: false),
      prefix: "listening on", timeout: .seconds(10))
    #expect(line == "listening on ipc:///x")
  }

  @Test func aChildThatExitsBeforeItIsReadyIsReportedWithItsStatusAtOnce() throws {
    let (s, _) = try make()
    defer { s.stopAll(grace: .seconds(1)) }
    let started = ContinuousClock.now
    let error = #expect(throws: SupervisorError.self) {
      try s.startAndWaitForLine(.init(name: "coordinator", arguments: ["-c", "sleep 0.2; exit 3"], restartable: false),
                                prefix: "listening on", timeout: .seconds(30))
    }
    guard case .exitedBeforeReady(let name, _, let termination) = error else {
      Issue.record("unexpected \(String(describing: error))")
      return
    }
    #expect(name == "coordinator" && termination == .exited(status: 3))
    #expect(ContinuousClock.now - started < .seconds(10), "not the readiness timeout")
  }

  @Test func stopAllTerminatesThenKillsWhatIgnoresSIGTERMAndRestartsNothing() throws {
    let (s, events) = try make()
    let polite = try s.start(.init(name: "polite", arguments: ["-c", "exec sleep 60"], restartable: true))
    let stubborn = try s.start(.init(name: "stubborn", arguments: ["-c", "trap '' TERM; while :; do sleep 0.05; done"], restartable: true))
    Thread.sleep(forTimeInterval: 0.2)  // let the shell install its trap
    let started = ContinuousClock.now
    s.stopAll(grace: .milliseconds(500))
    #expect(ContinuousClock.now - started >= .milliseconds(500), "the stubborn child had its grace period")
    #expect(!Self.alive(polite) && !Self.alive(stubborn))
    #expect(s.runningPIDs.isEmpty)
    #expect(s.failure == nil, "children stopped on purpose are no failure")
    #expect(!events.all.contains { if case .restarting = $0 { return true } else { return false } })
  }

  /// A child marked `stopsLast` gets its SIGTERM only once the others have
  /// ended: here it records, on SIGTERM, whether the other child's file says
  /// it had already exited.
  @Test func stopAll_stopsTheChildMarkedLastAfterTheOthers() throws {
    let (s, _) = try make()
    let dir = try TempDir()
    defer { dir.cleanup() }
    let gone = dir.path("worker-gone"), seen = dir.path("seen")
    try s.start(.init(
      name: "coordinator", arguments: ["-c", "trap 'test -e \(gone) && echo after > \(seen) || echo before > \(seen); exit 0' TERM; while :; do sleep 0.02; done"],
      restartable: false, stopsLast: true))
    try s.start(.init(
      name: "worker", arguments: ["-c", "trap 'sleep 0.3; touch \(gone); exit 0' TERM; while :; do sleep 0.02; done"], restartable: true))
    Thread.sleep(forTimeInterval: 0.2)  // let the shells install their traps
    s.stopAll(grace: .seconds(5))
    #expect(try String(contentsOfFile: seen, encoding: .utf8) == "after\n", "the coordinator was signalled before the worker ended")
    #expect(s.runningPIDs.isEmpty)
  }

  @Test func childrenReadEndOfFileOnlyWhenTheLifelineCloses() throws {
    // While this process lives, a child reading its standard input blocks (the lifeline is open).
    let (s, _) = try make()
    defer { s.stopAll(grace: .seconds(1)) }
    let pid = try s.start(.init(name: "reader", arguments: ["-c", "cat; exit 9"], restartable: false))
    Thread.sleep(forTimeInterval: 0.3)
    #expect(Self.alive(pid) && s.failure == nil, "cat is still waiting on the open lifeline")
  }
}
