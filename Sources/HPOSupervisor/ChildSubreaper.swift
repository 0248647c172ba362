import Dispatch
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Makes this process a *child subreaper* (Linux `PR_SET_CHILD_SUBREAPER`):
/// a process that its children start and then orphan is re-parented to this
/// process instead of PID 1, so it is reaped here even in a container whose
/// PID 1 reaps nothing. ``Supervisor`` reaps its own children through
/// Foundation; ``reapOrphans(sparing:)`` reaps the adopted ones.
public enum ChildSubreaper {
  /// `prctl` is variadic in C and so not imported into Swift; it is called
  /// through its address with the five-argument form the kernel reads.
  private typealias Prctl = @convention(c) (Int32, UInt, UInt, UInt, UInt) -> Int32
  private static let PR_SET_CHILD_SUBREAPER: Int32 = 36

  /// Asks the kernel to make this process a subreaper; `false` (with the
  /// reason) where it cannot — the supervisor still works, orphans then go to PID 1.
  public static func enable() -> Result<Void, SupervisorError> {
    // The handle of the program and its libraries (libc among them); never closed, it is the process's own.
    guard let program = dlopen(nil, RTLD_LAZY), let symbol = dlsym(program, "prctl") else {
      return .failure(.cannotBecomeSubreaper(reason: "prctl not found"))
    }
    let prctl = unsafeBitCast(symbol, to: Prctl.self)
    guard prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0 else {
      return .failure(.cannotBecomeSubreaper(reason: "prctl(PR_SET_CHILD_SUBREAPER): \(String(cString: strerror(errno)))"))
    }
    return .success(())
  }

  /// Reaps every zombie child of this process except those in `sparing`
  /// (whose exit someone else collects); returns the pids reaped.
  @discardableResult
  public static func reapOrphans(sparing: Set<Int32>) -> [Int32] {
    let me = getpid()
    var reaped: [Int32] = []
    for pid in zombieChildren(of: me) where !sparing.contains(pid) {
      var status: Int32 = 0
      if waitpid(pid, &status, WNOHANG) == pid { reaped.append(pid) }
    }
    return reaped
  }

  /// Reaps adopted orphans every `interval` for as long as this process runs,
  /// sparing the pids `supervisor` started.
  public static func reapPeriodically(for supervisor: Supervisor, every interval: Duration = .seconds(1)) {
    let timer = DispatchSource.makeTimerSource(queue: .global())
    let ms = Int(interval.components.seconds * 1000 + interval.components.attoseconds / 1_000_000_000_000_000)
    timer.schedule(deadline: .now() + .milliseconds(ms), repeating: .milliseconds(ms))
    timer.setEventHandler { [weak supervisor] in
      guard let supervisor else { return }
      reapOrphans(sparing: supervisor.startedPIDs)
    }
    timer.resume()
    timersLock.withLock { timers.append(timer) }
  }
  // Kept alive for the life of the process; only touched under `timersLock`.
  nonisolated(unsafe) private static var timers: [any DispatchSourceTimer] = []
  private static let timersLock = NSLock()

  /// The pids under /proc whose parent is `parent` and whose state is Z (zombie).
  public static func zombieChildren(of parent: Int32) -> [Int32] {
    // An unreadable /proc (not Linux, or hidden) leaves nothing to reap: an empty list is right.
    guard let names = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return [] }
    return names.compactMap { name -> Int32? in
      guard let pid = Int32(name),
            // A process may end between the listing and the read: skipping it is right.
            let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")") else { return nil }
      // After "pid (comm) ": state, ppid, ...
      let fields = stat[stat.index(after: close)...].split(separator: " ")
      guard fields.count >= 2, fields[0] == "Z", Int32(fields[1]) == parent else { return nil }
      return pid
    }
  }
}
