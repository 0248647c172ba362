import Foundation
import Testing

/// Every `Mutex` in Sources/ is locked with `locked` (HPOCore's
/// Mutex+ThreadSanitizer.swift), never with `withLock` directly: only
/// `locked` tells ThreadSanitizer about a handover made inside the kernel,
/// so a direct `withLock` brings back the false race reports that fail
/// Cluster/test-sanitizers now and then.
struct MutexLockingTests {
  /// `name.withLock` calls on a property declared `Mutex` in the same file,
  /// as "file:line: name".
  static func directLocks(in text: String, file: String) -> [String] {
    let declared = /let\s+(\w+)\s*(?::\s*Mutex\s*<|=\s*Mutex\s*[(<])/
    let names = Set(text.matches(of: declared).map { String($0.output.1) })
    var found: [String] = []
    for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
      for name in names where line.contains("\(name).withLock") {
        found.append("\(file):\(number + 1): \(name).withLock")
      }
    }
    return found
  }

  @Test func everyMutex_isLockedWithLocked() throws {
    let sources = ImportRulesTests.root.appendingPathComponent("Sources")
    let files = FileManager.default.enumerator(atPath: sources.path)?.compactMap { $0 as? String } ?? []
    var found: [String] = []
    var mutexFiles = 0
    for file in files where file.hasSuffix(".swift") {
      let text = try String(contentsOf: sources.appendingPathComponent(file), encoding: .utf8)
      if text.contains("Mutex") { mutexFiles += 1 }
      found += Self.directLocks(in: text, file: "Sources/\(file)")
    }
    #expect(mutexFiles >= 10, "Sources/ should hold the Mutex users")
    #expect(found.isEmpty, "lock these with `locked`:\n\(found.joined(separator: "\n"))")
  }

  @Test func theCheck_findsADirectWithLock() {
    let text = """
      private let state = Mutex(State())
      private let names: Mutex<[String]>
      private let other = Locked(0)
      func f() { state.withLock { $0.n += 1 }; names.locked { $0 = [] }; other.withLock { $0 += 1 } }
      """
    #expect(Self.directLocks(in: text, file: "F.swift") == ["F.swift:4: state.withLock"])
  }
}
