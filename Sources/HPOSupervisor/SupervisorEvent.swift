/// What a ``Supervisor`` reports about its children, in the order it happens.
public enum SupervisorEvent: Sendable, Equatable, CustomStringConvertible {
  /// A child was started (again, when `restart` > 0) with process id `pid`.
  case started(name: String, pid: Int32, restart: Int)
  /// A child ended while the supervisor was running (not during ``Supervisor/stopAll(grace:)``).
  case exited(name: String, pid: Int32, termination: ChildTermination)
  /// It will be started again after `after` (the `attempt`-th restart in the policy's window).
  case restarting(name: String, after: Duration, attempt: Int)
  /// The supervisor stopped trying: the run cannot go on; `reason` says why.
  case gaveUp(name: String, reason: String)

  /// One line for the user: "worker 1 (pid 4242) exited: signal 9 (SIGKILL)".
  public var description: String {
    switch self {
    case .started(let name, let pid, let restart):
      return restart == 0 ? "\(name) started (pid \(pid))" : "\(name) restarted (pid \(pid), restart \(restart))"
    case .exited(let name, let pid, let termination):
      return "\(name) (pid \(pid)) exited: \(termination)"
    case .restarting(let name, let after, let attempt):
      let ms = after.components.seconds * 1000 + after.components.attoseconds / 1_000_000_000_000_000
      return "\(name): restart \(attempt) in \(ms) ms"
    case .gaveUp(let name, let reason):
      return "\(name): \(reason)"
    }
  }
}
