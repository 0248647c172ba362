import Synchronization

/// A flag raised once to ask long-running loops to stop (set by a signal
/// handler on SIGTERM/SIGINT, or by a test). Loops poll it between units of
/// work. Thread-safe.
public final class StopSignal: Sendable {
  private struct State {
    /// The first reason it was raised, `nil` before.
    var why: String?
    var urgent = false
  }
  private let state = Mutex(State())

  public init() {}

  /// Asks every loop watching this signal to stop; the first reason is kept.
  /// `urgent` (the process that started this one is gone, so nobody waits for
  /// a clean drain) asks to stop at once rather than after running work ends;
  /// an urgent raise after a plain one makes it urgent.
  public func raise(_ why: String, urgent: Bool = false) {
    state.locked { s in
      if s.why == nil { s.why = why }
      s.urgent = s.urgent || urgent
    }
  }

  /// Whether ``raise(_:urgent:)`` was called.
  public var isRaised: Bool { state.locked { $0.why != nil } }

  /// Whether it was raised as urgent: stop now, skip waiting for running work.
  public var isUrgent: Bool { state.locked { $0.urgent } }

  /// Why it was raised ("SIGTERM"), empty before.
  public var why: String { state.locked { $0.why ?? "" } }
}
