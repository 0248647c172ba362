import Foundation
import HPOCore
import HPOStore
import HPOWire

/// A trial's checkpoint being received in chunks (see
/// ``CoordinatorCore/checkpoint(_:from:now:)``): appended to a temporary
/// file next to where it will be kept, which becomes the checkpoint only
/// when whole and verified.
final class CheckpointUpload {
  /// The attempt sending it.
  let key: TrialKey
  /// The SHA-256 and size of the whole checkpoint, as its first chunk named them.
  let sha256: String
  let total: Int
  let file: AtomicFile.Appender
  /// When its last chunk came.
  var lastChunk: CoordinatorTime

  init(key: TrialKey, sha256: String, total: Int, file: AtomicFile.Appender, now: CoordinatorTime) {
    self.key = key
    self.sha256 = sha256
    self.total = total
    self.file = file
    lastChunk = now
  }

  /// Bytes received in order so far.
  var received: Int { file.count }
}

extension CoordinatorCore {
  /// A chunk of a trial's checkpoint (see ``CheckpointTransfer``), answered
  /// with a ``CheckpointReceipt``.
  ///
  /// A built-in model's final checkpoint comes once, after its complete
  /// result; a softmax or mlp trial's also every `model.checkpoint_every`
  /// epochs while it runs, and a command trial's each time its checkpoint
  /// folder changed (kept while it runs, for a later attempt to resume from:
  /// ``resumeShard(_:number:attempt:)``). The chunks
  /// are appended to a temporary file under `output.dir/checkpoints/`; when
  /// the last one came and the SHA-256 of the whole matches, the file is
  /// renamed atomically to `trial-N.bundle` (a command's) or `trial-N.ckpt`
  /// (a built-in model's), recorded as the trial's checkpoint, and only the
  /// best `keep_top` are kept. A chunk of an attempt that no longer holds the
  /// lease, out of order, or that does not fit is refused with a log line,
  /// and what was received of that upload is deleted: nothing half-written
  /// is ever used. A command trial's accepted chunk renews its lease.
  func checkpoint(_ c: CheckpointTransfer, from peer: PeerID, now: CoordinatorTime) throws -> [Outgoing] {
    let id = TrialID(experiment: c.key.experiment, number: c.key.trial)
    func receipt(_ received: Int) -> [Outgoing] {
      [Outgoing(peer: peer, message: .checkpointReceipt(CheckpointReceipt(key: c.key, sha256: c.sha256, received: received)))]
    }
    guard let e = experiments[c.key.experiment] else {
      return refuse(c, "no experiment \(c.key.experiment) runs on this coordinator", peer: peer)
    }
    let command = e.spec.model.kind == .command
    let whileRunning = command || e.spec.model.checkpointCadence > 0
    if !(whileRunning && currentLease(c.key) != nil) && !(!command && e.awaitingCheckpoint.contains(c.key)) {
      return refuse(c, command
        ? "attempt \(c.key.attempt) no longer holds the trial's lease"
        : whileRunning
          ? "attempt \(c.key.attempt) no longer holds the trial's lease, and no final checkpoint of it is expected"
          : "no checkpoint of this attempt is expected (its result announced none, or it came already)", peer: peer)
    }
    guard c.total > 0, c.total <= WireLimits.maxTransferBytes else {
      return refuse(c, "a checkpoint of \(c.total) bytes; the coordinator accepts 1 to \(WireLimits.maxTransferBytes) (64 GiB)", peer: peer)
    }
    guard !c.bytes.isEmpty else { return refuse(c, "an empty chunk at byte \(c.offset) of \(c.total)", peer: peer) }
    guard e.spec.output.keepTop > 0 else {
      e.awaitingCheckpoint.remove(c.key)
      logger.debug("checkpoint not kept (keep_top 0)", metadata: ["trial": "\(c.key)"])
      return [Outgoing(peer: peer, message: .checkpointReceipt(CheckpointReceipt(
        key: c.key, sha256: c.sha256, received: 0, refusal: "output.keep_top is 0: no checkpoint is kept")))]
    }
    let upload: CheckpointUpload
    if c.offset == 0 {
      if let earlier = checkpointUploads.removeValue(forKey: id) {
        earlier.file.discard()
        logger.info("unfinished checkpoint upload replaced by a new one", metadata: ["trial": "\(earlier.key)", "received": "\(earlier.received)"])
      }
      let dir = URL(fileURLWithPath: e.spec.output.dir).appendingPathComponent("checkpoints")
      do {
        try AtomicFile.makeDirectory(dir.path)
        if let free = Self.freeBytes(dir.path), free < c.total {
          return refuse(c, "the coordinator's disk has \(free) bytes free in \(dir.path), fewer than the checkpoint's \(c.total)", peer: peer)
        }
        let file = try AtomicFile.Appender(path: dir.appendingPathComponent("trial-\(c.key.trial).\(command ? "bundle" : "ckpt")").path)
        upload = CheckpointUpload(key: c.key, sha256: c.sha256, total: c.total, file: file, now: now)
      } catch {
        logger.error("cannot store a checkpoint", metadata: ["trial": "\(c.key)", "error": "\(error)"])
        return refuse(c, "it cannot be stored: \(error)", peer: peer)
      }
      checkpointUploads[id] = upload
    } else {
      guard let current = checkpointUploads[id], current.key == c.key, current.sha256 == c.sha256 else {
        return refuse(c, "a chunk at byte \(c.offset) of an upload that was not started (its chunk at byte 0 comes first)", peer: peer)
      }
      guard current.total == c.total else {
        return refuse(c, "a chunk naming a total of \(c.total) bytes; its upload's first chunk named \(current.total)", peer: peer)
      }
      guard current.received == c.offset else {
        return refuse(c, "a chunk at byte \(c.offset) out of order (byte \(current.received) was due)", peer: peer)
      }
      upload = current
    }
    do { try upload.file.append(c.bytes) } catch {
      logger.error("cannot store a checkpoint", metadata: ["trial": "\(c.key)", "error": "\(error)"])
      return refuse(c, "it cannot be stored: \(error)", peer: peer)
    }
    upload.lastChunk = now
    if let lease = currentLease(c.key) { renew(c.key, worker: lease.worker, now: now) }
    guard upload.received == upload.total else { return receipt(upload.received) }

    guard upload.file.sha256 == c.sha256 else {
      return refuse(c, "its SHA-256 is \(upload.file.sha256), not the \(c.sha256) its chunks named", peer: peer)
    }
    checkpointUploads[id] = nil
    // A built-in model's checkpoint sent while the trial runs is only a place to resume from:
    // written without flushing (its SHA-256 is checked before it is offered, see resumeShard),
    // committed with the batch, and never pruned while the trial runs.
    let running = !command && currentLease(c.key) != nil
    do { try upload.file.commit(durable: !running) } catch {
      logger.error("cannot store a checkpoint", metadata: ["trial": "\(c.key)", "error": "\(error)"])
      return refuse(c, "it cannot be stored: \(error)", peer: peer)
    }
    if running {
      // Sent before the report of its epoch: it resumes at the step after the last one reported.
      e.resumeSteps[c.key.trial] = (e.trials[c.key.trial].intermediate.last?.step ?? 0) + 1
      record(.recordCheckpoint(id, path: upload.file.path, sha256: c.sha256, bytes: c.total), at: now.wall)
      return receipt(upload.received)
    }
    e.awaitingCheckpoint.remove(c.key)
    record(.recordCheckpoint(id, path: upload.file.path, sha256: c.sha256, bytes: c.total), at: now.wall)
    try flush()
    var runtime = e
    try pruneCheckpoints(&runtime, now: now)
    logger.debug("checkpoint kept", metadata: ["trial": "\(c.key)", "bytes": "\(c.total)"])
    return receipt(upload.received)
  }

  /// Refuses the checkpoint upload `c` belongs to: logs why, deletes what
  /// was received of it, stops waiting for it, and answers with the reason.
  private func refuse(_ c: CheckpointTransfer, _ why: String, peer: PeerID) -> [Outgoing] {
    let id = TrialID(experiment: c.key.experiment, number: c.key.trial)
    var received = 0
    // Only the upload the chunk belongs to: a stray chunk of another attempt or checkpoint leaves the current one alone.
    if let upload = checkpointUploads[id], upload.key == c.key, upload.sha256 == c.sha256 {
      received = upload.received
      upload.file.discard()
      checkpointUploads[id] = nil
    }
    experiments[c.key.experiment]?.awaitingCheckpoint.remove(c.key)
    logger.warning("checkpoint refused", metadata: [
      "trial": "\(c.key)", "offset": "\(c.offset)", "total": "\(c.total)", "reason": "\(why)",
      "discarded": "\(received)",
    ])
    return [Outgoing(peer: peer, message: .checkpointReceipt(CheckpointReceipt(
      key: c.key, sha256: c.sha256, received: 0, refusal: "checkpoint of \(c.key) refused: \(why)")))]
  }

  /// Deletes the uploads that can no longer complete — of an experiment no
  /// longer here, of a command trial's attempt that lost its lease, or with
  /// no chunk for longer than a lease — with what was received of them.
  func dropAbandonedUploads(now: CoordinatorTime) {
    for (id, upload) in checkpointUploads {
      let e = experiments[upload.key.experiment]
      // Sent while the trial ran (no final checkpoint is awaited) by an attempt that has lost its lease.
      let lostLease = e.map { currentLease(upload.key) == nil && !$0.awaitingCheckpoint.contains(upload.key) } ?? false
      guard e == nil || lostLease || now.duration(since: upload.lastChunk) > configuration.leaseDuration else { continue }
      upload.file.discard()
      checkpointUploads[id] = nil
      e?.awaitingCheckpoint.remove(upload.key)
      logger.info("unfinished checkpoint upload dropped", metadata: [
        "trial": "\(upload.key)", "received": "\(upload.received)", "total": "\(upload.total)",
      ])
    }
  }

  /// Bytes free for this user on the filesystem holding `path`, when the system tells.
  static func freeBytes(_ path: String) -> Int? {
    // Only an early, clearer refusal: without the figure, a full disk is still caught by the write.
    guard let attributes = try? FileManager.default.attributesOfFileSystem(forPath: path) else { return nil }
    return (attributes[.systemFreeSize] as? NSNumber)?.intValue
  }

  /// Trial `number` back to pending (its lease `lease` is gone): its reports
  /// after the step its running checkpoint resumes at are forgotten, in
  /// memory and, through the returned change, in the store.
  func requeue(_ e: ExperimentRuntime, _ number: Int, lease: Lease, reason: String) -> StoreChange {
    let kept = e.resumeSteps[number] ?? 0
    e.trials[number].state = .pending
    e.trials[number].intermediate.removeAll { $0.step > kept }
    return .requeueTrial(TrialID(experiment: e.name, number: number), lease: lease, reason: reason, keepingSteps: kept)
  }

  /// Deletes the checkpoint trial `id` sent while it ran, if one is kept:
  /// at its complete result, where only the final checkpoint may stand for
  /// the trial (a release packages it).
  func dropRunningCheckpoint(of id: TrialID, now: CoordinatorTime) throws {
    // A running checkpoint taken in this batch is recorded but not yet committed: commit first, so it is seen.
    try flush()
    guard let kept = try store.checkpoints(of: id.experiment).first(where: { $0.trial == id }) else { return }
    record(.deleteCheckpoint(id), at: now.wall)
    do {
      try FileManager.default.removeItem(atPath: kept.path)
    } catch {
      // The store no longer lists it: a file left behind wastes space, it is never read (the final one replaces it).
      logger.warning("cannot delete a running trial's checkpoint", metadata: ["path": "\(kept.path)", "error": "\(error)"])
    }
  }

  /// Deletes checkpoints outside the best `keep_top` complete trials (in the
  /// release's order, ``ExperimentSpec/releaseRanking(_:)``); a
  /// running or requeued trial's stays (its next attempt resumes from it).
  func pruneCheckpoints(_ e: inout ExperimentRuntime, now: CoordinatorTime) throws {
    let stored = try store.checkpoints(of: e.name).filter {
      e.leases[$0.trial.number] == nil && e.trials[$0.trial.number].state.isFinished
    }
    let complete = stored.filter { e.trials[$0.trial.number].state == .complete }
    let others = stored.filter { e.trials[$0.trial.number].state != .complete }
    // The same order as the release's winner; release.pick may rank by a metric only the store holds.
    let metrics = e.spec.release?.pick == nil ? [:] : Dictionary(
      try store.storedTrials(of: e.name).map { ($0.number, $0.metrics) }, uniquingKeysWith: { a, _ in a })
    let order = e.spec.releaseRanking(complete.map { (e.trials[$0.trial.number], metrics[$0.trial.number] ?? [:]) })
    let ranked = order.map { complete[$0] } + complete.indices.filter { !order.contains($0) }.map { complete[$0] }
    for doomed in ranked.dropFirst(e.spec.output.keepTop) + others {
      record(.deleteCheckpoint(doomed.trial), at: now.wall)
      do {
        try FileManager.default.removeItem(atPath: doomed.path)
      } catch {
        // The store no longer lists it: a file left behind wastes space, it is never read.
        logger.warning("cannot delete a checkpoint outside keep_top", metadata: ["path": "\(doomed.path)", "error": "\(error)"])
      }
    }
  }
}
