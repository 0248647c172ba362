import Foundation
import HPOWorker
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A command that floods standard output and standard error (100 MB and
/// 50 MB, one of them without a single newline, plus a protocol line of 30 MB)
/// does not grow the worker's memory: everything is handed on in chunks.
@Suite struct CommandFloodTests {
  /// This process's resident memory in bytes (VmRSS), or nil without /proc.
  static func residentBytes() -> Int? {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else {
      return nil  // no /proc: the caller's #require reports it
    }
    guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }) else { return nil }
    return line.split(separator: " ").dropFirst().first.flatMap { Int($0) }.map { $0 * 1024 }
  }

  @Test func aFlood_ofStdoutAndStderr_keepsTheWorkersMemoryBounded() throws {
    let f = try CommandFixture()
    defer { f.dir.cleanup() }
    try f.script("flood.sh", """
      #!/bin/sh
      head -c 50000000 /dev/zero >&2 &
      printf '@@hpo '
      head -c 30000000 /dev/zero | tr '\\0' x
      echo
      head -c 100000000 /dev/zero
      echo
      echo '@@hpo {"type":"report","epoch":1,"metrics":{"loss":1}}'
      read answer
      wait
      echo "done: $answer" >&2
      """)
    let before = try #require(Self.residentBytes())
    var peak = before
    let r = CommandRecorder()
    r.keepOutputUpTo = 0
    var handlers = r.handlers()
    let count = handlers.output
    var calls = 0
    handlers.output = { stream, bytes in
      count(stream, bytes)
      calls += 1
      if calls % 64 == 0, let now = Self.residentBytes() { peak = max(peak, now) }
    }
    let result = try CommandProcess(try f.launch(["./flood.sh"])).run(handlers: handlers)
    peak = max(peak, Self.residentBytes() ?? 0)
    #expect(result.outcome == .finished)
    #expect(r.standardOutputBytes == 100_000_001, "the zeros and their newline; the protocol lines are not output")
    #expect(r.standardErrorBytes == 50_000_000 + "done: continue\n".utf8.count)
    #expect(r.malformed.map(\.reason) == ["longer than 65536 bytes"])
    #expect(r.decided.map(\.0) == [1])
    #expect(result.standardErrorTail.hasSuffix("done: continue\n"))
    #expect(peak - before < 64 << 20, "resident memory grew by \((peak - before) >> 20) MB")
  }
}
