#if canImport(Glibc)
import Glibc
#endif

/// How a child process ended: its exit status, or the signal that killed it.
public enum ChildTermination: Sendable, Equatable, CustomStringConvertible {
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
    SIGPIPE: "SIGPIPE", SIGTERM: "SIGTERM",
  ]
}
