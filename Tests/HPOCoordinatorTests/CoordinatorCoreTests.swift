import Foundation
import HPOCore
import HPOSearch
import HPOStore
import HPOWire
import Testing
@testable import HPOCoordinator

/// The coordinator's logic driven message by message, with an in-memory store
/// and a manual clock: leases, requeues, late results, resume, fairness.
@Suite struct CoordinatorCoreTests {
  static func spec(_ name: String = "fn", trials: Int = 6, parallel: Int = 2, reproducible: Bool = false, epochs: Int? = nil) -> ExperimentSpec {
    ExperimentSpec(
      name: name, data: nil, model: ModelSpec(kind: .function, epochs: epochs, function: .branin),
      space: SearchSpace([
        Parameter(name: "x1", domain: .float(FloatRange(low: -5, high: 10))),
        Parameter(name: "x2", domain: .float(FloatRange(low: 0, high: 15))),
      ]),
      objective: ObjectiveSpec(metric: .value), search: SearchSpec(strategy: .random, trials: trials, parallel: parallel, seed: 3, reproducible: reproducible),
      output: OutputSpec(dir: "/tmp/hpo-core-tests/\(name)", keepTop: 0))
  }

  static let t0 = CoordinatorTime(wall: Date(timeIntervalSince1970: 1_000_000), monotonic: .seconds(1_000))
  static let config = CoordinatorConfiguration(leaseDuration: .seconds(10), maxAttempts: 2)

  static func core(_ store: ExperimentStore, now: CoordinatorTime = t0) throws -> CoordinatorCore {
    try CoordinatorCore(store: store, configuration: config, samplerFactory: { spec in
      makeSampler(for: spec.search, direction: spec.objective.direction)
    }, now: now)
  }

  static let peer = PeerID([1])

  /// Handles one message and commits, as the service does for each batch.
  func send(_ core: CoordinatorCore, _ m: WireMessage, at now: CoordinatorTime = t0) -> [WireMessage] {
    let replies = core.handle(Incoming(peer: Self.peer, message: .success(m)), now: now).map(\.message)
    do { try core.flush() } catch { Issue.record("commit failed: \(error)") }
    return replies
  }

  func submit(_ core: CoordinatorCore, _ spec: ExperimentSpec, resume: Bool = false) -> SubmitReply? {
    guard case .submitted(let r)? = send(core, .submit(SubmitRequest(spec: spec, baseDirectory: "/", resume: resume))).first else { return nil }
    return r
  }

  /// Waits for the background data preparations to end and takes their
  /// results, as the service's tick does.
  func awaitPreparations(_ core: CoordinatorCore, at now: CoordinatorTime = t0) throws {
    let deadline = Date().addingTimeInterval(60)
    while !core.preparations.isEmpty, Date() < deadline {
      Thread.sleep(forTimeInterval: 0.005)
      try core.advancePreparations(now: now)
      try core.flush()
    }
  }

  func ask(_ core: CoordinatorCore, _ worker: String, at now: CoordinatorTime = t0) -> TrialAssignment? {
    guard case .assignment(let a)? = send(core, .askForWork(WorkRequest(workerID: worker)), at: now).first else { return nil }
    return a
  }

  func finish(_ core: CoordinatorCore, _ a: TrialAssignment, value: Double, at now: CoordinatorTime = t0) {
    _ = send(core, .result(TrialResult(key: a.key, status: .complete, metrics: ["value": value], epochs: 0, seconds: 0.1)), at: now)
  }

  @Test func budget_isExactAndParallelLimitHolds() throws {
    let store = ExperimentStore.inMemory()
    let core = try Self.core(store)
    #expect(submit(core, Self.spec())?.accepted == true)
    let a = try #require(ask(core, "w1"))
    let b = try #require(ask(core, "w2"))
    #expect(ask(core, "w3") == nil, "parallel is 2")
    finish(core, a, value: 1)
    finish(core, b, value: 2)
    var done = 2
    while let next = ask(core, "w1") {
      finish(core, next, value: Double(done))
      done += 1
    }
    #expect(done == 6)
    let trials = try store.trials(of: "fn")
    #expect(trials.map(\.number) == Array(0..<6))
    #expect(trials.allSatisfy { $0.state == .complete })
    #expect(try store.experiment(named: "fn")?.state == .finished)
  }

  @Test func ask_fromAWorkerHoldingALease_returnsTheSameTrial() throws {
    let core = try Self.core(ExperimentStore.inMemory())
    _ = submit(core, Self.spec())
    let first = try #require(ask(core, "w1"))
    let again = try #require(ask(core, "w1"))
    #expect(first == again)
  }

  @Test func lostLease_requeuesThenFailsAfterTheRetryBudget() throws {
    let store = ExperimentStore.inMemory()
    let core = try Self.core(store)
    _ = submit(core, Self.spec(trials: 1, parallel: 1))
    let first = try #require(ask(core, "w1"))
    try core.tick(now: Self.t0.addingTimeInterval(11))
    let second = try #require(ask(core, "w2", at: Self.t0.addingTimeInterval(11)))
    #expect(second.key.trial == first.key.trial)
    #expect(second.key.attempt == 2)
    #expect(second.configuration == first.configuration)
    try core.tick(now: Self.t0.addingTimeInterval(30))
    let stored = try #require(try store.storedTrials(of: "fn").first)
    #expect(stored.state == .failed)
    #expect(stored.reason?.hasPrefix("lost worker w2") == true)
    #expect(try store.experiment(named: "fn")?.state == .finished)
  }

  @Test func lateResultAfterARelease_isIgnored() throws {
    let store = ExperimentStore.inMemory()
    let core = try Self.core(store)
    _ = submit(core, Self.spec(trials: 1, parallel: 1))
    let first = try #require(ask(core, "w1"))
    try core.tick(now: Self.t0.addingTimeInterval(11))
    let second = try #require(ask(core, "w2", at: Self.t0.addingTimeInterval(11)))
    finish(core, first, value: 111, at: Self.t0.addingTimeInterval(12))  // the lost worker comes back late
    #expect(try store.trials(of: "fn").first?.state == .running, "a late result of attempt 1 must not complete attempt 2")
    finish(core, second, value: 7, at: Self.t0.addingTimeInterval(13))
    let trial = try #require(try store.trials(of: "fn").first)
    #expect(trial.state == .complete)
    #expect(trial.value == 7)
  }

  @Test func heartbeat_renewsTheLease() throws {
    let store = ExperimentStore.inMemory()
    let core = try Self.core(store)
    _ = submit(core, Self.spec(trials: 1, parallel: 1))
    let a = try #require(ask(core, "w1"))
    _ = send(core, .heartbeat(Heartbeat(workerID: "w1", running: [a.key])), at: Self.t0.addingTimeInterval(8))
    try core.tick(now: Self.t0.addingTimeInterval(15))
    #expect(try store.trials(of: "fn").first?.state == .running, "renewed at t+8 until t+18")
  }

  @Test func restart_resumesFromTheStoreAndReleasesRunningTrials() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("hpo-coord-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    let path = dir.appendingPathComponent("store.sqlite").path
    var finished: [TrialRecord] = []
    do {
      let store = try ExperimentStore.open(path: path)
      let core = try Self.core(store)
      _ = submit(core, Self.spec(trials: 4, parallel: 2))
      let a = try #require(ask(core, "w1"))
      _ = try #require(ask(core, "w2"))
      finish(core, a, value: 5)
      finished = try store.trials(of: "fn").filter { $0.state == .complete }
      try store.close()  // the coordinator dies with trial 1 running
    }
    let store = try ExperimentStore.open(path: path)
    defer { try? store.close() }
    let core = try Self.core(store, now: Self.t0.addingTimeInterval(60))
    #expect(try store.trials(of: "fn").filter { $0.state == .complete } == finished, "nothing finished is lost")
    let again = try #require(ask(core, "w3", at: Self.t0.addingTimeInterval(60)))
    #expect(again.key.trial == 1, "the trial that was running is leased again first")
    #expect(again.key.attempt == 2)
  }

  @Test func submit_existingNameIsRefusedUnlessResumed() throws {
    let core = try Self.core(ExperimentStore.inMemory())
    #expect(submit(core, Self.spec())?.accepted == true)
    let refused = try #require(submit(core, Self.spec()))
    #expect(!refused.accepted)
    #expect(refused.message == "an experiment named fn exists in this coordinator's store (queued, 0 of 6 trials finished); use --resume to continue it, or choose another name")
    #expect(submit(core, Self.spec(), resume: true)?.accepted == true)
    var other = Self.spec()
    other.search.trials = 9
    #expect(submit(core, other, resume: true)?.accepted == false, "resume needs the same spec")
  }

  @Test func dispatch_isFairAcrossExperiments() throws {
    let core = try Self.core(ExperimentStore.inMemory())
    _ = submit(core, Self.spec("a", trials: 10, parallel: 10))
    _ = submit(core, Self.spec("b", trials: 10, parallel: 10))
    let names = (0..<6).compactMap { ask(core, "w\($0)")?.key.experiment }
    #expect(names == ["a", "b", "a", "b", "a", "b"])
  }

  @Test func reproducibleMode_sameTrialsWhateverTheFinishingOrder() throws {
    func run(order: (Int) -> [Int]) throws -> [Configuration] {
      let store = ExperimentStore.inMemory()
      let core = try Self.core(store)
      _ = submit(core, Self.spec(trials: 9, parallel: 3, reproducible: true))
      var running: [TrialAssignment] = []
      var round = 0
      while true {
        while running.count < 3, let a = ask(core, "w\(running.count)-\(round)") { running.append(a) }
        if running.isEmpty { break }
        // Finish the running trials in a schedule-dependent order, one per round.
        let pick = order(round) .first { $0 < running.count } ?? 0
        let a = running.remove(at: pick)
        finish(core, a, value: FunctionValue.branin(a.configuration))
        round += 1
      }
      return try store.trials(of: "fn").map(\.configuration)
    }
    let inOrder = try run { _ in [0] }
    let reversed = try run { _ in [2, 1, 0] }
    #expect(inOrder.count == 9)
    #expect(inOrder == reversed)
  }

  @Test func malformedMessage_isAnsweredWithAnErrorAndServingGoesOn() throws {
    let core = try Self.core(ExperimentStore.inMemory())
    let replies = core.handle(Incoming(peer: Self.peer, message: .failure(.unknownType(99))), now: Self.t0)
    guard case .error(let e)? = replies.first?.message else {
      Issue.record("no error reply")
      return
    }
    #expect(e.message == "unknown message type 99")
    #expect(submit(core, Self.spec())?.accepted == true)
  }
}

/// Branin, for the tests' fake workers.
enum FunctionValue {
  static func branin(_ c: Configuration) -> Double {
    let x1 = c["x1"]!.numericValue!, x2 = c["x2"]!.numericValue!
    let b = 5.1 / (4 * Double.pi * Double.pi), cc = 5 / Double.pi, t = 1 / (8 * Double.pi)
    let term = x2 - b * x1 * x1 + cc * x1 - 6
    return term * term + 10 * (1 - t) * cos(x1) + 10
  }
}
