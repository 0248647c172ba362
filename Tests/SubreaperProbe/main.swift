// The subreaper probe (a test helper, not shipped): what `hpo run` does with
// a grandchild its child orphans. It makes itself a child subreaper (unless
// `--no-subreaper`), starts `/bin/sh`, which starts `sleep` in the background
// and exits; the orphaned `sleep` is then re-parented to this process (or,
// without the subreaper, to one above it). It prints, one fact per line:
//   grandchild PID
//   parent PPID        (the orphan's parent after the shell exited)
//   reaped PID         (after SIGTERM, reaped by ChildSubreaper.reapOrphans)
//   zombies N          (zombie children left)
// and exits 0; 3 when something it needs fails.
import Foundation
import HPOSupervisor

#if canImport(Glibc)
import Glibc
#endif

func fail(_ message: String) -> Never {
  FileHandle.standardError.write(Data("subreaper-probe: \(message)\n".utf8))
  exit(3)
}

let subreaper = !CommandLine.arguments.contains("--no-subreaper")
if subreaper, case .failure(let error) = ChildSubreaper.enable() { fail("\(error)") }

let shell = Process()
shell.executableURL = URL(fileURLWithPath: "/bin/sh")
shell.arguments = ["-c", "sleep 30 </dev/null >/dev/null 2>&1 & echo $!"]
let pipe = Pipe()
shell.standardOutput = pipe
do { try shell.run() } catch { fail("cannot start /bin/sh: \(error)") }
let output = pipe.fileHandleForReading.readDataToEndOfFile()
shell.waitUntilExit()
guard let grandchild = Int32(String(decoding: output, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)) else {
  fail("the shell printed no pid")
}
print("grandchild \(grandchild)")

/// The parent pid of `pid` from /proc, or nil when it is gone.
func parent(of pid: Int32) -> Int32? {
  // A process that is gone has no stat file: nil says so.
  guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
    let close = stat.lastIndex(of: ")")
  else { return nil }
  let fields = stat[stat.index(after: close)...].split(separator: " ")
  return fields.count >= 2 ? Int32(fields[1]) : nil
}

// The shell has exited: its orphan has been re-parented by now.
guard let adopter = parent(of: grandchild) else { fail("the grandchild \(grandchild) is gone already") }
print("parent \(adopter)")
kill(grandchild, SIGTERM)
if subreaper {
  let deadline = ContinuousClock.now + .seconds(10)
  var reaped: [Int32] = []
  while !reaped.contains(grandchild), ContinuousClock.now < deadline {
    reaped += ChildSubreaper.reapOrphans(sparing: [])
    if !reaped.contains(grandchild) { usleep(10_000) }
  }
  for pid in reaped { print("reaped \(pid)") }
}
print("zombies \(ChildSubreaper.zombieChildren(of: getpid()).count)")
