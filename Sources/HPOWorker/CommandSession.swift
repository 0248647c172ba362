import HPOCore

#if canImport(Glibc)
import Glibc
#endif

/// One running command and everything known about it: the loop behind
/// ``CommandProcess/run(stop:handlers:)``. Single-threaded: the caller's thread
/// polls the command's streams, answers its reports, watches the clock and
/// escalates (stop grace → SIGTERM → kill grace → SIGKILL).
struct CommandSession {
  /// Where the command is on its way out.
  enum Phase: Equatable {
    case running
    /// Told "stop": it has until the deadline to exit by itself.
    case stopping(until: ContinuousClock.Instant)
    /// Sent SIGTERM: SIGKILL at the deadline.
    case terminating(until: ContinuousClock.Instant)
    /// Sent SIGKILL: given up at the deadline.
    case killing(until: ContinuousClock.Instant)
  }

  let launch: CommandLaunch
  var spawned: SpawnedCommand
  let stop: StopSignal?
  let handlers: CommandHandlers
  let clock = ContinuousClock()
  let started: ContinuousClock.Instant

  var phase = Phase.running
  var outputReader = CommandLineReader(everyLineIsProtocol: false)
  var socketReader = CommandLineReader(everyLineIsProtocol: true)
  var errorTail = StandardErrorTail()
  /// One read's worth of bytes, reused.
  var buffer = [UInt8](repeating: 0, count: 65_536)

  var stoppedByDecision = false
  var timedOut = false
  var cancelled: String?
  var terminated = false
  var killed = false
  var decideError: (any Error)?
  var lastReport: CommandReport?
  var reports = 0
  var finalMetrics: [String: Double]?
  var infeasibleReason: String?
  var malformedLines = 0

  init(launch: CommandLaunch, spawned: SpawnedCommand, stop: StopSignal?, handlers: CommandHandlers) {
    self.launch = launch
    self.spawned = spawned
    self.stop = stop
    self.handlers = handlers
    self.started = clock.now
  }

  /// Runs the command to its end (see ``CommandProcess``).
  mutating func run() throws -> CommandResult {
    defer { spawned.closeAll() }
    var termination: CommandTermination?
    while termination == nil {
      pollStreams(for: nextWait())
      termination = exitStatus()
      if termination == nil { try escalate() }
    }
    let ended = clock.now
    // Whatever is left of its group (a `sleep 1000 &`) goes now, while the exited
    // leader, not yet reaped, keeps the group id from being reused.
    _ = kill(-spawned.pid, SIGKILL)
    drain()
    reap()
    if let decideError { throw decideError }
    return result(termination ?? .exited(status: -1), duration: ended - started)
  }

  /// Until the next deadline, at most one tick.
  private func nextWait() -> Duration {
    var deadline = clock.now + CommandProcess.tick
    switch phase {
    case .running: break
    case .stopping(let until), .terminating(let until), .killing(let until): deadline = min(deadline, until)
    }
    if phase == .running, let timeout = launch.timeout { deadline = min(deadline, started + timeout) }
    return max(.zero, deadline - clock.now)
  }

  /// Moves the command on its way out when a deadline passed, the stop signal
  /// rose or a decision failed.
  /// - Throws: ``CommandError/unkillable(pid:)`` when SIGKILL did not end it.
  private mutating func escalate() throws(CommandError) {
    let now = clock.now
    let cancel = stop.map { $0.isRaised } ?? false
    switch phase {
    case .running, .stopping:
      if cancel {
        if cancelled == nil { cancelled = stop?.why }
        if stop?.isUrgent == true { signal(SIGKILL) } else { signal(SIGTERM) }
      } else if let timeout = launch.timeout, now >= started + timeout, phase == .running {
        timedOut = true
        signal(SIGTERM)
      } else if decideError != nil {
        signal(SIGTERM)
      } else if case .stopping(let until) = phase, now >= until {
        signal(SIGTERM)
      }
    case .terminating(let until):
      if now >= until || (cancel && stop?.isUrgent == true) { signal(SIGKILL) }
    case .killing(let until):
      if now >= until { throw .unkillable(pid: spawned.pid) }
    }
  }

  /// Sends `sig` to the command's whole process group and moves the phase on.
  private mutating func signal(_ sig: Int32) {
    _ = kill(-spawned.pid, sig)
    if sig == SIGKILL {
      killed = true
      phase = .killing(until: clock.now + CommandProcess.killLimit)
    } else {
      terminated = true
      phase = .terminating(until: clock.now + launch.killGrace)
    }
  }

  /// How the started process ended, once it has (it stays unreaped: see ``reap()``).
  private func exitStatus() -> CommandTermination? {
    var info = siginfo_t()
    let r = waitid(P_PID, id_t(spawned.pid), &info, WEXITED | WNOHANG | WNOWAIT)
    if r != 0 {
      // EINTR: look again next tick. ECHILD: someone else reaped it, status unknown.
      return errno == EINTR ? nil : .exited(status: -1)
    }
    guard info._sifields._sigchld.si_pid == spawned.pid else { return nil }
    let status = info._sifields._sigchld.si_status
    return info.si_code == CLD_EXITED ? .exited(status: status) : .signalled(signal: status)
  }

  /// Reaps the exited process.
  private func reap() {
    var status: Int32 = 0
    while waitpid(spawned.pid, &status, 0) < 0 && errno == EINTR {}
  }

  /// Handles one protocol line from `channel`.
  mutating func handle(line: [UInt8], from channel: CommandChannel) {
    let message: CommandMessage
    do { message = try CommandProtocol.parse(line, channel: channel) } catch {
      malformedLines += 1
      handlers.malformed(error)
      return
    }
    switch message {
    case .report(let epoch, let metrics):
      var goOn = false
      // Once it was told to stop, or is being ended anyway, every report gets "stop" without asking.
      if !stoppedByDecision && decideError == nil && phase == .running {
        do {
          goOn = try handlers.decide(epoch, metrics)
          lastReport = CommandReport(epoch: epoch, metrics: metrics)
          reports += 1
          if !goOn {
            stoppedByDecision = true
            if phase == .running { phase = .stopping(until: clock.now + launch.stopGrace) }
          }
        } catch {
          decideError = error
        }
      }
      answer(goOn ? CommandProtocol.continueLine : CommandProtocol.stopLine, on: channel)
    case .final(let metrics):
      finalMetrics = metrics
    case .infeasible(let reason):
      infeasibleReason = reason
    }
  }

  /// A malformed line too long to keep, quoted by its first bytes.
  mutating func handle(overlong quoted: [UInt8], from channel: CommandChannel) {
    malformedLines += 1
    handlers.malformed(CommandMalformedLine(
      line: CommandProtocol.quote(quoted),
      reason: "longer than \(CommandProtocol.maximumLineBytes) bytes", channel: channel))
  }

  private func result(_ termination: CommandTermination, duration: Duration) -> CommandResult {
    let outcome: CommandOutcome
    if stoppedByDecision {
      outcome = .pruned
    } else if let cancelled {
      outcome = .cancelled(reason: cancelled)
    } else if timedOut, let timeout = launch.timeout {
      outcome = .timedOut(after: timeout)
    } else {
      switch termination {
      case .exited(0): outcome = .finished
      case .exited(CommandOutcome.retryExitCode): outcome = .retry
      case .exited(CommandOutcome.infeasibleExitCode):
        outcome = .infeasible(reason: infeasibleReason ?? errorTail.lastNonEmptyLine ?? termination.description)
      default: outcome = .failed(reason: termination.description)
      }
    }
    return CommandResult(
      termination: termination, outcome: outcome, stoppedByDecision: stoppedByDecision, timedOut: timedOut,
      terminated: terminated, killed: killed, lastReport: lastReport, reports: reports, finalMetrics: finalMetrics,
      infeasibleReason: infeasibleReason, malformedLines: malformedLines, standardErrorTail: errorTail.text,
      duration: duration)
  }
}
