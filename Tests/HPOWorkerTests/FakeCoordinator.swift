import Foundation
import HPOCore
import HPOWire
import HPOWorker

/// The coordinator's side of a worker's connections, played in memory by a
/// test: every connection the worker opens is a ``FakeConnection``, and every
/// message sent on one is logged and answered at once, on that connection,
/// as the real coordinator would (welcome, assignments, decisions, shards).
///
/// HPOWire defines the transports as protocols only, so this is the in-memory
/// twin of ``ClientTransport`` for these tests; the worker needs no change to
/// use it (``WorkerService`` takes a `makeTransport` closure).
///
/// The n-th ask for work (plain or made ahead, counted over every slot) is
/// answered with `asks[n]`; once those run out, with `noWork`.
final class FakeCoordinator: @unchecked Sendable {
  // @unchecked: `log` and `askCount` are only touched while `condition` is locked;
  // the rest is immutable.
  private let condition = NSCondition()
  private var log: [WireMessage] = []
  private var askCount = 0
  private let asks: [[WireMessage]]
  private let shards: [String: [UInt8]]
  private let chunkBytes: Int
  private let decide: @Sendable (TrialProgress) -> TrialDecision.Verdict

  /// - Parameters:
  ///   - asks: the replies to each ask for work, in order.
  ///   - shards: the bytes sent for a shard request, by the hash asked for
  ///     (a hash missing here is answered `unknown_shard`), in chunks of at
  ///     most `chunkBytes` from the offset asked for.
  ///   - decide: the verdict on each progress report.
  init(
    asks: [[WireMessage]] = [], shards: [String: [UInt8]] = [:], chunkBytes: Int = WireLimits.chunkBytes,
    decide: @escaping @Sendable (TrialProgress) -> TrialDecision.Verdict = { _ in .continue }
  ) {
    self.asks = asks
    self.shards = shards
    self.chunkBytes = chunkBytes
    self.decide = decide
  }

  /// A new connection, as ``WorkerService``'s `makeTransport` opens one.
  func connect() -> any ClientTransport { FakeConnection(self) }

  /// Logs `m` and returns the replies for its connection.
  fileprivate func handle(_ m: WireMessage) -> [WireMessage] {
    condition.lock()
    defer {
      condition.broadcast()
      condition.unlock()
    }
    log.append(m)
    switch m {
    case .hello:
      return [.welcome(Welcome(coordinatorID: "fake", heartbeatMilliseconds: 50, leaseMilliseconds: 10_000))]
    case .askForWork:
      defer { askCount += 1 }
      return askCount < asks.count ? asks[askCount] : [.noWork(NoWork(retryAfterMilliseconds: 10))]
    case .progress(let p):
      return [.decision(TrialDecision(key: p.key, verdict: decide(p)))]
    case .shardRequest(let r):
      guard let bytes = shards[r.sha256] else {
        return [.error(WireFailure(code: .unknownShard, message: "the coordinator has no shard \(r.sha256)"))]
      }
      let chunk = FileChunk.slice(bytes, offset: r.offset, maxBytes: chunkBytes)
      return [.shard(ShardTransfer(sha256: r.sha256, offset: r.offset, total: chunk.total, bytes: chunk.bytes))]
    case .checkpoint(let c):
      return [.checkpointReceipt(CheckpointReceipt(key: c.key, sha256: c.sha256, received: c.offset + c.bytes.count))]
    default:
      return []
    }
  }

  /// Every message received so far, in order.
  var messages: [WireMessage] {
    condition.lock()
    defer { condition.unlock() }
    return log
  }

  /// Waits until the messages received satisfy `done`; false after `timeout`.
  func waitUntil(timeout: Duration = .seconds(10), _ done: ([WireMessage]) -> Bool) -> Bool {
    let clock = ContinuousClock()
    let deadline = clock.now + timeout
    condition.lock()
    defer { condition.unlock() }
    while !done(log) {
      let left = clock.now.duration(to: deadline)
      guard left > .zero else { return false }
      // Wakes on each message, or at the latest every 50 ms to look at the clock.
      _ = condition.wait(until: Date().addingTimeInterval(min(left, .milliseconds(50)).seconds))
    }
    return true
  }

  var results: [TrialResult] { messages.results }
  var progress: [TrialProgress] { messages.progress }
  var goodbyes: [Goodbye] { messages.goodbyes }
  var asksReceived: [WorkRequest] { messages.asks }
  var shardRequests: [String] { messages.shardRequests }
  var heartbeats: [Heartbeat] { messages.heartbeats }
}

/// Views of a coordinator's log (also inside ``FakeCoordinator/waitUntil(timeout:_:)``,
/// where the coordinator's own views would deadlock).
extension [WireMessage] {
  var results: [TrialResult] { compactMap { if case .result(let r) = $0 { r } else { nil } } }
  var progress: [TrialProgress] { compactMap { if case .progress(let p) = $0 { p } else { nil } } }
  var goodbyes: [Goodbye] { compactMap { if case .goodbye(let g) = $0 { g } else { nil } } }
  var asks: [WorkRequest] { compactMap { if case .askForWork(let w) = $0 { w } else { nil } } }
  var shardRequests: [String] { compactMap { if case .shardRequest(let r) = $0 { r.sha256 } else { nil } } }
  var shardOffsets: [Int] { compactMap { if case .shardRequest(let r) = $0 { r.offset } else { nil } } }
  var heartbeats: [Heartbeat] { compactMap { if case .heartbeat(let h) = $0 { h } else { nil } } }
}

/// One connection of a worker to a ``FakeCoordinator``: replies are queued
/// when the worker sends, and handed out by `receive`.
final class FakeConnection: ClientTransport {
  private let coordinator: FakeCoordinator
  private let condition = NSCondition()
  private var inbox: [WireMessage] = []

  init(_ coordinator: FakeCoordinator) { self.coordinator = coordinator }

  func send(_ message: WireMessage) throws {
    let replies = coordinator.handle(message)
    condition.lock()
    inbox += replies
    condition.broadcast()
    condition.unlock()
  }

  func receive(timeout: Duration) throws -> Result<WireMessage, WireDecodingError>? {
    let clock = ContinuousClock()
    let deadline = clock.now + timeout
    condition.lock()
    defer { condition.unlock() }
    while inbox.isEmpty {
      let left = clock.now.duration(to: deadline)
      guard left > .zero else { return nil }
      _ = condition.wait(until: Date().addingTimeInterval(left.seconds))
    }
    return .success(inbox.removeFirst())
  }
}

/// A ``WorkerService`` running on its own thread against a ``FakeCoordinator``,
/// with its own empty shard cache (unless given one).
final class RunningWorker: @unchecked Sendable {
  // @unchecked: `error` and `exited` are only touched under `lock`; the rest is immutable.
  let stop: StopSignal
  let cache: URL
  private let finished = DispatchSemaphore(value: 0)
  private let lock = NSLock()
  private var error: (any Error)?
  private var exited = false

  init(
    _ coordinator: FakeCoordinator, runner: any TrialRunner, stop: StopSignal = StopSignal(), slots: Int = 1,
    leaseAhead: Bool = false, idleExit: Duration? = nil, cache: URL? = nil
  ) {
    self.stop = stop
    self.cache = cache ?? temporaryDirectory()
    let service = WorkerService(
      options: WorkerService.Options(
        endpoint: "inproc://fake", workerID: "w", slots: slots, cacheDirectory: self.cache, idleExit: idleExit,
        leaseAhead: leaseAhead),
      runner: runner, makeTransport: { coordinator.connect() })
    let thread = Thread { [self] in
      do { try service.run(stop: stop) } catch {
        lock.lock()
        self.error = error
        lock.unlock()
      }
      finished.signal()
    }
    thread.name = "worker-under-test"
    thread.start()
  }

  /// Waits for `run` to return by itself; false after `timeout`.
  func waitForExit(timeout: Duration = .seconds(10)) -> Bool {
    lock.lock()
    if exited {
      lock.unlock()
      return true
    }
    lock.unlock()
    let (s, atto) = timeout.components
    // DispatchTime counts uptime: a monotonic deadline.
    guard finished.wait(timeout: .now() + .nanoseconds(Int(s) * 1_000_000_000 + Int(atto / 1_000_000_000))) == .success else {
      return false
    }
    lock.lock()
    exited = true
    lock.unlock()
    return true
  }

  /// Raises the stop signal (as SIGTERM does) and waits for `run` to return.
  func shutDown(timeout: Duration = .seconds(10)) -> Bool {
    stop.raise("test over")
    return waitForExit(timeout: timeout)
  }

  /// What `run` threw, if anything.
  var thrown: (any Error)? {
    lock.lock()
    defer { lock.unlock() }
    return error
  }

  deinit {
    // A test that failed early must not leave the worker running.
    stop.raise("test over")
    lock.lock()
    let done = exited
    lock.unlock()
    if done {
      // Only tidiness: a cache folder left in the temporary directory harms nothing.
      try? FileManager.default.removeItem(at: cache)
    }
  }
}

/// A fresh folder for one test's shard cache.
func temporaryDirectory() -> URL {
  FileManager.default.temporaryDirectory.appendingPathComponent("hpo-worker-tests-\(UUID().uuidString)")
}

extension Duration {
  var seconds: TimeInterval {
    let (s, atto) = components
    return TimeInterval(s) + TimeInterval(atto) / 1e18
  }
}

/// What ``ScriptedRunner`` saw of each run.
final class RunLog: @unchecked Sendable {
  // @unchecked: `entries` is only touched under `lock`.
  struct Entry {
    var key: TrialKey
    /// The bytes of each shard's local file, by hash.
    var shardBytes: [String: [UInt8]]
  }

  private let lock = NSLock()
  private var entries: [Entry] = []

  func append(_ e: Entry) {
    lock.lock()
    entries.append(e)
    lock.unlock()
  }

  var runs: [Entry] {
    lock.lock()
    defer { lock.unlock() }
    return entries
  }

  var keys: [TrialKey] { runs.map(\.key) }
}

/// A runner that reads every shard file it is given, reports `epochs` epochs
/// (value = epoch), and returns `value = trial number`, or throws `failures[trial]`.
struct ScriptedRunner: TrialRunner {
  var log = RunLog()
  var epochs = 0
  var failures: [Int: String] = [:]
  /// Called once the run has started (before any epoch).
  var onStart: @Sendable (TrialAssignment) -> Void = { _ in }

  func run(
    _ assignment: TrialAssignment, shardFiles: [String: URL], report: (Int, [String: Double]) throws -> Bool
  ) throws -> TrialRun {
    var bytes: [String: [UInt8]] = [:]
    for shard in assignment.shards {
      guard let url = shardFiles[shard.sha256] else { throw TrialRunError("no file for shard \(shard.sha256)") }
      bytes[shard.sha256] = Array(try Data(contentsOf: url))
    }
    log.append(RunLog.Entry(key: assignment.key, shardBytes: bytes))
    onStart(assignment)
    if let failure = failures[assignment.key.trial] { throw TrialRunError(failure) }
    for epoch in stride(from: 1, through: epochs, by: 1) {
      if try !report(epoch, ["value": Double(epoch)]) {
        return TrialRun(metrics: ["value": Double(epoch)], epochs: epoch, stopped: true)
      }
    }
    return TrialRun(metrics: ["value": Double(assignment.key.trial)], epochs: epochs, stopped: false)
  }
}

/// An assignment of trial `trial` of experiment "exp".
func assignment(
  _ trial: Int, attempt: Int = 1, function: BuiltinFunction = .sphere, epochs: Int? = nil,
  configuration: Configuration = Configuration(["x1": .float(1), "x2": .float(2)]), shards: [ShardReference] = []
) -> TrialAssignment {
  TrialAssignment(
    key: TrialKey(experiment: "exp", trial: trial, attempt: attempt), configuration: configuration,
    model: ModelSpec(kind: .function, epochs: epochs, function: function), task: .regression,
    objective: ObjectiveSpec(metric: .value), shards: shards, epochs: epochs, seed: 7, reportEveryEpoch: epochs != nil)
}
