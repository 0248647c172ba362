import Foundation
#if canImport(Glibc)
import Glibc
#endif
import HPOCore
import HPOWire
import Logging

/// One slot of a worker: its own connection, one trial at a time.
///
/// With lease-ahead (``WorkerService/Options/leaseAhead``) the slot asks for
/// its next trial as soon as it starts one, and starts that next trial the
/// moment the running one ends: the round trip to the coordinator overlaps
/// the running trial. The coordinator grants it only within the experiment's
/// `parallel` limit; after a refusal the slot asks ahead again only after
/// ``aheadBackoff`` more trials.
struct SlotLoop {
  let service: WorkerService
  let slotID: String
  let stop: StopSignal
  var logger: Logger { service.logger }
  /// Replies to an ask made ahead that arrived while the slot awaited something else.
  private let ahead = AheadReplies()
  /// Trials this slot was already given: a second assignment of one of them
  /// answers an older ask (asks sent while the coordinator was unreachable
  /// are all answered when it comes back) and is dropped, not run again.
  private let given = RecentKeys(capacity: 256)
  /// The last listing of the shard cache.
  private let listing = ShardListing()
  /// Trials run without asking ahead after the coordinator refused an ask ahead.
  static let aheadBackoff = 16

  init(service: WorkerService, slotID: String, stop: StopSignal) {
    self.service = service
    self.slotID = slotID
    self.stop = stop
  }

  func run() throws {
    let transport = try service.makeTransport()
    try greet(transport)
    var idleSince = ContinuousClock.now
    var next: TrialAssignment?
    defer {
      // A trial leased ahead and never started goes back at once.
      let handedBack = next.map { [$0.key] } ?? []
      // Best effort on the way out: a coordinator that does not hear it expires the leases instead.
      try? transport.send(.goodbye(Goodbye(workerID: slotID, reason: stop.isRaised ? stop.why : "idle", handedBack: handedBack)))
    }
    while !stop.isRaised {
      if let leased = next {
        next = try runTrial(leased, transport)
        idleSince = .now
        continue
      }
      try transport.send(.askForWork(WorkRequest(
        workerID: slotID, cachedShards: cachedShards(), runsCommands: service.options.runsCommands,
        workerSlots: service.options.slots)))
      let reply = try awaitMessage(transport, timeout: .seconds(3)) { m -> WireMessage? in
        switch m {
        case .assignment, .noWork, .error: return m
        default: return nil
        }
      }
      switch reply {
      case .assignment(let a)?:
        next = try runTrial(a, transport)
        idleSince = .now
      case .noWork(let n)?:
        if let limit = service.options.idleExit, ContinuousClock.now - idleSince > limit {
          logger.info("no work for \(limit); exiting", metadata: ["worker.id": "\(slotID)"])
          break
        }
        sleep(milliseconds: n.retryAfterMilliseconds)
      case .error(let e)?:
        logger.warning("coordinator refused", metadata: ["code": "\(e.code)", "message": "\(e.message)"])
        sleep(milliseconds: 500)
      default:
        if stop.isRaised { break }  // stopped while waiting, not unanswered
        logger.warning("no answer from the coordinator; asking again", metadata: ["coordinator": "\(service.options.endpoint)", "worker.id": "\(slotID)"])
      }
      if case .noWork? = reply, let limit = service.options.idleExit, ContinuousClock.now - idleSince > limit { break }
    }
  }

  /// Says hello until the coordinator answers, logging each retry with the address.
  private func greet(_ transport: any ClientTransport) throws {
    var attempt = 1
    while !stop.isRaised {
      try transport.send(.hello(WorkerHello(workerID: slotID, slots: 1, host: ProcessInfo.processInfo.hostName)))
      if case .welcome(let w)? = try awaitMessage(transport, timeout: .seconds(2), { m -> WireMessage? in
        if case .welcome = m { return m }
        return nil
      }) {
        service.running.heartbeatInterval = .milliseconds(max(50, w.heartbeatMilliseconds))
        logger.info("connected", metadata: ["coordinator": "\(service.options.endpoint)", "coordinator.id": "\(w.coordinatorID)", "worker.id": "\(slotID)"])
        return
      }
      logger.warning("no answer from the coordinator; retrying", metadata: ["coordinator": "\(service.options.endpoint)", "attempt": "\(attempt)", "worker.id": "\(slotID)"])
      attempt += 1
    }
  }

  /// Receives until `match` accepts a message or `timeout` passes.
  func awaitMessage<T>(_ transport: any ClientTransport, timeout: Duration, _ match: (WireMessage) -> T?) throws -> T? {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
      let left = max(.milliseconds(1), deadline - ContinuousClock.now)
      // Short waits: a stop (SIGTERM) is seen within 50 ms.
      guard let received = try transport.receive(timeout: min(left, .milliseconds(50))) else {
        if stop.isRaised && timeout > .seconds(1) { return nil }
        continue
      }
      switch received {
      case .success(let m):
        if case .assignment(let a) = m, !given.insert(a.key) {
          logger.debug("stale assignment ignored (a reply to an older ask)", metadata: ["trial": "\(a.key)", "worker.id": "\(slotID)"])
          continue
        }
        if let t = match(m) { return t }
        if ahead.isAwaited, case .assignment = m { ahead.stash(m) }
        if ahead.isAwaited, case .noWork = m { ahead.stash(m) }
      case .failure(let e): logger.warning("refused a message from the coordinator", metadata: ["error": "\(e)"])
      }
    }
    return nil
  }

  /// Runs one trial and reports it; returns the trial leased ahead meanwhile, if any.
  private func runTrial(_ a: TrialAssignment, _ transport: any ClientTransport) throws -> TrialAssignment? {
    if let role = a.gang {
      // One of the worker's slots, like any trial; never leased ahead (a gang forms from idle slots).
      try service.permits.acquire(1, stop: stop)
      defer { service.permits.release(1) }
      try runGangTrial(a, role, transport)
      return nil
    }
    let key = a.key
    service.running.set(slotID, key)
    defer { service.running.set(slotID, nil) }
    let started = ContinuousClock.now
    var handedBack = false
    let outcome: Result<TrialRun, any Error>
    // Only command trials print and send checkpoints while they run: other trials need no forwarder.
    let logs = a.model.kind == .command ? LogForwarder(key: key, transport: transport, logger: logger) : nil
    /// Sends an epoch's metrics and waits for the decision (after the output
    /// printed so far, so the log and the reports stay in order).
    func progress(_ epoch: Int, _ metrics: [String: Double]) throws -> Bool {
      try logs?.flushLocked()
      try transport.send(.progress(TrialProgress(key: key, epoch: epoch, metrics: metrics)))
      let decision = try awaitMessage(transport, timeout: .seconds(10)) { m -> TrialDecision? in
        if case .decision(let d) = m, d.key == key { return d }
        return nil
      }
      if stop.isRaised {
        handedBack = true
        return false
      }
      return decision?.verdict != .stop
    }
    var held = 0
    defer { if held > 0 { service.permits.release(held) } }
    do {
      let files = try fetchShards(a.shards, transport)
      // A trial of K slots waits until K of this worker's slots are free (its lease is renewed meanwhile).
      try service.permits.acquire(a.slots, stop: stop)
      held = a.slots
      try askAhead(running: key, transport)
      logs?.start()
      let connection = SlotConnection(loop: self, transport: transport)
      let context = logs.map { logs in
        TrialContext(
          output: { stream, bytes in logs.add(stream, bytes) },
          uploadCheckpoint: { file in
            try logs.withTransport {
              try logs.flushLocked()
              return try connection.loop.sendCheckpoint(file, of: key, connection.transport, send: logs.sendLocked)
            }
          },
          stop: stop)
      } ?? TrialContext(
        sendModelCheckpoint: { bytes in
          try connection.loop.sendCheckpoint(bytes, of: key, connection.transport)
        },
        stop: stop)
      outcome = .success(try service.runner.run(a, shardFiles: files, report: { epoch, metrics in
        if let logs { return try logs.withTransport { try progress(epoch, metrics) } }
        return try progress(epoch, metrics)
      }, context: context))
    } catch let error as TrialRunError where error.kind == .interrupted {
      handedBack = true
      outcome = .failure(error)
    } catch {
      outcome = .failure(error)
    }
    try logs?.finish()
    let seconds = (ContinuousClock.now - started).seconds
    if handedBack {
      let leasedAhead = try collectAhead(transport)
      try transport.send(.goodbye(Goodbye(workerID: slotID, reason: stop.why, handedBack: [key] + (leasedAhead.map { [$0.key] } ?? []))))
      logger.info("trial handed back", metadata: ["trial": "\(key)"])
      return nil
    }
    switch outcome {
    case .success(let run):
      let checkpoint = run.checkpoint
      try transport.send(.result(TrialResult(
        key: key, status: run.stopped ? .stopped : .complete, metrics: run.metrics, epochs: run.epochs, seconds: seconds,
        hasCheckpoint: checkpoint != nil && !run.stopped)))
      if let checkpoint, !run.stopped {
        // After the result: the slot moves on once the last chunk is sent, without waiting for its receipt.
        _ = try sendCheckpoint(
          key: key, sha256: SHA256Hex.of(checkpoint), total: checkpoint.count, awaitLast: false, transport, send: transport.send
        ) { offset, count in Array(checkpoint[offset..<(offset + count)]) }
      }
      logger.info("trial done", metadata: ["trial": "\(key)", "stopped": "\(run.stopped)", "seconds": "\(seconds)"])
    case .failure(let error):
      let runError = error as? TrialRunError
      try transport.send(.result(TrialResult(
        key: key, status: runError?.status ?? .failed, metrics: [:], epochs: 0, seconds: seconds, error: "\(error)",
        output: runError?.output)))
      logger.warning("trial \(runError?.status.rawValue ?? "failed")", metadata: ["trial": "\(key)", "error": "\(error)"])
    }
    return try collectAhead(transport)
  }

  // MARK: Lease-ahead

  /// Asks for the trial to run after `running`, unless lease-ahead is off or
  /// backing off after a refusal.
  private func askAhead(running: TrialKey, _ transport: any ClientTransport) throws {
    guard service.options.leaseAhead, !stop.isRaised else { return }
    if ahead.backoff > 0 {
      ahead.backoff -= 1
      return
    }
    try transport.send(.askForWork(WorkRequest(
      workerID: slotID, cachedShards: cachedShards(), running: running, runsCommands: service.options.runsCommands,
      workerSlots: service.options.slots)))
    ahead.begin()
  }

  /// The answer to the ask made ahead, if one was made: the next trial, or
  /// `nil` (refused: back off; or no answer: the next plain ask gets the
  /// trial if it was leased, as the coordinator answers a repeated ask with
  /// the lease the slot holds).
  private func collectAhead(_ transport: any ClientTransport) throws -> TrialAssignment? {
    guard ahead.isAwaited else { return nil }
    var reply = ahead.takeStashed()
    if reply == nil {
      reply = try awaitMessage(transport, timeout: .seconds(3)) { m -> WireMessage? in
        switch m {
        case .assignment, .noWork: return m
        default: return nil
        }
      }
    }
    ahead.end()
    switch reply {
    case .assignment(let next)?:
      return next
    case .noWork?:
      ahead.backoff = Self.aheadBackoff
      return nil
    default:
      return nil
    }
  }

  // MARK: Shards

  /// The shards in the cache folder to tell the coordinator in an ask (a
  /// hint for its choice of experiment): the list when it changed since this
  /// slot last sent it, or 30 s passed (a restarted coordinator forgets it);
  /// otherwise empty, meaning "as before". Listed at most every 5 s, and
  /// after this slot fetched a shard.
  private func cachedShards() -> [String] {
    let now = ContinuousClock.now
    if listing.names == nil || listing.at.map({ now - $0 >= .seconds(5) }) ?? true {
      // A hint for the coordinator's data locality: a cache folder not created yet holds nothing.
      let names = (try? FileManager.default.contentsOfDirectory(atPath: service.options.cacheDirectory.path)) ?? []
      listing.names = names.filter { $0.count == 64 }.sorted()
      listing.at = now
    }
    let names = listing.names ?? []
    guard names != listing.sent || listing.sentAt.map({ now - $0 >= .seconds(30) }) ?? true else { return [] }
    listing.sent = names
    listing.sentAt = now
    return names
  }

  /// Local files for every shard, fetched from the coordinator when missing
  /// (in chunks, written to the cache as they come) and verified against
  /// their hash before use.
  func fetchShards(_ shards: [ShardReference], _ transport: any ClientTransport) throws -> [String: URL] {
    var files: [String: URL] = [:]
    for shard in shards {
      let url = service.options.cacheDirectory.appendingPathComponent(shard.sha256)
      if !FileManager.default.fileExists(atPath: url.path) {
        try fetch(shard, to: url, transport)
        listing.names = nil
        logger.info("shard fetched", metadata: ["shard": "\(shard.sha256.prefix(12))", "bytes": "\(shard.bytes)"])
      }
      files[shard.sha256] = url
    }
    return files
  }

  /// Fetches `shard` chunk by chunk into a temporary file beside `url`,
  /// renamed to `url` once whole and verified: another slot or worker
  /// sharing the cache sees no file or the whole shard, never a part; a
  /// shard that arrived corrupted is not kept.
  private func fetch(_ shard: ShardReference, to url: URL, _ transport: any ClientTransport) throws {
    let file: AtomicFile.Appender
    do { file = try AtomicFile.Appender(path: url.path) } catch {
      throw TrialRunError("cannot store shard \(shard.sha256) in \(service.options.cacheDirectory.path): \(error.reason)")
    }
    defer { file.discard() }
    repeat {
      try transport.send(.shardRequest(ShardRequest(sha256: shard.sha256, offset: file.count)))
      let reply = try awaitMessage(transport, timeout: .seconds(60)) { m -> Result<ShardTransfer, TrialRunError>? in
        if case .shard(let s) = m, s.sha256 == shard.sha256, s.offset == file.count { return .success(s) }
        // The coordinator's errors about this shard name it.
        if case .error(let e) = m, e.code == .unknownShard || e.message.contains(shard.sha256) { return .failure(TrialRunError(e.message)) }
        return nil
      }
      guard let reply else {
        throw TrialRunError("the coordinator did not send shard \(shard.sha256) (at byte \(file.count)) within 60 s")
      }
      let chunk = try reply.get()
      guard chunk.total == shard.bytes, !chunk.bytes.isEmpty || chunk.total == 0 else {
        throw TrialRunError(
          "shard \(shard.sha256) arrived with \(chunk.total) bytes from byte \(chunk.offset) (\(chunk.bytes.count) in the chunk); the assignment says \(shard.bytes)")
      }
      do { try file.append(chunk.bytes) } catch {
        throw TrialRunError("cannot store shard \(shard.sha256) in \(service.options.cacheDirectory.path): \(error.reason)")
      }
    } while file.count < shard.bytes
    guard file.sha256 == shard.sha256 else {
      throw TrialRunError("shard \(shard.sha256) arrived corrupted (its SHA-256 differs)")
    }
    do { try file.commit() } catch {
      throw TrialRunError("cannot store shard \(shard.sha256) in \(service.options.cacheDirectory.path): \(error.reason)")
    }
  }

  // MARK: Checkpoints

  /// Sends a command trial's checkpoint bundle file in chunks (see
  /// ``sendCheckpoint(key:sha256:total:awaitLast:_:send:read:)``), through
  /// `send`, waiting for every receipt.
  fileprivate func sendCheckpoint(
    _ file: CheckpointFile, of key: TrialKey, _ transport: any ClientTransport, send: (WireMessage) throws -> Void
  ) throws -> Bool {
    let handle: FileHandle
    do { handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: file.path)) } catch {
      throw TrialRunError("cannot read the checkpoint bundle \(file.path): \(error)")
    }
    defer {
      // Read-only: closing loses nothing.
      try? handle.close()
    }
    return try sendCheckpoint(key: key, sha256: file.sha256, total: file.bytes, awaitLast: true, transport, send: send) { _, count in
      [UInt8](try handle.read(upToCount: count) ?? Data())
    }
  }

  /// Sends a running model trial's checkpoint bytes in chunks (see
  /// ``sendCheckpoint(key:sha256:total:awaitLast:_:send:read:)``), without
  /// waiting for the last receipts: the epoch's report follows on the same
  /// connection, so the coordinator takes the checkpoint first, often in the
  /// same batch (one commit for both). A refusal is the coordinator's to log.
  fileprivate func sendCheckpoint(_ bytes: [UInt8], of key: TrialKey, _ transport: any ClientTransport) throws -> Bool {
    try sendCheckpoint(
      key: key, sha256: SHA256Hex.of(bytes), total: bytes.count, awaitLast: false, transport, send: transport.send
    ) { offset, count in Array(bytes[offset..<(offset + count)]) }
  }

  /// Sends a checkpoint of `total` bytes as ``CheckpointTransfer`` chunks of
  /// at most ``WireLimits/chunkBytes``, read in order by `read(offset,
  /// count)`, keeping at most ``CheckpointTransfer/window`` chunks without a
  /// receipt: whatever the checkpoint's size, a few chunks are in memory or
  /// on the way. The slot's heartbeats go on meanwhile (their own thread and
  /// connection), and each chunk the coordinator takes renews the lease.
  ///
  /// - Parameter awaitLast: wait for the receipts of the last chunks too.
  /// - Returns: true when the coordinator answered (it kept the checkpoint,
  ///   or refused it: logged); false when it did not answer within 60 s
  ///   (logged; the caller may send it again later).
  func sendCheckpoint(
    key: TrialKey, sha256: String, total: Int, awaitLast: Bool, _ transport: any ClientTransport,
    send: (WireMessage) throws -> Void, read: (Int, Int) throws -> [UInt8]
  ) throws -> Bool {
    var sent = 0
    var unanswered = 0
    while sent < total || (awaitLast && unanswered > 0) {
      if sent < total && unanswered < CheckpointTransfer.window {
        let count = min(WireLimits.chunkBytes, total - sent)
        let bytes = try read(sent, count)
        guard bytes.count == count else {
          throw TrialRunError("the checkpoint changed while it was sent (\(bytes.count) bytes at byte \(sent), not \(count))")
        }
        try send(.checkpoint(CheckpointTransfer(key: key, sha256: sha256, offset: sent, total: total, bytes: bytes)))
        sent += count
        unanswered += 1
        continue
      }
      let receipt = try awaitMessage(transport, timeout: .seconds(60)) { m -> CheckpointReceipt? in
        if case .checkpointReceipt(let r) = m, r.key == key, r.sha256 == sha256 { return r }
        return nil
      }
      guard let receipt else {
        logger.warning("the coordinator did not answer a checkpoint chunk within 60 s; the checkpoint is sent again at the next report", metadata: [
          "trial": "\(key)", "sent": "\(sent)", "total": "\(total)",
        ])
        return false
      }
      if let refusal = receipt.refusal {
        logger.notice("checkpoint not kept by the coordinator", metadata: ["trial": "\(key)", "reason": "\(refusal)"])
        return true
      }
      unanswered -= 1
    }
    return true
  }

  private func sleep(milliseconds: Int) {
    let deadline = ContinuousClock.now + .milliseconds(milliseconds)
    while !stop.isRaised, ContinuousClock.now < deadline { Thread.sleep(forTimeInterval: 0.02) }
  }
}

/// The slot's connection, for a trial's checkpoint upload callback (which a
/// ``TrialContext`` holds as a `Sendable` closure): the callback runs on the
/// slot's own thread, inside ``SlotLoop/runTrial``, under the log
/// forwarder's lock, so the connection never changes threads.
private struct SlotConnection: @unchecked Sendable {
  let loop: SlotLoop
  let transport: any ClientTransport
}

/// A slot's last listing of the shard cache. Only the slot's own thread touches it.
private final class ShardListing {
  var names: [String]?
  var at: ContinuousClock.Instant?
  /// What the slot last told the coordinator, and when.
  var sent: [String]?
  var sentAt: ContinuousClock.Instant?
}

/// The last `capacity` trial keys a slot was given, oldest forgotten first.
/// Only the slot's own thread touches it.
private final class RecentKeys {
  private let capacity: Int
  private var keys: Set<TrialKey> = []
  private var order: [TrialKey] = []

  init(capacity: Int) { self.capacity = capacity }

  /// Adds `key`; false when it was already there.
  func insert(_ key: TrialKey) -> Bool {
    guard keys.insert(key).inserted else { return false }
    order.append(key)
    if order.count > capacity { keys.remove(order.removeFirst()) }
    return true
  }
}

/// The state of a slot's ask made ahead. Only the slot's own thread touches it.
private final class AheadReplies {
  private(set) var isAwaited = false
  private var stashed: WireMessage?
  var backoff = 0

  func begin() {
    isAwaited = true
    stashed = nil
  }

  func stash(_ m: WireMessage) { if stashed == nil { stashed = m } }

  func takeStashed() -> WireMessage? {
    defer { stashed = nil }
    return stashed
  }

  func end() {
    isAwaited = false
    stashed = nil
  }
}
