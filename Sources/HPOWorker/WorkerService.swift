import Foundation
import HPOCore
import HPOWire
import Logging
import Synchronization

/// A worker process: one thread per slot, each with its own connection to
/// the coordinator, taking trials, fetching missing shards by hash, running
/// them and reporting; plus one thread sending heartbeats that renew the
/// leases of running trials.
///
/// Holds no state that matters: killing a worker loses only its running
/// trials, which the coordinator re-leases when their leases expire. On
/// `stop` (SIGTERM) each slot hands its trial back at the next epoch boundary
/// (or finishes a trial that has no epochs) and says goodbye.
public final class WorkerService: Sendable {
  public struct Options: Sendable {
    /// Where the coordinator listens (for messages).
    public var endpoint: String
    /// Base of the slot ids: slot k is "\(workerID)-k".
    public var workerID: String
    public var slots: Int
    /// Where shards fetched from the coordinator are kept, by hash.
    public var cacheDirectory: URL
    /// Exit once the coordinator has had no work for this long (`nil`: never).
    public var idleExit: Duration?
    /// Each slot asks for its next trial when it starts one (see ``SlotLoop``).
    public var leaseAhead: Bool
    /// Runs `command` trials (`hpo worker --allow-commands`): asks say so, and
    /// only then does the coordinator offer them.
    public var runsCommands: Bool
    /// How long a gang member waits, after joining, for the gang to start
    /// (the coordinator cancels a gang that does not form within its own
    /// timeout, 30 s by default, and says so).
    public var gangWait: Duration = .seconds(60)

    public init(endpoint: String, workerID: String, slots: Int, cacheDirectory: URL, idleExit: Duration? = nil,
                leaseAhead: Bool = true, runsCommands: Bool = false) {
      self.endpoint = endpoint
      self.workerID = workerID
      self.slots = slots
      self.cacheDirectory = cacheDirectory
      self.idleExit = idleExit
      self.leaseAhead = leaseAhead
      self.runsCommands = runsCommands
    }
  }

  let options: Options
  let runner: any TrialRunner
  let makeTransport: @Sendable () throws -> any ClientTransport
  let logger: Logger
  let running = RunningTrials()
  /// The slots as permits: a trial of `resources.slots_per_trial` K holds K.
  let permits: SlotPermits
  /// How slots meet the other members of gang trials; `nil`: a gang trial fails.
  let peers: GangPeers?

  public init(options: Options, runner: any TrialRunner, peers: GangPeers? = nil, logger: Logger = Logger(label: "hpo.worker"),
              makeTransport: @escaping @Sendable () throws -> any ClientTransport) {
    self.options = options
    self.peers = peers
    self.runner = runner
    self.makeTransport = makeTransport
    self.logger = logger
    self.permits = SlotPermits(options.slots)
  }

  /// Runs every slot until `stop` is raised (or the idle exit), then returns.
  public func run(stop: StopSignal) throws {
    try FileManager.default.createDirectory(at: options.cacheDirectory, withIntermediateDirectories: true)
    let slotsDone = StopSignal()
    let group = DispatchGroup()
    let errors = ErrorBox()
    for slot in 0..<options.slots {
      group.enter()
      let thread = Thread { [self] in
        defer { group.leave() }
        do {
          try SlotLoop(service: self, slotID: "\(options.workerID)-\(slot)", stop: stop).run()
        } catch {
          errors.set(error)
          stop.raise("slot failed: \(error)")
        }
      }
      thread.name = "hpo-slot-\(slot)"
      thread.start()
    }
    let heartbeat = Thread { [self] in
      do { try heartbeatLoop(until: slotsDone) } catch {
        // The context is terminated at shutdown; anything else is worth a warning.
        if slotsDone.isRaised || stop.isRaised { return }
        logger.warning("heartbeats stopped", metadata: ["error": "\(error)"])
      }
    }
    heartbeat.name = "hpo-heartbeat"
    heartbeat.start()
    group.wait()
    slotsDone.raise("slots finished")
    if let error = errors.value { throw error }
  }

  /// Every second (or as the coordinator asked), one heartbeat per running
  /// trial's slot, renewing its lease while an epoch runs.
  private func heartbeatLoop(until done: StopSignal) throws {
    let transport = try makeTransport()
    while !done.isRaised {
      for (slot, key) in running.snapshot() {
        try transport.send(.heartbeat(Heartbeat(workerID: slot, running: [key])))
      }
      // Drain anything addressed to this connection (nothing is expected).
      _ = try transport.receive(timeout: running.heartbeatInterval)
    }
  }
}

/// The trial each slot is running, shared with the heartbeat thread.
final class RunningTrials: Sendable {
  private let bySlot = Mutex<[String: TrialKey]>([:])
  private let interval = Mutex<Duration>(.seconds(1))

  func set(_ slot: String, _ key: TrialKey?) {
    bySlot.locked { $0[slot] = key }
  }

  func snapshot() -> [(String, TrialKey)] {
    bySlot.locked { $0.sorted { $0.key < $1.key }.map { ($0.key, $0.value) } }
  }

  var heartbeatInterval: Duration {
    get { interval.locked { $0 } }
    set { interval.locked { $0 = newValue } }
  }
}

/// The first error of any slot.
final class ErrorBox: Sendable {
  private let error = Mutex<(any Error)?>(nil)

  func set(_ e: any Error) {
    error.locked { if $0 == nil { $0 = e } }
  }

  var value: (any Error)? { error.locked { $0 } }
}
