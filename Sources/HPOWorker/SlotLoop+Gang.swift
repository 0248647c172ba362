import Foundation
import HPOCollectives
import HPOCore
import HPOModels
import HPOWire
import Logging

/// A gang trial in a slot: join the gang, wait for the others, run, and (rank
/// 0 only) report.
extension SlotLoop {
  /// Runs gang trial `a` as member `role.rank`: binds the member's peer
  /// socket, joins (``GangJoin``), waits for ``GangStart`` (or a cancel) and
  /// runs the trial with the others. Rank 0 holds the lease: it reports each
  /// epoch and the result; a collective that fails (a member died, stalled or
  /// cannot be reached) ends its attempt as `retry`, naming the member. The
  /// other ranks report nothing: they log a failure and ask for work again.
  func runGangTrial(_ a: TrialAssignment, _ role: GangRole, _ transport: any ClientTransport) throws {
    let key = a.key
    service.running.set(slotID, key)
    defer { service.running.set(slotID, nil) }
    let started = ContinuousClock.now
    let gangID = "\(key)"
    var metadata: Logger.Metadata { ["trial": "\(key)", "rank": "\(role.rank)", "worker.id": "\(slotID)"] }
    guard let peers = service.peers else {
      try fail(key, role, started, transport, TrialRunError("this worker has no peer transport for gang trials"))
      return
    }
    let files: [String: URL]
    do {
      files = try fetchShards(a.shards, transport)
    } catch {
      try fail(key, role, started, transport, error)
      return
    }
    let listener: GangListener
    do {
      // With a key pair, CURVE from the start, admitting the members once the start names them.
      listener = try GangListener(
        transport: peers.transport, gangID: gangID, rank: role.rank, endpoint: peers.bindEndpoint,
        security: peers.transport.publicKey == nil ? nil : GangSecurity(publicKeys: []))
    } catch {
      try fail(key, role, started, transport, TrialRunError("cannot listen for the gang's peers: \(error)", kind: .retry))
      return
    }
    let address = peers.advertised(listener.address)
    try transport.send(.gangJoin(GangJoin(
      key: key, workerID: slotID, rank: role.rank, address: address, publicKey: peers.transport.publicKey)))
    logger.info("gang joined", metadata: metadata.merging(["address": "\(address)"]) { $1 })
    // The coordinator answers within its formation timeout; a coordinator gone longer than that has requeued the trial.
    let reply = try awaitMessage(transport, timeout: service.options.gangWait) { m -> WireMessage? in
      switch m {
      case .gangStart(let s) where s.key == key: return m
      case .gangCancel(let c) where c.key == key: return m
      default: return nil
      }
    }
    guard case .gangStart(let start)? = reply else {
      listener.close()
      if case .gangCancel(let c)? = reply {
        logger.info("gang cancelled before it started", metadata: metadata.merging(["reason": "\(c.reason)"]) { $1 })
      } else {
        logger.warning("no start of the gang from the coordinator; asking for work again", metadata: metadata)
      }
      return
    }
    let gang = Gang(
      id: gangID, rank: role.rank, addresses: start.addresses, deadline: .milliseconds(start.deadlineMilliseconds),
      security: start.publicKeys.map(GangSecurity.init(publicKeys:)), sharedMemory: peers.sharedMemory)
    logger.info("gang started", metadata: metadata.merging([
      "members": "\(start.addresses.count)", "security": "\(start.publicKeys == nil ? "plain TCP" : "CURVE")",
    ]) { $1 })
    // `nil`: a member other than rank 0 took part; rank 0 has the run.
    let outcome: Result<TrialRun?, any Error>
    // Set when rank 0 stops reporting because its worker shuts down: the trial is handed back, not ended.
    var handedBack = false
    func report(_ epoch: Int, _ metrics: [String: Double]) throws -> Bool {
      let goOn = try reportEpoch(key, epoch, metrics, transport)
      if stop.isRaised { handedBack = true }
      return goOn && !handedBack
    }
    do {
      let communicator = try GangCommunicator(gang: gang, listener: listener)
      defer {
        logger.info("gang ended", metadata: metadata.merging(["all-reduce": "\(communicator.path)"]) { $1 })
        communicator.close()
      }
      switch a.model.kind {
      case .function:
        outcome = .success(try GangFunctionRunner.run(a, communicator: communicator) { epoch, metrics in
          try report(epoch, metrics)
        })
      case .ridge:
        outcome = .success(try GangRidgeRunner.run(a, shardFiles: files, communicator: communicator))
      case .softmax, .mlp:
        outcome = .success(try GangIterativeRunner(logger: logger).run(
          a, shardFiles: files, communicator: communicator,
          report: { epoch, metrics in try report(epoch, metrics) },
          sendCheckpoint: { bytes in
            // Before the epoch's report, as a trial run alone sends it; a refusal is the coordinator's to log.
            _ = try sendCheckpoint(
              key: key, sha256: SHA256Hex.of(bytes), total: bytes.count, awaitLast: false, transport, send: transport.send
            ) { offset, count in Array(bytes[offset..<(offset + count)]) }
          }))
      case .command:
        outcome = .failure(TrialRunError("a command trial cannot be trained by a gang"))
      }
    } catch let error as CollectiveError {
      outcome = .failure(TrialRunError("the gang broke: \(error)", kind: .retry))
    } catch let error as ModelError where error.code == .collective {
      outcome = .failure(TrialRunError("the gang broke: \(error.message)", kind: .retry))
    } catch {
      outcome = .failure(error)
    }
    if handedBack {
      // Every member ended the trial with rank 0's stop; the coordinator requeues it at once.
      try transport.send(.goodbye(Goodbye(workerID: slotID, reason: stop.why, handedBack: [key])))
      logger.info("trial handed back", metadata: metadata)
      return
    }
    switch outcome {
    case .success(let run?) where role.rank == 0:
      let seconds = (ContinuousClock.now - started).seconds
      let checkpoint = run.stopped ? nil : run.checkpoint
      try transport.send(.result(TrialResult(
        key: key, status: run.stopped ? .stopped : .complete, metrics: run.metrics, epochs: run.epochs, seconds: seconds,
        hasCheckpoint: checkpoint != nil)))
      if let checkpoint {
        // After the result, as a trial run alone sends it.
        _ = try sendCheckpoint(
          key: key, sha256: SHA256Hex.of(checkpoint), total: checkpoint.count, awaitLast: false, transport, send: transport.send
        ) { offset, count in Array(checkpoint[offset..<(offset + count)]) }
      }
      logger.info("trial done", metadata: metadata.merging(["stopped": "\(run.stopped)", "seconds": "\(seconds)"]) { $1 })
    case .success(let run):
      guard role.rank != 0 || run != nil else {
        try fail(key, role, started, transport, TrialRunError("rank 0 of the gang ended without a model"))
        return
      }
      logger.info("gang trial done", metadata: metadata)
    case .failure(let error):
      try fail(key, role, started, transport, error)
    }
  }

  /// Rank 0 sends an epoch's metrics and waits for the decision: whether to go on (the caller
  /// also stops when the worker shuts down).
  private func reportEpoch(_ key: TrialKey, _ epoch: Int, _ metrics: [String: Double], _ transport: any ClientTransport) throws -> Bool {
    try transport.send(.progress(TrialProgress(key: key, epoch: epoch, metrics: metrics)))
    let decision = try awaitMessage(transport, timeout: .seconds(10)) { m -> TrialDecision? in
      if case .decision(let d) = m, d.key == key { return d }
      return nil
    }
    return decision?.verdict != .stop
  }

  /// Rank 0 reports `error` as the attempt's result; any other rank logs it.
  private func fail(_ key: TrialKey, _ role: GangRole, _ started: ContinuousClock.Instant, _ transport: any ClientTransport, _ error: any Error) throws {
    let runError = error as? TrialRunError
    logger.warning("gang trial \(runError?.kind == .retry ? "interrupted" : "failed")", metadata: [
      "trial": "\(key)", "rank": "\(role.rank)", "worker.id": "\(slotID)", "error": "\(error)",
    ])
    guard role.rank == 0 else { return }
    try transport.send(.result(TrialResult(
      key: key, status: runError?.status ?? .failed, metrics: [:], epochs: 0, seconds: (ContinuousClock.now - started).seconds,
      error: "\(error)")))
  }
}
