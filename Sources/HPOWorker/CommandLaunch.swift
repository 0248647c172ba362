#if canImport(Glibc)
import Glibc
#endif

/// What to run for one command trial, and how long to let it run: everything
/// ``CommandProcess`` needs, decided by the caller (the worker's glue builds the
/// environment and the per-trial directory; this type only carries them).
///
/// The protocol the command speaks is `/work/notes/cmd-protocol.md` (issue 18):
/// "@@hpo {json}" lines on standard output or on the report socket (fd 3 in the
/// command, `HPO_REPORT_FD`), answered by "continue" or "stop" lines.
public struct CommandLaunch: Sendable {
  /// The command and its arguments; `arguments[0]` is looked up on the `PATH`
  /// of ``environment`` when it holds no "/", else taken relative to
  /// ``workingDirectory``. Must not be empty.
  public var arguments: [String]
  /// The command's whole environment (nothing is inherited from the worker).
  /// `HPO_REPORT_FD` is set to "3" when absent: the report socket is always fd 3.
  public var environment: [String: String]
  /// The folder the command starts in; must exist.
  public var workingDirectory: String
  /// How long the command may run, from its start; `nil`: no limit. At the
  /// limit its process group gets SIGTERM, then SIGKILL after ``killGrace``.
  public var timeout: Duration?
  /// How long the command has to exit by itself after it was told "stop"
  /// (protocol default 10 s) before its process group gets SIGTERM.
  public var stopGrace: Duration
  /// How long after SIGTERM the process group gets SIGKILL (protocol: 2 s).
  public var killGrace: Duration
  /// The `hpo` executable to run as the command's guard (`hpo command-guard`),
  /// which kills the command's process group when the worker dies, however it
  /// dies (SIGKILL included). `nil`: the command is started directly, and a
  /// worker killed with SIGKILL leaves it running — for tests only.
  public var guardExecutable: String?

  /// The file descriptor the report socket has in the command.
  public static let reportDescriptor: Int32 = 3

  /// The path of the executable this process runs (`/proc/self/exe`): in a
  /// worker, the `hpo` to pass as ``guardExecutable``; `nil` when it cannot be read.
  public static var runningExecutable: String? {
    var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
    let n = readlink("/proc/self/exe", &buffer, buffer.count - 1)
    guard n > 0 else { return nil }
    return String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
  }

  public init(
    arguments: [String], environment: [String: String], workingDirectory: String, timeout: Duration? = nil,
    stopGrace: Duration = .seconds(10), killGrace: Duration = .seconds(2), guardExecutable: String?
  ) {
    self.arguments = arguments
    self.environment = environment
    self.workingDirectory = workingDirectory
    self.timeout = timeout
    self.stopGrace = stopGrace
    self.killGrace = killGrace
    self.guardExecutable = guardExecutable
  }
}
