import Foundation

/// A flag raised once to ask long-running loops to stop (set by a signal
/// handler on SIGTERM/SIGINT, or by a test). Loops poll it between units of
/// work. Thread-safe.
public final class StopSignal: @unchecked Sendable {
  // @unchecked: every access to `raised` holds `lock`.
  private let lock = NSLock()
  private var raised = false
  private var reason = ""

  public init() {}

  /// Asks every loop watching this signal to stop; later calls are ignored.
  public func raise(_ why: String) {
    lock.lock()
    defer { lock.unlock() }
    guard !raised else { return }
    raised = true
    reason = why
  }

  /// Whether ``raise(_:)`` was called.
  public var isRaised: Bool {
    lock.lock()
    defer { lock.unlock() }
    return raised
  }

  /// Why it was raised ("SIGTERM"), empty before.
  public var why: String {
    lock.lock()
    defer { lock.unlock() }
    return reason
  }
}
