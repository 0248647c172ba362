import Dispatch
import Foundation
import HPOCore
import HPOLinearAlgebra
import HPOSupervisor
import Logging

#if canImport(Glibc)
import Glibc
#endif

/// Process-wide set-up shared by the long-running commands: logging to
/// standard error, one BLAS thread per process, and SIGTERM/SIGINT raising
/// a ``StopSignal`` (a second signal exits at once).
enum Bootstrap {
  nonisolated(unsafe) private static var signalSources: [any DispatchSourceSignal] = []
  private static let once: Void = {
    LoggingSystem.bootstrap { label in
      var handler = StreamLogHandler.standardError(label: label)
      handler.logLevel = currentLevel
      return handler
    }
  }()
  nonisolated(unsafe) private static var currentLevel: Logger.Level = .info

  /// Configures logging at `level` (once per process).
  static func logging(_ level: LogLevelArgument) {
    currentLevel = Logger.Level(rawValue: level.rawValue) ?? .info
    _ = once
  }

  /// A stop signal raised by SIGTERM or SIGINT.
  static func stopSignal() -> StopSignal {
    let stop = StopSignal()
    for sig in [SIGTERM, SIGINT] {
      signal(sig, SIG_IGN)
      let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
      source.setEventHandler {
        if stop.isRaised { exit(128 + sig) }
        stop.raise(sig == SIGTERM ? "SIGTERM" : "SIGINT")
      }
      source.resume()
      signalSources.append(source)
    }
    return stop
  }

  /// What a child of `hpo run` does when its parent is gone.
  enum OnParentExit: Sendable {
    /// Raise the stop signal as urgent: stop at once, skip waiting for running work.
    case stopUrgently(StopSignal)
    /// Exit the process at once with status 3 (a worker: its coordinator, a sibling, is going too).
    case exit
  }

  /// Watches for the end of `parent`, the `hpo run` that started this process
  /// (`--parent-pid`), and then acts per `action`: the children of `hpo run`
  /// never outlive it, even when it is killed with SIGKILL. The signal is the
  /// end of file on standard input — the parent's lifeline pipe (see
  /// `Supervisor`) — noticed at once; a change of parent pid, polled every
  /// 500 ms, covers a parent that gave this process another standard input.
  /// `nil` (the default) watches nothing.
  static func watchParent(_ parent: Int32?, _ action: OnParentExit) {
    guard let parent else { return }
    let act: @Sendable (String) -> Void = { why in
      switch action {
      case .stopUrgently(let stop): stop.raise(why, urgent: true)
      case .exit:
        FileHandleOutput.standardError("error: \(why); exiting")
        Glibc.exit(HPOExitCode.infrastructure.rawValue)
      }
    }
    guard getppid() == parent else {
      act("parent \(parent) exited")
      return
    }
    Lifeline.watchStandardInput { act("parent \(parent) exited (its lifeline closed)") }
    let timer = DispatchSource.makeTimerSource(queue: .global())
    timer.schedule(deadline: .now() + .milliseconds(500), repeating: .milliseconds(500))
    timer.setEventHandler {
      if getppid() != parent { act("parent \(parent) exited") }
    }
    timer.resume()
    parentWatch = timer
  }
  nonisolated(unsafe) private static var parentWatch: (any DispatchSourceTimer)?

  /// Keeps BLAS to one thread unless the user chose otherwise
  /// (`OPENBLAS_NUM_THREADS`): workers share cores, and one thread makes
  /// training bit-identical between a worker and `hpo train` (a multi-threaded
  /// gemm sums in another order). OpenBLAS reads the variable when it loads,
  /// before `main`, so the count is set through its API.
  static func singleThreadedBLAS() {
    if ProcessInfo.processInfo.environment["OPENBLAS_NUM_THREADS"] == nil {
      BLASInfo.setThreadCount(1)
    }
  }
}
