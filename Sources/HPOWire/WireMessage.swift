import HPOCore

/// Every message of the hpo protocol, between the coordinator and its workers
/// and between clients (`hpo submit`, `hpo status`, ...) and the coordinator.
///
/// On the wire a message is a ZeroMQ multipart message: a 5-byte header
/// (`"HPO"`, protocol version, message type), one JSON body frame, then zero
/// or more binary frames (checkpoints, shards). See ``WireCodec`` and the
/// README's "Wire protocol" section.
public enum WireMessage: Sendable, Equatable {
  // Worker → coordinator
  case hello(WorkerHello)
  case askForWork(WorkRequest)
  case progress(TrialProgress)
  case result(TrialResult)
  case checkpoint(CheckpointTransfer)
  case shardRequest(ShardRequest)
  case heartbeat(Heartbeat)
  case goodbye(Goodbye)
  case log(TrialLog)
  case gangJoin(GangJoin)
  // Coordinator → worker
  case welcome(Welcome)
  case assignment(TrialAssignment)
  case noWork(NoWork)
  case decision(TrialDecision)
  case shard(ShardTransfer)
  case checkpointReceipt(CheckpointReceipt)
  case gangStart(GangStart)
  case gangCancel(GangCancel)
  // Either way
  case error(WireFailure)
  // Client ↔ coordinator
  case submit(SubmitRequest)
  case submitted(SubmitReply)
  case statusRequest(StatusRequest)
  case status(StatusReply)
  case cancel(CancelRequest)
  case logRequest(LogRequest)
  case logReply(LogReply)

  /// The type byte of the header.
  public var type: WireMessageType {
    switch self {
    case .hello: return .hello
    case .askForWork: return .askForWork
    case .progress: return .progress
    case .result: return .result
    case .checkpoint: return .checkpoint
    case .shardRequest: return .shardRequest
    case .heartbeat: return .heartbeat
    case .goodbye: return .goodbye
    case .log: return .log
    case .gangJoin: return .gangJoin
    case .welcome: return .welcome
    case .assignment: return .assignment
    case .noWork: return .noWork
    case .decision: return .decision
    case .shard: return .shard
    case .checkpointReceipt: return .checkpointReceipt
    case .gangStart: return .gangStart
    case .gangCancel: return .gangCancel
    case .error: return .error
    case .submit: return .submit
    case .submitted: return .submitted
    case .statusRequest: return .statusRequest
    case .status: return .status
    case .cancel: return .cancel
    case .logRequest: return .logRequest
    case .logReply: return .logReply
    }
  }
}

/// The message type byte. Values are stable across versions: a new message
/// gets a new number; a number is never reused.
public enum WireMessageType: UInt8, Sendable, CaseIterable {
  case hello = 1, askForWork = 2, progress = 3, result = 4, checkpoint = 5, shardRequest = 6
  case heartbeat = 7, goodbye = 8, log = 9, gangJoin = 10
  case welcome = 20, assignment = 21, noWork = 22, decision = 23, shard = 24, checkpointReceipt = 25
  case gangStart = 26, gangCancel = 27
  case error = 40
  case submit = 60, submitted = 61, statusRequest = 62, status = 63, cancel = 64, logRequest = 65, logReply = 66

  /// A short lower-case name for logs ("assignment").
  public var name: String { String(describing: self) }
}
