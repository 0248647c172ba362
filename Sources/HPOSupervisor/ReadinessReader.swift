import Foundation
import HPOCore
import Synchronization

/// Reads a child's standard output on its own thread until end of file,
/// keeping the first line that starts with `prefix` (the child's readiness
/// line) and the lines before it (at most ``keptBefore``), and discarding
/// everything else, so the child never blocks on a full pipe.
final class ReadinessReader: Sendable {
  /// How many lines before the readiness line are kept (the first ones).
  static let keptBefore = 32
  private let found = Mutex<String?>(nil)
  private let before = Mutex<[String]>([])

  init(_ handle: FileHandle, prefix: String) {
    let thread = Thread { [self] in
      var pending = Data()
      while true {
        let chunk = handle.availableData
        if chunk.isEmpty { break }  // end of file: the child closed its output
        guard self.found.locked({ $0 == nil }) else { continue }
        pending.append(chunk)
        while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
          let line = String(decoding: pending[pending.startIndex..<newline], as: UTF8.self)
          pending.removeSubrange(pending.startIndex...newline)
          if line.hasPrefix(prefix) {
            self.found.locked { $0 = $0 ?? line }
            break
          }
          self.before.locked { if $0.count < Self.keptBefore { $0.append(line) } }
        }
      }
      // Closing our end after end of file cannot fail in a way that matters: nothing reads it again.
      try? handle.close()
    }
    thread.name = "hpo.supervisor.readiness"
    thread.start()
  }

  /// The readiness line, once read.
  var line: String? { self.found.locked { $0 } }

  /// The lines before the readiness line; complete once ``line`` is set.
  var linesBefore: [String] { self.before.locked { $0 } }
}
