import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// The last of ``CommandGuard``'s forwarded signals received (0: none), set by its handler.
private let earlySignal = Atomic<Int32>(0)

/// `hpo command-guard`: the small process a worker puts between itself and a
/// user's command, so the command's whole process group dies with the worker
/// even when the worker is killed with SIGKILL and runs no code at all.
///
/// The worker starts the guard as the leader of a new process group (started
/// otherwise, it makes one for itself first), with the
/// read end of a *lifeline* pipe at some descriptor; the worker holds the write
/// end and never writes to it. The guard starts the command in its own group
/// (standard streams and every other inherited descriptor passed through, the
/// lifeline closed, every signal at its default), then watches both:
/// - the lifeline reads end of file (the worker is gone): SIGKILL to the whole
///   group, the guard included — no command, no grandchild outlives the worker;
/// - the command ends: the guard ends the same way — the same exit status, or,
///   killed by a signal, it dies of that signal itself (no core file), so the
///   worker sees what the command saw.
///
/// The guard outlives SIGTERM, SIGINT, SIGHUP and SIGQUIT: a signal to the group
/// is meant for the command, and the guard must live to report its end. One
/// that came before the command was started is passed on to it once it is.
public enum CommandGuard {
  /// The exit status when the command cannot be started (as a shell's 127).
  public static let cannotStartStatus: Int32 = 127

  /// Starts `executable` with `arguments` (its `argv`, `arguments[0]` included)
  /// and the guard's environment, and ends as described above. Never returns.
  public static func run(lifeline: Int32, executable: String, arguments: [String]) -> Never {
    // The SIGKILL below goes to this process's group: it must be a group of its own (a worker
    // starts the guard so; someone trying it from a shell must not take the shell down with it).
    if getpgrp() != getpid() && setpgid(0, 0) != 0 {
      say("hpo command-guard: cannot lead a process group of its own: \(String(cString: strerror(errno)))")
      exit(cannotStartStatus)
    }
    _ = signal(SIGPIPE, SIG_IGN)
    _ = earlySignal.load(ordering: .relaxed)  // initialised here: a signal handler must not be the first to touch it
    for sig in forwarded { _ = signal(sig, { received in earlySignal.store(received, ordering: .relaxed) }) }
    // The command must not hold the lifeline, or the pipe would outlive the worker through it.
    _ = fcntl(lifeline, F_SETFD, FD_CLOEXEC)
    let pid = start(executable, arguments)
    // A signal to the group that came before the command existed is passed on, not lost.
    let early = earlySignal.load(ordering: .relaxed)
    if early != 0 { _ = kill(pid, early) }
    var fds = [pollfd(fd: lifeline, events: Int16(POLLIN), revents: 0)]
    var scratch = [UInt8](repeating: 0, count: 64)
    while true {
      var status: Int32 = 0
      let reaped = waitpid(pid, &status, WNOHANG)
      if reaped == pid { mirror(status) }
      if reaped < 0 && errno != EINTR { exit(cannotStartStatus) }  // ECHILD: cannot happen; do not spin
      fds[0].revents = 0
      if poll(&fds, 1, 10) > 0 {
        let n = read(lifeline, &scratch, scratch.count)
        if n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN) {
          // The worker is gone: the whole group goes, this process with it.
          _ = kill(0, SIGKILL)
          _exit(137)
        }
      }
    }
  }

  /// The signals meant for the command: the guard only notes them (a handler,
  /// reset to the default in the command by exec) and outlives them.
  private static let forwarded = [SIGTERM, SIGINT, SIGHUP, SIGQUIT]

  /// Starts the command in this process group; on failure says so on standard error and exits 127.
  private static func start(_ executable: String, _ arguments: [String]) -> pid_t {
    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    var all = sigset_t()
    var none = sigset_t()
    sigfillset(&all)
    sigemptyset(&none)
    posix_spawnattr_setsigdefault(&attributes, &all)
    posix_spawnattr_setsigmask(&attributes, &none)
    posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))
    let argv = arguments.map { strdup($0) } + [nil]
    var pid: pid_t = 0
    let code = posix_spawn(&pid, executable, nil, &attributes, argv, environ)
    for p in argv { free(p) }
    posix_spawnattr_destroy(&attributes)
    guard code == 0 else {
      say("not found: \(arguments.first ?? executable) (\(executable): \(String(cString: strerror(code))))")
      exit(cannotStartStatus)
    }
    return pid
  }

  /// Writes `line` and a newline to standard error (the command's, so the trial's stderr tail shows it).
  private static func say(_ line: String) {
    let text = line + "\n"
    _ = text.utf8CString.withUnsafeBufferPointer { write(STDERR_FILENO, $0.baseAddress, $0.count - 1) }
  }

  /// Ends this process as the command ended.
  private static func mirror(_ status: Int32) -> Never {
    let signalled = (status & 0x7F) != 0 && (status & 0x7F) != 0x7F
    guard signalled else { exit((status >> 8) & 0xFF) }
    let sig = status & 0x7F
    var noCore = rlimit(rlim_cur: 0, rlim_max: 0)
    _ = setrlimit(__rlimit_resource_t(RLIMIT_CORE.rawValue), &noCore)
    _ = signal(sig, SIG_DFL)
    var set = sigset_t()
    sigemptyset(&set)
    sigaddset(&set, sig)
    _ = sigprocmask(SIG_UNBLOCK, &set, nil)
    _ = raise(sig)
    // A signal whose default is not to end a process cannot have ended the command; say it as a shell would.
    exit(128 + sig)
  }
}
