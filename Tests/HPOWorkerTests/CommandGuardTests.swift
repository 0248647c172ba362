import Foundation
import HPOTestSupport
@testable import HPOWorker
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `hpo command-guard`: when the worker's end of the lifeline closes (the
/// worker died, SIGKILL included), the command's whole process group dies
/// within a second; the guard passes the command's end on as its own.
@Suite struct CommandGuardTests {
  @Test func closingTheLifeline_killsTheWholeGroup_grandchildrenIncluded() throws {
    let f = try CommandFixture()
    defer { f.dir.cleanup() }
    try f.script("tree.sh", """
      #!/bin/sh
      trap '' TERM
      sleep 1000 &
      echo $! > tree.pid
      echo $$ >> tree.pid
      sleep 1000
      """)
    var spawned = try CommandSpawner.spawn(try f.launch(["./tree.sh"]))
    defer { spawned.closeAll() }
    // Until the script has written both pids.
    let deadline = ContinuousClock.now + .seconds(5)
    while ((try? f.pids("tree.pid")) ?? []).count < 2, ContinuousClock.now < deadline { Thread.sleep(forTimeInterval: 0.01) }
    let pids = try f.pids("tree.pid")
    try #require(pids.count == 2)
    #expect(pids.allSatisfy(isRunning))
    // Only the guard holds the lifeline (its read end, at fd 4): were it leaked into the command,
    // the pipe would outlive the worker and nothing would end the group.
    var info = stat()
    try #require(fstat(spawned.lifeline, &info) == 0)
    let lifeline = "pipe:[\(info.st_ino)]"
    #expect(Self.descriptors(of: spawned.pid, pointingTo: lifeline) == ["4"])
    for pid in pids { #expect(Self.descriptors(of: pid, pointingTo: lifeline).isEmpty, "pid \(pid) holds the lifeline") }

    // What the kernel does when a worker dies: its end of the lifeline closes.
    let closed = ContinuousClock.now
    close(spawned.lifeline)
    spawned.lifeline = -1
    var status: Int32 = 0
    var reaped: Int32 = 0
    while reaped == 0 && ContinuousClock.now - closed < .seconds(1) {
      reaped = waitpid(spawned.pid, &status, WNOHANG)
      if reaped == 0 { Thread.sleep(forTimeInterval: 0.005) }
    }
    #expect(reaped == spawned.pid, "the guard still runs 1 s after the lifeline closed")
    #expect(status & 0x7F == SIGKILL, "the guard ends by SIGKILL to its group")
    #expect(waitUntilGone(pids, limit: .seconds(1) - (ContinuousClock.now - closed)).isEmpty,
            "the script or its background sleep outlived the worker by 1 s")
    if reaped != spawned.pid { _ = kill(-spawned.pid, SIGKILL) }
  }

  /// The descriptors of process `pid` that point to `target` ("pipe:[1234]").
  static func descriptors(of pid: Int32, pointingTo target: String) -> [String] {
    let folder = "/proc/\(pid)/fd"
    let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []  // gone: it holds nothing
    return names.filter { (try? FileManager.default.destinationOfSymbolicLink(atPath: folder + "/" + $0)) == target }.sorted()
  }

  /// SIGTERM at once: it reaches the guard while it starts up, before or after it set its
  /// handlers, or the script; in every case the run ends by SIGTERM, with no SIGKILL 10 s later.
  @Test func aTimeoutAtOnce_endsTheRunBySIGTERM_whereverTheGuardWas() throws {
    let f = try CommandFixture()
    defer { f.dir.cleanup() }
    try f.script("slow.sh", "#!/bin/sh\nsleep 30\n")
    // The group gets SIGTERM as soon as it exists: most often before the guard has started the script.
    let result = try CommandProcess(try f.launch(["./slow.sh"], timeout: .zero, killGrace: .seconds(10)))
      .run(handlers: CommandRecorder().handlers())
    #expect(result.termination == .signalled(signal: SIGTERM))
    #expect(!result.killed)
    #expect(result.duration < .seconds(5))
  }

  @Test func theGuard_refusesBadArguments() throws {
    let hpo = try CommandFixture.guardExecutable()
    let (status, output) = try runProgram([hpo, "command-guard", "--lifeline-fd", "4", "--executable", "/bin/true"], in: "/")
    #expect(status == 2)
    #expect(output.contains("Missing expected argument '-- <arguments> ...'"), "\(output)")
  }

  @Test func runningExecutable_isThisProcesssProgram() throws {
    let path = try #require(CommandLaunch.runningExecutable)
    #expect(FileManager.default.isExecutableFile(atPath: path), "\(path)")
    #expect(path.hasPrefix("/"))
  }

  @Test func theGuard_isHiddenFromHelp() throws {
    let hpo = try CommandFixture.guardExecutable()
    let (status, output) = try runProgram([hpo, "--help"], in: "/")
    #expect(status == 0)
    #expect(!output.contains("command-guard"))
  }
}
