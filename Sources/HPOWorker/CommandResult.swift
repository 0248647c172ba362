#if canImport(Glibc)
import Glibc
#endif

/// How a command's process ended: its exit status, or the signal that killed it.
/// With a guard, a command killed by a signal shows that signal (the guard dies of it too).
public enum CommandTermination: Sendable, Equatable, CustomStringConvertible {
  case exited(status: Int32)
  case signalled(signal: Int32)

  /// "exit status 3", "signal 9 (SIGKILL)".
  public var description: String {
    switch self {
    case .exited(let status): return "exit status \(status)"
    case .signalled(let signal): return "signal \(signal)\(Self.names[signal].map { " (\($0))" } ?? "")"
    }
  }

  private static let names: [Int32: String] = [
    SIGHUP: "SIGHUP", SIGINT: "SIGINT", SIGQUIT: "SIGQUIT", SIGILL: "SIGILL", SIGTRAP: "SIGTRAP",
    SIGABRT: "SIGABRT", SIGBUS: "SIGBUS", SIGFPE: "SIGFPE", SIGKILL: "SIGKILL", SIGSEGV: "SIGSEGV",
    SIGPIPE: "SIGPIPE", SIGTERM: "SIGTERM", SIGXCPU: "SIGXCPU", SIGXFSZ: "SIGXFSZ",
  ]
}

/// What a command trial came to, from its exit and from what happened around it
/// (issue 18's table of exit codes).
public enum CommandOutcome: Sendable, Equatable {
  /// Exit 0: the trial is complete (final metrics, else the last report's).
  case finished
  /// The scheduler said "stop" (whatever the exit, SIGTERM or SIGKILL after it): PRUNED.
  case pruned
  /// Exit 75 (EX_TEMPFAIL): try again within the trial's retry budget.
  case retry
  /// Exit 78 (EX_CONFIG): the configuration cannot run. The reason is the
  /// "infeasible" message's, else the last non-empty line of standard error,
  /// else "exit status 78".
  case infeasible(reason: String)
  /// The command ran past its timeout and was killed.
  case timedOut(after: Duration)
  /// The worker stopped it (it is shutting down, or the trial was cancelled).
  case cancelled(reason: String)
  /// Any other exit code, or a signal: FAILED ("exit status 1", "signal 11 (SIGSEGV)").
  case failed(reason: String)

  /// The exit code that asks for a new attempt.
  public static let retryExitCode: Int32 = 75
  /// The exit code that marks a configuration infeasible.
  public static let infeasibleExitCode: Int32 = 78
}

/// The last report a command sent, as passed to the decision.
public struct CommandReport: Sendable, Equatable {
  public var epoch: Int
  public var metrics: [String: Double]

  public init(epoch: Int, metrics: [String: Double]) {
    self.epoch = epoch
    self.metrics = metrics
  }
}

/// Everything a run of a command produced, for the trial's result.
public struct CommandResult: Sendable {
  /// How its process (the guard, which mirrors the command) ended.
  public var termination: CommandTermination
  /// What the trial came to.
  public var outcome: CommandOutcome
  /// A report was answered "stop".
  public var stoppedByDecision: Bool
  /// It ran past ``CommandLaunch/timeout``.
  public var timedOut: Bool
  /// Its process group got SIGTERM while it ran (after a stop's grace, the timeout or a cancel).
  public var terminated: Bool
  /// Its process group needed SIGKILL before it ended (it outlived SIGTERM's grace).
  public var killed: Bool
  /// The last report passed to the decision (reports after a "stop" are not).
  public var lastReport: CommandReport?
  /// How many reports were passed to the decision.
  public var reports: Int
  /// The metrics of its last "final" message.
  public var finalMetrics: [String: Double]?
  /// The reason of its last "infeasible" message.
  public var infeasibleReason: String?
  /// How many protocol lines were malformed.
  public var malformedLines: Int
  /// The last 4 KB of its standard error, as text.
  public var standardErrorTail: String
  /// From the start to the end of its process.
  public var duration: Duration

  /// The trial's metrics: the final message's, else the last report's.
  public var metrics: [String: Double]? { finalMetrics ?? lastReport?.metrics }
}

/// Why a command could not be run at all (as opposed to running and failing).
public enum CommandError: Error, Sendable, Equatable, CustomStringConvertible {
  /// `arguments[0]` names no executable file. `detail` says where it was looked for.
  case notFound(command: String, detail: String)
  /// The launch is unusable (no arguments, a missing working directory).
  case invalidLaunch(reason: String)
  /// The system refused to start it (pipes, fork limits) — the worker's problem, not the command's.
  case cannotStart(reason: String)
  /// It did not end even 5 s after SIGKILL (a process stuck in the kernel); its pid is left behind.
  case unkillable(pid: Int32)

  public var description: String {
    switch self {
    case .notFound(let command, let detail): return "not found: \(command) (\(detail))"
    case .invalidLaunch(let reason): return "cannot run the command: \(reason)"
    case .cannotStart(let reason): return "cannot start the command: \(reason)"
    case .unkillable(let pid): return "the command (pid \(pid)) did not end 5 s after SIGKILL"
    }
  }
}
