import Foundation
@testable import HPOSupervisor
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The child subreaper, in a process of its own (an exit test): becoming a subreaper
/// changes who adopts orphans for the whole process, and reaping takes any zombie child.
@Suite struct ChildSubreaperTests {
  @Test func anOrphanedGrandchildIsAdoptedAndThenReaped() async {
    await #expect(processExitsWith: .success) {
      guard case .success = ChildSubreaper.enable() else { exit(10) }
      // sh starts sleep in the background, prints its pid and exits: sleep is orphaned. (Short:
      // the exit test's harness waits for whatever holds a copy of its pipes.)
      let shell = Process()
      shell.executableURL = URL(fileURLWithPath: "/bin/sh")
      shell.arguments = ["-c", "sleep 3 >/dev/null 2>&1 & echo $!"]
      let out = Pipe()
      shell.standardOutput = out
      do { try shell.run() } catch { exit(11) }
      // One line, not to the end of file: sleep may hold an inherited copy of the pipe.
      var bytes = Data()
      while !bytes.contains(UInt8(ascii: "\n")) {
        let chunk = out.fileHandleForReading.availableData
        if chunk.isEmpty { break }
        bytes.append(chunk)
      }
      shell.waitUntilExit()
      let text = String(decoding: bytes, as: UTF8.self)
      guard let orphan = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)) else { exit(12) }
      // Adopted by this process, not by PID 1.
      guard let stat = try? String(contentsOfFile: "/proc/\(orphan)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")"),
            Int32(stat[stat.index(after: close)...].split(separator: " ")[1]) == getpid() else { exit(13) }
      kill(orphan, SIGKILL)
      let deadline = ContinuousClock.now + .seconds(10)
      while !ChildSubreaper.zombieChildren(of: getpid()).contains(orphan), ContinuousClock.now < deadline {
        usleep(10_000)
      }
      guard ChildSubreaper.zombieChildren(of: getpid()).contains(orphan) else { exit(14) }
      // Reaped: no zombie left, the pid is gone.
      guard ChildSubreaper.reapOrphans(sparing: []) == [orphan] else { exit(15) }
      guard kill(orphan, 0) != 0, !ChildSubreaper.zombieChildren(of: getpid()).contains(orphan) else { exit(16) }
      exit(0)
    }
  }

  @Test func reapingSparesThePidsItIsTold() async {
    await #expect(processExitsWith: .success) {
      let child = Process()
      child.executableURL = URL(fileURLWithPath: "/bin/sh")
      child.arguments = ["-c", "exit 0"]
      do { try child.run() } catch { exit(11) }
      let pid = child.processIdentifier
      let deadline = ContinuousClock.now + .seconds(10)
      // Foundation reaps its own child; until then the reaper must leave it alone.
      while ContinuousClock.now < deadline, child.isRunning {
        guard ChildSubreaper.reapOrphans(sparing: [pid]).isEmpty else { exit(12) }
        usleep(1_000)
      }
      guard !child.isRunning, child.terminationStatus == 0 else { exit(13) }
      exit(0)
    }
  }
}
