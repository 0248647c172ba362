/// When a supervised child that exited is started again, and when the
/// supervisor gives up on it: at most ``maxRestarts`` restarts within any
/// ``window``, each after a backoff that doubles from ``initialBackoff`` up to
/// ``maxBackoff`` with every exit in the window (the first restart of a child
/// that ran quietly for a whole window waits ``initialBackoff`` again).
///
/// A pure value: ``decide(earlierExits:now:)`` answers from the times of the
/// child's exits alone, so the policy is tested without processes or clocks.
public struct RestartPolicy: Sendable, Equatable {
  /// Restarts allowed within ``window``; one more exit in the window gives up.
  public var maxRestarts: Int
  /// The sliding window the restarts are counted in.
  public var window: Duration
  /// The wait before the first restart in a window.
  public var initialBackoff: Duration
  /// The longest wait before a restart.
  public var maxBackoff: Duration

  public init(maxRestarts: Int, window: Duration, initialBackoff: Duration, maxBackoff: Duration) {
    precondition(maxRestarts >= 0 && window > .zero && initialBackoff >= .zero && maxBackoff >= initialBackoff)
    self.maxRestarts = maxRestarts
    self.window = window
    self.initialBackoff = initialBackoff
    self.maxBackoff = maxBackoff
  }

  /// `hpo run`'s policy: 5 restarts a minute, backoff 250 ms doubling to 8 s.
  public static let standard = RestartPolicy(
    maxRestarts: 5, window: .seconds(60), initialBackoff: .milliseconds(250), maxBackoff: .seconds(8))

  /// A policy that never restarts: the first exit gives up.
  public static let never = RestartPolicy(maxRestarts: 0, window: .seconds(1), initialBackoff: .zero, maxBackoff: .zero)

  /// What to do about an exit at `now`, given the monotonic times of the
  /// child's earlier exits (any order; those older than ``window`` are ignored).
  public func decide(earlierExits: [Duration], now: Duration) -> RestartDecision {
    let recent = earlierExits.filter { now - $0 < window }.count + 1
    guard recent <= maxRestarts else { return .giveUp(exits: recent, within: window) }
    var backoff = initialBackoff
    for _ in 1..<recent {
      backoff = min(maxBackoff, backoff * 2)
    }
    return .restart(after: backoff, attempt: recent)
  }
}

/// The answer of ``RestartPolicy/decide(earlierExits:now:)``.
public enum RestartDecision: Sendable, Equatable {
  /// Start the child again after `after`; `attempt` counts the restarts in the window (1 = first).
  case restart(after: Duration, attempt: Int)
  /// Stop restarting: the child exited `exits` times within `within`.
  case giveUp(exits: Int, within: Duration)
}
