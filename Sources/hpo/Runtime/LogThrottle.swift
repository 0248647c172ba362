import Foundation
import Synchronization

/// Keeps a repeated warning from flooding the log: the first occurrence of a
/// key is logged at once, later ones at most once per `interval`, with the
/// number left out since. A client with a wrong key retries about ten times
/// a second, and each attempt fails the same way.
///
/// Thread-safe.
final class LogThrottle: Sendable {
  private let interval: TimeInterval
  private let last = Mutex<[String: (logged: Date, suppressed: Int)]>([:])

  init(interval: TimeInterval = 10) {
    self.interval = interval
  }

  /// `nil` when this occurrence of `key` should not be logged; otherwise how
  /// many occurrences were left out since the last logged one (0 at first).
  func admit(_ key: String, now: Date = Date()) -> Int? {
    last.locked { last in admit(key, now: now, &last) }
  }

  private func admit(_ key: String, now: Date, _ last: inout [String: (logged: Date, suppressed: Int)]) -> Int? {
    guard let previous = last[key] else {
      last[key] = (now, 0)
      return 0
    }
    guard now.timeIntervalSince(previous.logged) >= interval else {
      last[key] = (previous.logged, previous.suppressed + 1)
      return nil
    }
    last[key] = (now, 0)
    return previous.suppressed
  }
}
