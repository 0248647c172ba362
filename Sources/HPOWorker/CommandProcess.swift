import HPOCore

#if canImport(Glibc)
import Glibc
#endif

/// Which of a command's output streams bytes came from.
public enum CommandStream: Sendable, Equatable {
  case standardOutput
  case standardError
}

/// What ``CommandProcess/run(stop:decide:output:malformed:)`` calls while the
/// command runs, all on the calling thread, one call at a time.
public struct CommandHandlers {
  /// After each report (epoch >= 1, finite metrics): `true` to go on, `false`
  /// to stop. Answers "continue"/"stop" on the report's channel. May block (a
  /// round trip to the coordinator); the command waits meanwhile, and so do
  /// its timeout and the stop signal. Not called after it once answered
  /// `false`, nor once the command is being ended (timeout, stop signal):
  /// those reports get "stop" at once. Reports read after the command exited
  /// (left in a pipe) are still passed. When it throws, the command is ended
  /// (SIGTERM, then SIGKILL) and `run` rethrows.
  public var decide: (_ epoch: Int, _ metrics: [String: Double]) throws -> Bool
  /// The command's log bytes as they arrive, in chunks of at most 64 KB:
  /// standard output without its protocol lines, and all of standard error.
  public var output: (CommandStream, ArraySlice<UInt8>) -> Void
  /// A protocol line that was refused; the trial goes on.
  public var malformed: (CommandMalformedLine) -> Void

  public init(
    decide: @escaping (_ epoch: Int, _ metrics: [String: Double]) throws -> Bool,
    output: @escaping (CommandStream, ArraySlice<UInt8>) -> Void = { _, _ in },
    malformed: @escaping (CommandMalformedLine) -> Void = { _ in }
  ) {
    self.decide = decide
    self.output = output
    self.malformed = malformed
  }
}

/// Runs one user command of a command trial to its end and speaks issue 18's
/// protocol with it (`/work/notes/cmd-protocol.md`).
///
/// The command (through its guard, when ``CommandLaunch/guardExecutable`` is
/// set) leads a process group of its own. Its protocol lines — on standard
/// output or on the report socket — go to the handlers; every report is
/// answered on its channel. After a "stop" it has ``CommandLaunch/stopGrace``
/// to exit; then its group gets SIGTERM, and SIGKILL ``CommandLaunch/killGrace``
/// later. Its timeout and a raised ``StopSignal`` (urgent: SIGKILL at once) end
/// it the same way. When it exits, whatever is left of its group is killed, so
/// no grandchild outlives the trial; with a guard the same holds when the worker
/// itself dies, SIGKILL included (see `hpo command-guard`).
///
/// The command's standard input carries the answers to its stdout reports and
/// nothing else; it does not end while the command runs (a program that reads
/// its input to the end waits until its timeout).
///
/// Memory stays bounded whatever the command writes: log bytes are handed on
/// in chunks, protocol lines are capped at 65,536 bytes, standard error's last
/// 4 KB are kept. Every wait has a deadline on the monotonic clock; the only
/// unbounded wait is the caller's own `decide`.
///
/// The first run ignores SIGPIPE in this process (answers to a command that
/// closed its input must fail with EPIPE, not kill the worker); commands get
/// every signal back at its default.
public struct CommandProcess: Sendable {
  public let launch: CommandLaunch

  public init(_ launch: CommandLaunch) { self.launch = launch }

  /// How often the command's exit, the timeout and the stop signal are checked
  /// while nothing arrives.
  static let tick: Duration = .milliseconds(10)
  /// How long output left in the pipes is read after the command exited.
  static let drainLimit: Duration = .seconds(1)
  /// How long a process may take to end after SIGKILL before it is given up.
  static let killLimit: Duration = .seconds(5)

  /// Starts the command and returns when it has ended and its group is gone.
  /// Blocks the calling thread; the handlers run on it.
  /// - Parameter stop: when raised, the command is ended (outcome ``CommandOutcome/cancelled(reason:)``).
  /// - Throws: ``CommandError`` when it cannot start ("not found: …") or
  ///   cannot be killed; whatever `decide` threw.
  public func run(stop: StopSignal? = nil, handlers: CommandHandlers) throws -> CommandResult {
    _ = Self.ignoreBrokenPipes
    let spawned = try CommandSpawner.spawn(launch)
    var session = CommandSession(launch: launch, spawned: spawned, stop: stop, handlers: handlers)
    return try session.run()
  }

  /// Convenience: ``run(stop:handlers:)`` with the handlers spelled out.
  public func run(
    stop: StopSignal? = nil,
    decide: @escaping (_ epoch: Int, _ metrics: [String: Double]) throws -> Bool,
    output: @escaping (CommandStream, ArraySlice<UInt8>) -> Void = { _, _ in },
    malformed: @escaping (CommandMalformedLine) -> Void = { _ in }
  ) throws -> CommandResult {
    try run(stop: stop, handlers: CommandHandlers(decide: decide, output: output, malformed: malformed))
  }

  private static let ignoreBrokenPipes: Void = { _ = signal(SIGPIPE, SIG_IGN) }()
}
