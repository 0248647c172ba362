import HPOCore

/// A worker announces itself: who it is, how many trials it runs at once, and
/// which versions it speaks. The first message on every (re)connection.
public struct WorkerHello: Sendable, Equatable, Codable {
  public var workerID: String
  public var slots: Int
  /// The worker's hpo version, for logs.
  public var hpoVersion: String
  public var host: String

  public init(workerID: String, slots: Int, hpoVersion: String = HPOVersion.current, host: String) {
    self.workerID = workerID
    self.slots = slots
    self.hpoVersion = hpoVersion
    self.host = host
  }

  enum CodingKeys: String, CodingKey, CaseIterable {
    case workerID = "worker_id", slots, hpoVersion = "hpo_version", host
  }
}

/// The coordinator accepts a worker and tells it how often to show it is alive.
public struct Welcome: Sendable, Equatable, Codable {
  public var coordinatorID: String
  /// Send a heartbeat at least this often while running a trial (milliseconds).
  public var heartbeatMilliseconds: Int
  /// A lease not renewed within this time is lost (milliseconds).
  public var leaseMilliseconds: Int

  public init(coordinatorID: String, heartbeatMilliseconds: Int, leaseMilliseconds: Int) {
    self.coordinatorID = coordinatorID
    self.heartbeatMilliseconds = heartbeatMilliseconds
    self.leaseMilliseconds = leaseMilliseconds
  }

  enum CodingKeys: String, CodingKey, CaseIterable {
    case coordinatorID = "coordinator_id", heartbeatMilliseconds = "heartbeat_ms", leaseMilliseconds = "lease_ms"
  }
}

/// A worker has a free slot and asks for a trial.
public struct WorkRequest: Sendable, Equatable, Codable {
  public var workerID: String
  /// Content hashes of the shards the worker slot holds, so the coordinator
  /// prefers experiments whose data is already there. Sent when they changed
  /// since the slot's last ask (and every 30 s); empty means "as before", so
  /// an ask stays small however large the cache grows.
  public var cachedShards: [String]
  /// Set on an ask made ahead (lease-ahead): the trial the slot is running
  /// now. The coordinator answers such an ask at once — the next trial, or
  /// `noWork` — and never holds it; the slot starts that trial the moment the
  /// running one ends, so the round trip is hidden behind the running trial.
  public var running: TrialKey?
  /// The worker runs users' commands (started with `--allow-commands`): only
  /// such asks are given trials of `command` experiments. On every ask, so a
  /// restarted coordinator knows it at once.
  public var runsCommands: Bool
  /// How many slots the asking slot's worker has: a trial that holds more
  /// (`resources.slots_per_trial`) is never given to it.
  public var workerSlots: Int

  public init(
    workerID: String, cachedShards: [String] = [], running: TrialKey? = nil, runsCommands: Bool = false, workerSlots: Int = 1
  ) {
    self.workerID = workerID
    self.cachedShards = cachedShards
    self.running = running
    self.runsCommands = runsCommands
    self.workerSlots = workerSlots
  }

  enum CodingKeys: String, CodingKey, CaseIterable {
    case workerID = "worker_id", cachedShards = "cached_shards", running, runsCommands = "runs_commands"
    case workerSlots = "worker_slots"
  }
}

/// Identifies one attempt of one trial: a result or progress report for an
/// older attempt (after the trial was re-leased) is ignored.
public struct TrialKey: Sendable, Hashable, Codable, CustomStringConvertible {
  public var experiment: String
  public var trial: Int
  public var attempt: Int

  public init(experiment: String, trial: Int, attempt: Int) {
    self.experiment = experiment
    self.trial = trial
    self.attempt = attempt
  }

  public var description: String { "\(experiment)#\(trial).\(attempt)" }
}

/// The coordinator leases a trial to a worker.
public struct TrialAssignment: Sendable, Equatable, Codable {
  public var key: TrialKey
  public var configuration: Configuration
  public var model: ModelSpec
  public var task: LearningTask
  public var objective: ObjectiveSpec
  /// Training data by content hash: fetched from the coordinator when not cached.
  public var shards: [ShardReference]
  /// Epoch budget of this attempt (≤ model.epochs).
  public var epochs: Int?
  /// Seed of every random choice of this trial's training.
  public var seed: UInt64
  /// Report progress after every epoch and wait for a decision.
  public var reportEveryEpoch: Bool
  /// Slots of the worker the trial holds (`resources.slots_per_trial`).
  public var slots: Int
  /// Set for a command experiment's release task instead of a trial: run
  /// `model.command.evaluate` on the `.candidate` checkpoint and the
  /// `.testCSV` split and send back the metrics it reports. Its key's trial
  /// number is ``EvaluationRole/keyNumber`` (negative: never a trial's); its
  /// progress is never sent (there is nothing to decide), its output is.
  public var evaluation: EvaluationRole?
  /// Set when the trial runs on a gang of workers: this member's rank and
  /// the gang's size. The member joins (``GangJoin``) and runs only after a
  /// ``GangStart``; `nil`: the slot runs the trial alone.
  public var gang: GangRole?

  public init(
    key: TrialKey, configuration: Configuration, model: ModelSpec, task: LearningTask, objective: ObjectiveSpec,
    shards: [ShardReference], epochs: Int?, seed: UInt64, reportEveryEpoch: Bool, slots: Int = 1,
    evaluation: EvaluationRole? = nil, gang: GangRole? = nil
  ) {
    self.key = key
    self.configuration = configuration
    self.model = model
    self.task = task
    self.objective = objective
    self.shards = shards
    self.epochs = epochs
    self.seed = seed
    self.reportEveryEpoch = reportEveryEpoch
    self.slots = slots
    self.evaluation = evaluation
    self.gang = gang
  }

  enum CodingKeys: String, CodingKey, CaseIterable {
    case key, configuration, model, task, objective, shards, epochs, seed
    case reportEveryEpoch = "report_every_epoch"
    case slots, evaluation, gang
  }
}

/// No trial is ready; ask again after a while.
public struct NoWork: Sendable, Equatable, Codable {
  public var retryAfterMilliseconds: Int

  public init(retryAfterMilliseconds: Int) { self.retryAfterMilliseconds = retryAfterMilliseconds }

  enum CodingKeys: String, CodingKey, CaseIterable { case retryAfterMilliseconds = "retry_after_ms" }
}

/// Metrics after one epoch of a running trial. Also renews its lease.
public struct TrialProgress: Sendable, Equatable, Codable {
  public var key: TrialKey
  public var epoch: Int
  /// Validation metrics by name; the objective's metric is always present.
  public var metrics: [String: Double]

  public init(key: TrialKey, epoch: Int, metrics: [String: Double]) {
    self.key = key
    self.epoch = epoch
    self.metrics = metrics
  }
}

/// The coordinator's answer to a progress report.
public struct TrialDecision: Sendable, Equatable, Codable {
  public enum Verdict: String, Sendable, Codable { case `continue`, stop }

  public var key: TrialKey
  public var verdict: Verdict
  /// Why the trial is stopped (for `stop`).
  public var reason: String?

  public init(key: TrialKey, verdict: Verdict, reason: String? = nil) {
    self.key = key
    self.verdict = verdict
    self.reason = reason
  }
}

/// How a trial ended on the worker.
public struct TrialResult: Sendable, Equatable, Codable {
  public enum Status: String, Sendable, Codable {
    case complete, stopped, failed
    /// The command said the configuration cannot be trained (exit 78): `error` says why.
    case infeasible
    /// The command asked to be run again (exit 75): a new attempt within the retry budget.
    case retry
  }

  public var key: TrialKey
  public var status: Status
  /// Final validation metrics (empty when failed before any epoch).
  public var metrics: [String: Double]
  public var epochs: Int
  public var seconds: Double
  /// What went wrong (for `failed`).
  public var error: String?
  /// Whether a checkpoint follows in a ``CheckpointTransfer``.
  public var hasCheckpoint: Bool
  /// The last 4 KB of a command's standard error (a failed command trial).
  public var output: String?

  public init(
    key: TrialKey, status: Status, metrics: [String: Double], epochs: Int, seconds: Double,
    error: String? = nil, hasCheckpoint: Bool = false, output: String? = nil
  ) {
    self.key = key
    self.status = status
    self.metrics = metrics
    self.epochs = epochs
    self.seconds = seconds
    self.error = error
    self.hasCheckpoint = hasCheckpoint
    self.output = output
  }

  enum CodingKeys: String, CodingKey, CaseIterable {
    case key, status, metrics, epochs, seconds, error, hasCheckpoint = "has_checkpoint", output
  }
}

/// Output of a running command trial: a chunk of its standard output (the
/// lines that are not protocol) or standard error, in order per stream.
public struct TrialLog: Sendable, Equatable, Codable {
  public enum Stream: String, Sendable, Codable, CaseIterable { case stdout, stderr }

  public var key: TrialKey
  public var stream: Stream
  /// The bytes as UTF-8 (invalid sequences replaced); at most 64 KiB per message.
  public var text: String
  /// Bytes the worker dropped before this chunk because the trial's output
  /// went over its cap (the log then ends with a note saying so).
  public var dropped: Int

  public init(key: TrialKey, stream: Stream, text: String, dropped: Int = 0) {
    self.key = key
    self.stream = stream
    self.text = text
    self.dropped = dropped
  }

  enum CodingKeys: String, CodingKey, CaseIterable { case key, stream, text, dropped }
}

/// A chunk of a trial's checkpoint: header in the body, the bytes in the
/// binary frame. A checkpoint travels as chunks of at most
/// ``WireLimits/chunkBytes``, in order (`offset` 0 first, each starting where
/// the last ended), all naming the whole checkpoint's `total` size and
/// SHA-256; the coordinator answers each with a ``CheckpointReceipt``, and
/// the worker keeps at most ``CheckpointTransfer/window`` chunks unanswered,
/// so neither side holds more than a few chunks in memory. The coordinator
/// keeps the checkpoint only once the last chunk came and the SHA-256 of the
/// whole matches.
public struct CheckpointTransfer: Sendable, Equatable {
  public var key: TrialKey
  /// Lower-case hex SHA-256 of the whole checkpoint.
  public var sha256: String
  /// Where this chunk starts in the checkpoint.
  public var offset: Int
  /// Bytes of the whole checkpoint.
  public var total: Int
  /// This chunk's bytes (`offset + bytes.count <= total`).
  public var bytes: [UInt8]

  /// Chunks a worker sends before it waits for the receipt of the oldest.
  public static let window = 2

  /// A chunk; `total` defaults to `bytes.count` (the whole checkpoint in one chunk).
  public init(key: TrialKey, sha256: String, offset: Int = 0, total: Int? = nil, bytes: [UInt8]) {
    self.key = key
    self.sha256 = sha256
    self.offset = offset
    self.total = total ?? bytes.count
    self.bytes = bytes
  }
}

/// The coordinator's answer to each ``CheckpointTransfer`` chunk: how much of
/// the checkpoint it holds, or why it refused the upload (then it dropped
/// what it had received of it, and the worker sends no more chunks of it).
public struct CheckpointReceipt: Sendable, Equatable, Codable {
  public var key: TrialKey
  /// The SHA-256 of the whole checkpoint, as the chunk named it.
  public var sha256: String
  /// Bytes of the checkpoint received in order so far (equal to its total
  /// once the whole checkpoint is kept).
  public var received: Int
  /// Why the upload was refused (a stale attempt, a chunk out of order or of
  /// a wrong size, a SHA-256 that does not match, no space on the
  /// coordinator's disk, `keep_top` 0); `nil` when the chunk was taken.
  public var refusal: String?

  public init(key: TrialKey, sha256: String, received: Int, refusal: String? = nil) {
    self.key = key
    self.sha256 = sha256
    self.received = received
    self.refusal = refusal
  }

  enum CodingKeys: String, CodingKey, CaseIterable { case key, sha256, received, refusal }
}

/// A worker asks for a shard it lacks, or for its next chunk: the
/// coordinator answers with a ``ShardTransfer`` of at most
/// ``WireLimits/chunkBytes`` bytes from `offset`.
public struct ShardRequest: Sendable, Equatable, Codable {
  public var sha256: String
  /// Where the chunk asked for starts (0 for the first).
  public var offset: Int

  public init(sha256: String, offset: Int = 0) {
    self.sha256 = sha256
    self.offset = offset
  }

  enum CodingKeys: String, CodingKey, CaseIterable { case sha256, offset }
}

/// A chunk of a shard, sent by content hash: the bytes from `offset` (at most
/// ``WireLimits/chunkBytes``), with the whole shard's size. The worker
/// writes the chunks to its cache as they come and checks the SHA-256 of the
/// whole before it uses the shard.
public struct ShardTransfer: Sendable, Equatable {
  public var sha256: String
  /// Where this chunk starts in the shard.
  public var offset: Int
  /// Bytes of the whole shard.
  public var total: Int
  /// This chunk's bytes (`offset + bytes.count <= total`).
  public var bytes: [UInt8]

  /// A chunk; `total` defaults to `bytes.count` (the whole shard in one chunk).
  public init(sha256: String, offset: Int = 0, total: Int? = nil, bytes: [UInt8]) {
    self.sha256 = sha256
    self.offset = offset
    self.total = total ?? bytes.count
    self.bytes = bytes
  }
}

/// The worker is alive; renews the leases of its running trials.
public struct Heartbeat: Sendable, Equatable, Codable {
  public var workerID: String
  public var running: [TrialKey]

  public init(workerID: String, running: [TrialKey]) {
    self.workerID = workerID
    self.running = running
  }

  enum CodingKeys: String, CodingKey, CaseIterable { case workerID = "worker_id", running }
}

/// The worker leaves; trials it names are handed back.
public struct Goodbye: Sendable, Equatable, Codable {
  public var workerID: String
  public var reason: String
  public var handedBack: [TrialKey]

  public init(workerID: String, reason: String, handedBack: [TrialKey] = []) {
    self.workerID = workerID
    self.reason = reason
    self.handedBack = handedBack
  }

  enum CodingKeys: String, CodingKey, CaseIterable { case workerID = "worker_id", reason, handedBack = "handed_back" }
}

/// A refusal or failure the other side should log (unknown version, bad message, ...).
public struct WireFailure: Sendable, Equatable, Codable {
  /// What went wrong, for programs; a new code needs a protocol version bump.
  public enum Code: String, Sendable, Codable, CaseIterable {
    /// The message could not be decoded (size, version, unknown key, bad value).
    case badMessage = "bad_message"
    /// A message the receiver does not accept from this peer (a reply type sent as a request).
    case unexpected
    /// The receiver failed while handling a valid message.
    case `internal`
    /// No shard with the requested SHA-256.
    case unknownShard = "unknown_shard"
    /// The peer speaks another protocol version.
    case unsupportedVersion = "unsupported_version"
  }

  public var code: Code
  public var message: String

  public init(code: Code, message: String) {
    self.code = code
    self.message = message
  }
}
