import Dispatch
import Foundation
import HPOCore
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A process manager for the children of one command (`hpo run`): starts
/// them, restarts those that may be restarted when they exit (with the
/// backoff and budget of a ``RestartPolicy``), records the first failure that
/// ends the run, and stops them all — SIGTERM, then SIGKILL after a grace
/// period — when asked.
///
/// **Dying with the parent.** Every child's standard input is the read end of
/// one *lifeline* pipe whose write end only this process holds (close-on-exec,
/// so no child inherits it). When this process ends, however it ends — SIGKILL
/// included — the kernel closes the write end and every child reads end of file
/// at once (see ``Lifeline/watchStandardInput(_:)``), without polling.
///
/// Children are started from `executable` with the environment given at init.
/// Their standard error is this process's; their standard output is discarded,
/// except that ``startAndWaitForLine(_:prefix:timeout:)`` reads it for a readiness line.
/// Events go to `onEvent` on a background thread, in order per child.
public final class Supervisor: Sendable {
  /// One child to supervise.
  public struct Child: Sendable {
    /// Its name in events and messages ("coordinator", "worker 1").
    public var name: String
    /// The arguments after the executable.
    public var arguments: [String]
    /// Whether an exit restarts it (per the policy); when `false` its first exit is the run's failure.
    public var restartable: Bool
    /// Whether ``Supervisor/stopAll(grace:)`` stops it only once the others
    /// have ended: the coordinator, so that workers say goodbye to a live one
    /// (instead of lingering on messages to a closed socket).
    public var stopsLast: Bool

    public init(name: String, arguments: [String], restartable: Bool, stopsLast: Bool = false) {
      self.name = name
      self.arguments = arguments
      self.restartable = restartable
      self.stopsLast = stopsLast
    }
  }

  private struct Entry {
    var child: Child
    var process: Process?
    /// Monotonic times of its exits, for the restart policy.
    var exits: [Duration] = []
    var restarts = 0
  }

  private struct State {
    var entries: [Entry] = []
    var stopping = false
    var failure: String?
    /// Every pid this supervisor started: the orphan reaper never takes these.
    var started: Set<Int32> = []
  }

  private let state = Mutex(State())
  private let executable: URL
  private let environment: [String: String]
  private let policy: RestartPolicy
  private let onEvent: @Sendable (SupervisorEvent) -> Void
  private let lifeline: Lifeline
  private let clock = ContinuousClock()
  private let epoch: ContinuousClock.Instant
  private let events = DispatchQueue(label: "hpo.supervisor.events")

  /// - Throws: ``SupervisorError/cannotCreateLifeline(reason:)`` when the pipe cannot be made.
  public init(
    executable: URL, environment: [String: String], policy: RestartPolicy = .standard,
    onEvent: @escaping @Sendable (SupervisorEvent) -> Void = { _ in }
  ) throws(SupervisorError) {
    self.executable = executable
    self.environment = environment
    self.policy = policy
    self.onEvent = onEvent
    self.lifeline = try Lifeline()
    self.epoch = clock.now
  }

  /// The first failure that ends the run — an essential child exited, or a
  /// restartable one exited more often than the policy allows — `nil` while none.
  public var failure: String? { state.locked { $0.failure } }

  /// The process ids of the running children, in start order.
  public var runningPIDs: [String: Int32] {
    state.locked { s in
      Dictionary(s.entries.compactMap { e in e.process.flatMap { $0.isRunning ? (e.child.name, $0.processIdentifier) : nil } },
                 uniquingKeysWith: { a, _ in a })
    }
  }

  /// Starts `child` and supervises it from now on; returns its process id.
  /// - Throws: ``SupervisorError/cannotStart(name:reason:)``.
  @discardableResult
  public func start(_ child: Child) throws(SupervisorError) -> Int32 {
    let index = state.locked { s in
      s.entries.append(Entry(child: child))
      return s.entries.count - 1
    }
    return try launch(index, output: nil)
  }

  /// Starts `child` and waits until it prints a line beginning with `prefix` on
  /// standard output (its readiness), returning that line; the rest of its
  /// output is discarded. Only the first start is watched: a restart is not
  /// waited for.
  /// - Throws: ``SupervisorError/exitedBeforeReady(name:termination:)`` when it
  ///   ends first, ``SupervisorError/notReady(name:after:)`` after `timeout`.
  public func startAndWaitForLine(_ child: Child, prefix: String, timeout: Duration) throws(SupervisorError) -> String {
    try startAndWaitForLines(child, prefix: prefix, timeout: timeout).last ?? ""
  }

  /// ``startAndWaitForLine(_:prefix:timeout:)``, answering the lines the child printed before
  /// its readiness line too (the first 32 of them), then the readiness line, last.
  public func startAndWaitForLines(_ child: Child, prefix: String, timeout: Duration) throws(SupervisorError) -> [String] {
    let index = state.locked { s in
      s.entries.append(Entry(child: child))
      return s.entries.count - 1
    }
    let pipe = Pipe()
    let reader = ReadinessReader(pipe.fileHandleForReading, prefix: prefix)
    let pid = try launch(index, output: pipe)
    let deadline = clock.now + timeout
    while clock.now < deadline {
      if let line = reader.line { return reader.linesBefore + [line] }
      if let termination = state.locked({ s in s.entries[index].process.flatMap { $0.isRunning ? nil : $0.termination } }) {
        // It may have printed the line and exited at once; the reader has had its chance then.
        if let line = reader.line { return reader.linesBefore + [line] }
        throw .exitedBeforeReady(name: child.name, pid: pid, termination: termination)
      }
      Thread.sleep(forTimeInterval: 0.01)
    }
    throw .notReady(name: child.name, after: timeout)
  }

  private func launch(_ index: Int, output: Pipe?) throws(SupervisorError) -> Int32 {
    let child = state.locked { $0.entries[index].child }
    let p = Process()
    p.executableURL = executable
    p.arguments = child.arguments
    p.environment = environment
    p.standardInput = lifeline.childEnd
    p.standardOutput = output ?? FileHandle.nullDevice
    p.terminationHandler = { [weak self] p in self?.exited(index, p) }
    do {
      // Under the lock: a child exiting at once must find its process recorded, and its
      // `exited` event must follow its `started` one.
      try state.locked { s in
        try p.run()
        s.entries[index].process = p
        s.started.insert(p.processIdentifier)
        emit(.started(name: child.name, pid: p.processIdentifier, restart: s.entries[index].restarts))
      }
    } catch {
      throw .cannotStart(name: child.name, reason: "\(error)")
    }
    return p.processIdentifier
  }

  private func exited(_ index: Int, _ p: Process) {
    let now = clock.now - epoch
    let termination = p.termination
    enum Next { case nothing, restart(Duration, Int), fail(String) }
    let (name, next): (String, Next) = state.locked { s in
      let entry = s.entries[index]
      guard !s.stopping, entry.process === p else { return (entry.child.name, .nothing) }
      let name = entry.child.name
      guard entry.child.restartable else {
        let why = "the \(name) exited (\(termination))"
        if s.failure == nil { s.failure = why }
        return (name, .fail(why))
      }
      switch policy.decide(earlierExits: entry.exits, now: now) {
      case .restart(let after, let attempt):
        s.entries[index].exits.append(now)
        s.entries[index].restarts += 1
        return (name, .restart(after, attempt))
      case .giveUp(let exits, let within):
        let why = "\(name) exited \(exits) times within \(within.components.seconds) s (last: \(termination)); giving up"
        if s.failure == nil { s.failure = why }
        return (name, .fail(why))
      }
    }
    if case .nothing = next { return }
    emit(.exited(name: name, pid: p.processIdentifier, termination: termination))
    switch next {
    case .nothing: return
    case .fail(let why): emit(.gaveUp(name: name, reason: why))
    case .restart(let after, let attempt):
      emit(.restarting(name: name, after: after, attempt: attempt))
      DispatchQueue.global().asyncAfter(deadline: .now() + .nanoseconds(Int(after.components.seconds * 1_000_000_000 + after.components.attoseconds / 1_000_000_000))) {
        guard !self.state.locked({ $0.stopping }) else { return }
        do { _ = try self.launch(index, output: nil) } catch {
          let why = "\(name) could not be restarted: \(error)"
          self.state.locked { s in if s.failure == nil { s.failure = why } }
          self.emit(.gaveUp(name: name, reason: why))
        }
      }
    }
  }

  private func emit(_ event: SupervisorEvent) {
    events.async { self.onEvent(event) }
  }

  /// Stops every child: no more restarts; in two waves, first the children
  /// not marked ``Child/stopsLast`` (together, the last started first), then
  /// those marked so. In each wave: SIGTERM, SIGKILL to those still running
  /// after `grace`, and the wave ends once all of them have ended (or 2 s
  /// after the SIGKILL). Idempotent.
  public func stopAll(grace: Duration) {
    let entries = state.locked { s in
      s.stopping = true
      return s.entries.compactMap { e in e.process.map { (process: $0, last: e.child.stopsLast) } }
    }
    for wave in [false, true] {
      let processes = entries.filter { $0.last == wave }.map(\.process)
      for p in processes.reversed() where p.isRunning { kill(p.processIdentifier, SIGTERM) }
      let deadline = clock.now + grace
      while clock.now < deadline, processes.contains(where: \.isRunning) { Thread.sleep(forTimeInterval: 0.01) }
      for p in processes where p.isRunning { kill(p.processIdentifier, SIGKILL) }
      let reaped = clock.now + .seconds(2)
      while clock.now < reaped, processes.contains(where: \.isRunning) { Thread.sleep(forTimeInterval: 0.01) }
    }
    events.sync {}  // deliver the events already emitted
  }

  /// Pids this supervisor started (running or not); the orphan reaper leaves them to Foundation.
  var startedPIDs: Set<Int32> { state.locked { $0.started } }
}

extension Process {
  /// How it ended; call once it is no longer running.
  var termination: ChildTermination {
    terminationReason == .uncaughtSignal ? .signalled(signal: terminationStatus) : .exited(status: terminationStatus)
  }
}

/// Why a ``Supervisor`` could not do what it was asked.
public enum SupervisorError: Error, Sendable, Equatable, CustomStringConvertible {
  case cannotCreateLifeline(reason: String)
  case cannotBecomeSubreaper(reason: String)
  case cannotStart(name: String, reason: String)
  case exitedBeforeReady(name: String, pid: Int32, termination: ChildTermination)
  case notReady(name: String, after: Duration)

  public var description: String {
    switch self {
    case .cannotCreateLifeline(let reason): return "cannot create the pipe children watch for this process's end: \(reason)"
    case .cannotBecomeSubreaper(let reason): return "cannot become a child subreaper (orphans go to PID 1): \(reason)"
    case .cannotStart(let name, let reason): return "cannot start the \(name): \(reason)"
    case .exitedBeforeReady(let name, let pid, let termination):
      return "the \(name) (pid \(pid)) exited before it was ready (\(termination)); its error is above"
    case .notReady(let name, let after): return "the \(name) was not ready after \(after.components.seconds) s"
    }
  }
}
