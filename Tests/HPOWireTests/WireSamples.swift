import HPOCore
import HPOWire

/// One message of every type, with values that exercise each field (floats,
/// optional fields set and unset, binary payloads). The golden fixtures under
/// Fixtures/v1 are these messages encoded by protocol version 1.
enum WireSamples {
  static let key = TrialKey(experiment: "digits-mlp", trial: 7, attempt: 2)
  static let configuration = Configuration([
    "learning_rate": .float(0.0125), "layers": .int(2), "activation": .string("relu"), "nesterov": .bool(true),
  ])

  static let all: [(String, WireMessage)] = [
    ("hello", .hello(WorkerHello(workerID: "w-1", slots: 2, hpoVersion: "0.1.0", host: "node-3"))),
    ("ask", .askForWork(WorkRequest(workerID: "w-1", cachedShards: ["ab12", "cd34"]))),
    ("progress", .progress(TrialProgress(key: key, epoch: 3, metrics: ["accuracy": 0.9375, "log_loss": 0.25]))),
    ("result", .result(TrialResult(key: key, status: .complete, metrics: ["accuracy": 0.96875], epochs: 27, seconds: 12.5, hasCheckpoint: true))),
    ("result-failed", .result(TrialResult(key: key, status: .failed, metrics: [:], epochs: 0, seconds: 0.5, error: "loss diverged (NaN) at epoch 1"))),
    ("checkpoint", .checkpoint(CheckpointTransfer(key: key, sha256: "00ff", offset: 8, total: 12, bytes: [0, 1, 2, 255]))),
    ("shard-request", .shardRequest(ShardRequest(sha256: "ab12", offset: 4_194_304))),
    ("heartbeat", .heartbeat(Heartbeat(workerID: "w-1", running: [key]))),
    ("goodbye", .goodbye(Goodbye(workerID: "w-1", reason: "SIGTERM", handedBack: [key]))),
    ("welcome", .welcome(Welcome(coordinatorID: "c-1", heartbeatMilliseconds: 500, leaseMilliseconds: 5000))),
    ("assignment", .assignment(TrialAssignment(
      key: key, configuration: configuration, model: ModelSpec(kind: .mlp, epochs: 27),
      task: .classification, objective: ObjectiveSpec(metric: .accuracy),
      shards: [ShardReference(sha256: "ab12", bytes: 4096, role: .train)], epochs: 9, seed: 1234567890123, reportEveryEpoch: true))),
    ("no-work", .noWork(NoWork(retryAfterMilliseconds: 250))),
    ("decision-stop", .decision(TrialDecision(key: key, verdict: .stop, reason: "asha: below the top 1/3 at rung 1 (epoch 3)"))),
    ("shard", .shard(ShardTransfer(sha256: "ab12", offset: 0, total: 20, bytes: Array(repeating: 7, count: 16)))),
    ("error", .error(WireFailure(code: .unsupportedVersion, message: "protocol version 9 is not supported"))),
    ("status-request", .statusRequest(StatusRequest(experiment: nil))),
    ("cancel", .cancel(CancelRequest(experiment: "digits-mlp"))),
    ("submitted", .submitted(SubmitReply(experiment: "digits-mlp", accepted: false, message: "an experiment named digits-mlp exists; use --resume"))),
    ("status-release", .status(StatusReply(experiments: [ExperimentStatus(
      name: "digits-mlp", state: .finished, budget: 40, counts: [.complete: 38, .failed: 2], bestValue: 0.96875, bestTrial: 17,
      bestConfiguration: nil, elapsedSeconds: 81.5,
      release: ReleaseStatus(state: .gateFailed, failedGates: ["gap"], message: "1 of 4 gates failed: gap",
                             report: "/runs/digits-mlp/report.md", package: "/runs/digits-mlp/rejected"))], workers: 2))),
    // Version 2: the preparing state, and a failure with its cause.
    ("status-failure", .status(StatusReply(experiments: [
      ExperimentStatus(name: "big", state: .preparing, budget: 10, counts: [:], bestValue: nil, bestTrial: nil,
                       bestConfiguration: nil, elapsedSeconds: 2),
      ExperimentStatus(name: "bad", state: .failed, budget: 10, counts: [:], bestValue: nil, bestTrial: nil,
                       bestConfiguration: nil, elapsedSeconds: 0.5,
                       failure: ExperimentFailure(cause: .data, message: "the data of bad cannot be used: /d/bad.csv:3: column x: \"abc\" is not a number")),
    ], workers: 1))),
    // Version 3: command trials — asks that run commands, infeasible and retried results with
    // the command's stderr, trial output, the command model, its shards and trial states.
    ("ask-commands", .askForWork(WorkRequest(workerID: "w-1", running: key, runsCommands: true, workerSlots: 4))),
    ("result-infeasible", .result(TrialResult(
      key: key, status: .infeasible, metrics: [:], epochs: 0, seconds: 0.25, error: "max_depth 40 > 8 features"))),
    ("result-retry", .result(TrialResult(
      key: key, status: .retry, metrics: [:], epochs: 1, seconds: 3, error: "exit status 75", output: "GPU busy\n"))),
    ("log", .log(TrialLog(key: key, stream: .stderr, text: "epoch 1 loss 0.5\n", dropped: 4096))),
    ("assignment-command", .assignment(TrialAssignment(
      key: key, configuration: configuration,
      model: ModelSpec(kind: .command, epochs: 5, command: CommandSpec(
        train: ["python3", "train.py"], evaluate: ["python3", "evaluate.py"], workdir: "/runs/sk",
        env: ["OMP_NUM_THREADS": "1"], timeoutSeconds: 1800)),
      task: .classification, objective: ObjectiveSpec(metric: .accuracy),
      shards: [ShardReference(sha256: "ab12", bytes: 4096, role: .code), ShardReference(sha256: "cd34", bytes: 99, role: .trainCSV),
               ShardReference(sha256: "ef56", bytes: 9, role: .validationCSV), ShardReference(sha256: "0a0b", bytes: 77, role: .resume)],
      epochs: 5, seed: 42, reportEveryEpoch: true, slots: 2))),
    // The release stage's evaluate task and its result (keys with trial number -1: the winner).
    ("assignment-evaluate", .assignment(TrialAssignment(
      key: TrialKey(experiment: "sk", trial: -1, attempt: 1), configuration: configuration,
      model: ModelSpec(kind: .command, command: CommandSpec(
        train: ["python3", "train.py"], evaluate: ["python3", "evaluate.py"], workdir: "/runs/sk")),
      task: .classification, objective: ObjectiveSpec(metric: .accuracy),
      shards: [ShardReference(sha256: "ab12", bytes: 4096, role: .code), ShardReference(sha256: "1c2d", bytes: 640, role: .candidate),
               ShardReference(sha256: "3e4f", bytes: 88, role: .testCSV)],
      epochs: nil, seed: 42, reportEveryEpoch: false, evaluation: .winner))),
    ("result-evaluate", .result(TrialResult(
      key: TrialKey(experiment: "sk", trial: -1, attempt: 1), status: .complete, metrics: ["accuracy": 0.95], epochs: 0, seconds: 1.5))),
    ("log-request", .logRequest(LogRequest(experiment: "sk", trial: 3, offset: 65536))),
    ("log-reply", .logReply(LogReply(experiment: "sk", trial: 3, text: "epoch 2 loss 0.25\n", next: 65554, finished: false))),
    ("log-reply-error", .logReply(LogReply(experiment: "sk", trial: 99, text: "", next: 0, finished: true, error: "sk has no trial 99 (it has 10)"))),
    // Checkpoints and shards in chunks (issue 18): offsets and totals, and the receipts of checkpoint chunks.
    ("checkpoint-receipt", .checkpointReceipt(CheckpointReceipt(key: key, sha256: "00ff", received: 12))),
    ("checkpoint-receipt-refused", .checkpointReceipt(CheckpointReceipt(
      key: key, sha256: "00ff", received: 0, refusal: "checkpoint of digits-mlp#7.2 refused: a chunk at byte 8 out of order (byte 4 was due)"))),
    ("status-command", .status(StatusReply(experiments: [
      ExperimentStatus(name: "sk", state: .failed, budget: 10, counts: [.infeasible: 2, .failed: 5], bestValue: nil, bestTrial: nil,
                       bestConfiguration: nil, elapsedSeconds: 3,
                       trials: [TrialSummary(number: 0, state: .failed, configuration: configuration, value: nil, metrics: [:], epochs: 0,
                                             attempts: 1, worker: "w-1", reason: "exit status 1", output: "Traceback\nValueError\n")],
                       failure: ExperimentFailure(cause: .repeatedFailure, message: "sk stopped: 5 trials in a row failed the same way: not found: python9")),
      ExperimentStatus(name: "sk2", state: .queued, budget: 4, counts: [.pending: 1], bestValue: nil, bestTrial: nil,
                       bestConfiguration: nil, elapsedSeconds: 9,
                       waiting: "waiting for a worker started with --allow-commands (none of the 2 connected workers runs commands)"),
    ], workers: 1))),
    // Version 4: gang trials.
    ("assignment-gang", .assignment(TrialAssignment(
      key: key, configuration: configuration, model: ModelSpec(kind: .function, epochs: 3, function: .sleep),
      task: .regression, objective: ObjectiveSpec(metric: .value), shards: [], epochs: 3, seed: 42, reportEveryEpoch: true,
      gang: GangRole(rank: 1, size: 3)))),
    ("gang-join", .gangJoin(GangJoin(key: key, workerID: "w-2-0", rank: 1, address: "tcp://10.0.0.2:41234"))),
    ("gang-join-curve", .gangJoin(GangJoin(
      key: key, workerID: "w-2-0", rank: 1, address: "tcp://10.0.0.2:41234", publicKey: "rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7"))),
    ("gang-start", .gangStart(GangStart(
      key: key, addresses: ["tcp://10.0.0.1:40001", "tcp://10.0.0.2:41234", "tcp://10.0.0.3:39999"], deadlineMilliseconds: 10_000))),
    ("gang-cancel", .gangCancel(GangCancel(key: key, reason: "rank 2 did not join within 10 s"))),
    ("status-gang", .status(StatusReply(experiments: [ExperimentStatus(
      name: "fashion", state: .running, budget: 8, counts: [.running: 1, .complete: 2], bestValue: 0.875, bestTrial: 1,
      bestConfiguration: nil, elapsedSeconds: 42,
      trials: [TrialSummary(number: 2, state: .running, configuration: configuration, value: nil, metrics: [:], epochs: 3,
                            attempts: 1, worker: "w-1-0", reason: nil,
                            members: [GangMember(workerID: "w-1-0", address: "tcp://10.0.0.1:40001"),
                                      GangMember(workerID: "w-2-0", address: "tcp://10.0.0.2:41234")])],
      gangs: [2: [GangMember(workerID: "w-1-0", address: "tcp://10.0.0.1:40001"),
                  GangMember(workerID: "w-2-0", address: "tcp://10.0.0.2:41234")]])], workers: 2))),
  ]
}
