import Synchronization

/// A flag raised once to ask long-running loops to stop (set by a signal
/// handler on SIGTERM/SIGINT, or by a test). Loops poll it between units of
/// work. Thread-safe.
public final class StopSignal: Sendable {
  /// The reason it was raised, `nil` before.
  private let state = Mutex<String?>(nil)

  public init() {}

  /// Asks every loop watching this signal to stop; later calls are ignored.
  public func raise(_ why: String) {
    state.withLock { reason in
      if reason == nil { reason = why }
    }
  }

  /// Whether ``raise(_:)`` was called.
  public var isRaised: Bool { state.withLock { $0 != nil } }

  /// Why it was raised ("SIGTERM"), empty before.
  public var why: String { state.withLock { $0 ?? "" } }
}
