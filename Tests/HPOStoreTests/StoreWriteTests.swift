import Foundation
import HPOCore
@testable import HPOStore
import Testing

/// The write API's rules, on both an in-memory and a file store.
@Suite struct StoreWriteTests {
  let e = "iris"
  let w1a1 = Lease(worker: "w1", attempt: 1)
  let w2a2 = Lease(worker: "w2", attempt: 2)

  /// An experiment with `count` pending trials.
  func seeded(_ store: ExperimentStore, trials count: Int = 3) throws {
    try store.apply(
      [.createExperiment(sampleSpec(e), seed: 7)]
        + (0..<count).map { .insertTrial(trial(e, $0), configuration: config(0.01 * Double($0 + 1), 8, "adam"), seed: UInt64($0)) },
      at: Clock.at(0))
  }

  @Test(arguments: StoreKind.allCases)
  func aFailingChangeLeavesNothingOfItsBatch(kind: StoreKind) throws {
    try withStore(kind) { store in
      try seeded(store)
      let before = try Snapshot(store)
      let error = #expect(throws: StoreError.self) {
        try store.apply([
          .leaseTrial(trial(e, 0), lease: w1a1, deadline: Clock.at(10)),
          .recordIntermediate(trial(e, 0), lease: w1a1, step: 1, value: 0.5, metrics: ["loss": 1]),
          .createExperiment(sampleSpec("other"), seed: 1),
          .insertTrial(trial(e, 5), configuration: config(0.1, 8, "sgd"), seed: 5),  // next is 3
        ], at: Clock.at(1))
      }
      #expect(error?.kind == .trialNumberNotDense(trial(e, 5), expected: 3))
      #expect(try Snapshot(store) == before)
      #expect(try store.experiment(named: "other") == nil)
    }
  }

  @Test func aStaleCompletionIsReportedAndNotCounted() throws {
    let store = ExperimentStore.inMemory()
    try seeded(store)
    try store.apply(.leaseTrial(trial(e, 0), lease: w1a1, deadline: Clock.at(10)), at: Clock.at(1))
    // w1 is presumed lost; the trial goes to w2.
    try store.apply([
      .requeueTrial(trial(e, 0), lease: w1a1, reason: "worker w1 lost"),
      .leaseTrial(trial(e, 0), lease: Lease(worker: "w2", attempt: 2), deadline: Clock.at(30)),
    ], at: Clock.at(11))
    // w1's late result arrives in a batch with other work: only it is skipped.
    let outcomes = try store.apply([
      .completeTrial(trial(e, 0), lease: w1a1, value: 0.1, metrics: ["accuracy": 0.1], seconds: 9, epochs: 3),
      .leaseTrial(trial(e, 1), lease: w1a1, deadline: Clock.at(40)),
    ], at: Clock.at(12))
    #expect(outcomes == [
      .stale(StaleChange(
        change: "completeTrial", trial: trial(e, 0), presented: w1a1, state: .running,
        current: Lease(worker: "w2", attempt: 2))),
      .applied,
    ])
    #expect(try store.trial(trial(e, 0))?.state == .running)
    #expect(try store.trial(trial(e, 1))?.state == .running)

    let done = try store.apply(
      .completeTrial(trial(e, 0), lease: w2a2, value: 0.9, metrics: ["accuracy": 0.9], seconds: 2, epochs: 3),
      at: Clock.at(13))
    #expect(done == .applied)
    // A duplicate of the accepted result is stale too: the trial is complete.
    let again = try store.apply(
      .completeTrial(trial(e, 0), lease: w2a2, value: 0.5, metrics: [:], seconds: 2, epochs: 3), at: Clock.at(14))
    guard case .stale(let stale) = again else { Issue.record("expected stale, got \(again)"); return }
    #expect(stale.state == .complete && stale.current == nil)
    #expect(stale.description.contains("ignored: the trial is complete"))

    let t = try #require(try store.trial(trial(e, 0)))
    #expect(t.record.value == 0.9 && t.metrics == ["accuracy": 0.9] && t.worker == "w2" && t.attempts == 2)
    #expect(try store.experiment(named: e)?.trialCounts.complete == 1)
  }

  @Test func staleProgressHeartbeatAndFailureAreIgnored() throws {
    let store = ExperimentStore.inMemory()
    try seeded(store)
    try store.apply(.leaseTrial(trial(e, 0), lease: w1a1, deadline: Clock.at(10)), at: Clock.at(1))
    let impostor = Lease(worker: "w9", attempt: 1)
    let outcomes = try store.apply([
      .renewLease(trial(e, 0), lease: impostor, deadline: Clock.at(99)),
      .recordIntermediate(trial(e, 0), lease: impostor, step: 1, value: 0.3, metrics: [:]),
      .pruneTrial(trial(e, 0), lease: impostor, value: 0.3, rung: 0, reason: "x", epochs: 1),
      .failTrial(trial(e, 0), lease: impostor, reason: "x"),
      .requeueTrial(trial(e, 0), lease: impostor, reason: "x"),
      .renewLease(trial(e, 1), lease: w1a1, deadline: Clock.at(99)),  // pending: never leased
    ], at: Clock.at(2))
    #expect(outcomes.allSatisfy { !$0.isApplied })
    let t = try #require(try store.trial(trial(e, 0)))
    #expect(t.state == .running && t.leaseDeadline == Clock.at(10) && t.record.intermediate.isEmpty && t.epochs == 0)
  }

  @Test(arguments: StoreKind.allCases)
  func requeueKeepsAttemptsAndDropsTheLostAttempt(kind: StoreKind) throws {
    try withStore(kind) { store in
      try seeded(store)
      try store.apply([
        .leaseTrial(trial(e, 0), lease: w1a1, deadline: Clock.at(10)),
        .recordIntermediate(trial(e, 0), lease: w1a1, step: 1, value: 0.4, metrics: ["loss": 2]),
      ], at: Clock.at(1))
      try store.apply(.requeueTrial(trial(e, 0), lease: w1a1, reason: "worker w1 lost: lease expired"), at: Clock.at(11))

      let t = try #require(try store.trial(trial(e, 0)))
      #expect(t.state == .pending && t.attempts == 1 && t.worker == nil && t.leaseDeadline == nil && t.startedAt == nil)
      #expect(t.record.intermediate.isEmpty && t.epochs == 0 && t.intermediateMetrics.isEmpty)
      #expect(t.reason == "worker w1 lost: lease expired")

      // The next lease must be attempt 2.
      let error = #expect(throws: StoreError.self) {
        try store.apply(.leaseTrial(trial(e, 0), lease: w1a1, deadline: Clock.at(20)), at: Clock.at(12))
      }
      guard case .invalidTransition(_, "leaseTrial", .pending, let detail)? = error?.kind else {
        Issue.record("unexpected \(String(describing: error))"); return
      }
      #expect(detail.contains("the next attempt is 2, not 1"))
      try store.apply(.leaseTrial(trial(e, 0), lease: w2a2, deadline: Clock.at(20)), at: Clock.at(12))
      #expect(try store.trial(trial(e, 0))?.lease == w2a2)
    }
  }

  @Test func trialNumbersAreDenseAndLeasesNeedAPendingTrial() throws {
    let store = ExperimentStore.inMemory()
    try seeded(store, trials: 2)
    for number in [1, 3] {
      let error = #expect(throws: StoreError.self) {
        try store.apply(.insertTrial(trial(e, number), configuration: Configuration(), seed: 0))
      }
      #expect(error?.kind == .trialNumberNotDense(trial(e, number), expected: 2))
    }
    try store.apply(.insertTrial(trial(e, 2), configuration: Configuration(), seed: 0))
    #expect(try store.trials(of: e).map(\.number) == [0, 1, 2])

    try store.apply(.leaseTrial(trial(e, 0), lease: w1a1, deadline: Clock.at(10)))
    let twice = #expect(throws: StoreError.self) {
      try store.apply(.leaseTrial(trial(e, 0), lease: Lease(worker: "w2", attempt: 2), deadline: Clock.at(10)))
    }
    #expect(twice?.description.contains("the trial is running; only a pending trial can be leased") == true)
  }

  @Test func aDuplicateExperimentNameIsRefused() throws {
    let store = ExperimentStore.inMemory()
    try seeded(store)
    let error = #expect(throws: StoreError.self) { try store.apply(.createExperiment(sampleSpec(e, seed: 99), seed: 99)) }
    #expect(error?.kind == .duplicateExperiment(name: e))
    #expect(error?.description == """
      store :memory: already has an experiment named "iris"; resume it, or give the new experiment another name
      """)
    // Twice in one batch: refused, and the batch's first creation is rolled back too.
    let inBatch = #expect(throws: StoreError.self) {
      try store.apply([.createExperiment(sampleSpec("b"), seed: 1), .createExperiment(sampleSpec("b"), seed: 2)])
    }
    #expect(inBatch?.kind == .duplicateExperiment(name: "b"))
    #expect(try store.experiments().map(\.name) == [e])
  }

  @Test func unknownNamesAndBadArgumentsAreRefused() throws {
    let store = ExperimentStore.inMemory()
    try seeded(store)
    let cases: [(StoreChange, StoreError.Kind)] = [
      (.insertTrial(trial("nope", 0), configuration: Configuration(), seed: 0), .unknownExperiment(name: "nope")),
      (.leaseTrial(trial(e, 7), lease: w1a1, deadline: Clock.at(1)), .unknownTrial(trial(e, 7))),
      (.completeTrial(trial(e, 7), lease: w1a1, value: 1, metrics: [:], seconds: 1, epochs: 1), .unknownTrial(trial(e, 7))),
      (.recordCheckpoint(trial(e, 7), path: "c", sha256: String(repeating: "0", count: 64), bytes: 1), .unknownTrial(trial(e, 7))),
      (.leaseTrial(trial(e, 0), lease: Lease(worker: "", attempt: 1), deadline: Clock.at(1)),
       .invalidChange(change: "leaseTrial", reason: "the worker id is empty")),
      (.recordIntermediate(trial(e, 0), lease: w1a1, step: -1, value: 1, metrics: [:]),
       .invalidChange(change: "recordIntermediate", reason: "step -1 is negative")),
      (.recordCheckpoint(trial(e, 0), path: "c", sha256: "ABC", bytes: 1),
       .invalidChange(change: "recordCheckpoint", reason: "sha256 \"ABC\" is not 64 lowercase hex digits")),
      (.completeTrial(trial(e, 0), lease: w1a1, value: 1, metrics: [:], seconds: .nan, epochs: 1),
       .invalidChange(change: "completeTrial", reason: "seconds nan is not a finite duration ≥ 0")),
    ]
    for (change, kind) in cases {
      let error = #expect(throws: StoreError.self, "\(change.name)") { try store.apply(change) }
      #expect(error?.kind == kind)
    }
    #expect(throws: StoreError.self) { try store.trials(of: "nope") }
    #expect(try store.experiment(named: "nope") == nil)
    #expect(try store.trial(trial("nope", 0)) == nil)
  }

  @Test func pruneDefaultsToTheLastReportAndFailWithoutALeaseIsACoordinatorDecision() throws {
    let store = ExperimentStore.inMemory()
    try seeded(store)
    try store.apply([
      .leaseTrial(trial(e, 0), lease: w1a1, deadline: Clock.at(10)),
      .recordIntermediate(trial(e, 0), lease: w1a1, step: 1, value: 0.7, metrics: [:]),
      .recordIntermediate(trial(e, 0), lease: w1a1, step: 3, value: 0.6, metrics: ["loss": 0.9]),
      .recordIntermediate(trial(e, 0), lease: w1a1, step: 2, value: 0.65, metrics: [:]),
      .recordIntermediate(trial(e, 0), lease: w1a1, step: 2, value: 0.66, metrics: [:]),  // re-sent: replaces
      .pruneTrial(trial(e, 0), lease: w1a1, value: nil, rung: 1, reason: "below median", epochs: nil),
      .failTrial(trial(e, 1), lease: nil, reason: "experiment cancelled"),
    ], at: Clock.at(1))
    let pruned = try #require(try store.trial(trial(e, 0)))
    #expect(pruned.record == TrialRecord(
      number: 0, configuration: config(0.01, 8, "adam"), state: .pruned, value: 0.6,
      intermediate: [.init(step: 1, value: 0.7), .init(step: 2, value: 0.66), .init(step: 3, value: 0.6)]))
    #expect(pruned.rung == 1 && pruned.reason == "below median" && pruned.epochs == 3 && pruned.finishedAt == Clock.at(1))
    #expect(pruned.intermediateMetrics == [3: ["loss": 0.9]] && pruned.lease == nil && pruned.worker == "w1")
    #expect(try store.trial(trial(e, 1))?.state == .failed)

    let error = #expect(throws: StoreError.self) { try store.apply(.failTrial(trial(e, 0), lease: nil, reason: "x")) }
    #expect(error?.kind == .invalidTransition(trial(e, 0), change: "failTrial", state: .pruned, detail: "a finished trial cannot fail"))
  }

  @Test func elapsedSeconds_ofAPrunedTrialIsItsLeaseToItsEnd_andNilForOneNeverRunOrStillRunning() throws {
    let store = ExperimentStore.inMemory()
    try seeded(store)
    try store.apply([.leaseTrial(trial(e, 0), lease: w1a1, deadline: Clock.at(30))], at: Clock.at(10))
    #expect(try store.trial(trial(e, 0))?.elapsedSeconds == nil, "still running")
    try store.apply([
      .recordIntermediate(trial(e, 0), lease: w1a1, step: 1, value: 0.7, metrics: [:]),
      .pruneTrial(trial(e, 0), lease: w1a1, value: nil, rung: 0, reason: "below median", epochs: nil),
      .failTrial(trial(e, 1), lease: nil, reason: "experiment cancelled"),
    ], at: Clock.at(13.5))
    let pruned = try #require(try store.trial(trial(e, 0)))
    #expect(pruned.seconds == nil && pruned.elapsedSeconds == 3.5)
    #expect(try store.trial(trial(e, 1))?.elapsedSeconds == nil, "failed before it ever ran")
  }

  @Test func valuesSeedsAndConfigurationsRoundTripExactly() throws {
    let store = ExperimentStore.inMemory()
    let odd = Configuration([
      "f": .float(3.0), "i": .int(3), "s": .string("a \"quoted\" / value"), "b": .bool(false), "tiny": .float(1e-300),
    ])
    try store.apply([
      .createExperiment(sampleSpec(e), seed: .max),
      .insertTrial(trial(e, 0), configuration: odd, seed: .max),
      .insertTrial(trial(e, 1), configuration: Configuration(), seed: 0),
      .leaseTrial(trial(e, 0), lease: w1a1, deadline: Clock.at(10)),
      .leaseTrial(trial(e, 1), lease: w1a1, deadline: Clock.at(10)),
      .recordIntermediate(trial(e, 0), lease: w1a1, step: 0, value: .nan, metrics: ["loss": .nan, "grad": -.infinity]),
      .completeTrial(trial(e, 0), lease: w1a1, value: .infinity, metrics: ["loss": .nan], seconds: 0.25, epochs: 1),
      .completeTrial(trial(e, 1), lease: w1a1, value: .nan, metrics: [:], seconds: 0, epochs: 0),
    ], at: Clock.at(0.001))
    let t = try #require(try store.trial(trial(e, 0)))
    #expect(t.record.configuration == odd && t.seed == .max && t.record.value == .infinity)
    #expect(t.record.intermediate.count == 1 && t.record.intermediate[0].value.isNaN)
    #expect(t.intermediateMetrics[0]?["grad"] == -.infinity && t.intermediateMetrics[0]?["loss"]?.isNaN == true)
    #expect(t.metrics["loss"]?.isNaN == true && t.seconds == 0.25 && t.createdAt == Clock.at(0.001))
    #expect(try store.trial(trial(e, 1))?.record.value?.isNaN == true)

    let stored = try #require(try store.experiment(named: e))
    #expect(stored.spec == sampleSpec(e) && stored.seed == .max)
    #expect(stored.specSHA256 == (try SpecDigest.sha256(of: sampleSpec(e))))
    #expect(stored.specJSON == (try SpecDigest.canonicalJSON(of: sampleSpec(e))))
  }

  @Test func experimentStatesCountsAndLeaseQueries() throws {
    let store = ExperimentStore.inMemory()
    try seeded(store, trials: 4)
    try store.apply([
      .setExperimentState(experiment: e, .running),
      .leaseTrial(trial(e, 0), lease: w1a1, deadline: Clock.at(10)),
      .leaseTrial(trial(e, 1), lease: Lease(worker: "w2", attempt: 1), deadline: Clock.at(60)),
      .leaseTrial(trial(e, 2), lease: w1a1, deadline: Clock.at(60)),
      .failTrial(trial(e, 2), lease: w1a1, reason: "oom"),
      .createExperiment(sampleSpec("empty"), seed: 0),
    ], at: Clock.at(1))
    try store.apply(.renewLease(trial(e, 1), lease: Lease(worker: "w2", attempt: 1), deadline: Clock.at(70)), at: Clock.at(5))

    var counts = TrialCounts()
    counts.pending = 1
    counts.running = 2
    counts.failed = 1
    let listed = try store.experiments()
    #expect(listed.map(\.name) == [e, "empty"])
    #expect(listed[0].trialCounts == counts && listed[0].trialCounts.total == 4 && listed[1].trialCounts.total == 0)
    #expect(listed[0].state == .running && listed[0].updatedAt == Clock.at(1) && listed[0].finishedAt == nil)
    #expect(try store.trials(leaseExpiredBefore: Clock.at(30)).map(\.id) == [trial(e, 0)])
    #expect(try store.trials(leaseExpiredBefore: Clock.at(70)).map(\.id) == [trial(e, 0)])
    #expect(try store.trials(leaseExpiredBefore: Clock.at(70.001)).map(\.id) == [trial(e, 0), trial(e, 1)])
    let running = try store.runningTrials()
    #expect(running.map(\.id) == [trial(e, 0), trial(e, 1)])
    #expect(running[1].lease == Lease(worker: "w2", attempt: 1) && running[1].leaseDeadline == Clock.at(70))

    try store.apply(.setExperimentState(experiment: e, .cancelled), at: Clock.at(80))
    #expect(try store.experiment(named: e)?.finishedAt == Clock.at(80))
    try store.apply(.setExperimentState(experiment: e, .running), at: Clock.at(90))
    let resumed = try #require(try store.experiment(named: e))
    #expect(resumed.finishedAt == nil && resumed.updatedAt == Clock.at(90) && resumed.createdAt == Clock.at(0))
  }

  @Test func checkpointsAreRecordedReplacedAndDeleted() throws {
    let store = ExperimentStore.inMemory()
    try seeded(store)
    let sha1 = String(repeating: "0", count: 64)
    let sha2 = String(repeating: "f", count: 64)
    try store.apply([
      .recordCheckpoint(trial(e, 1), path: "ck/1", sha256: sha1, bytes: 10),
      .recordCheckpoint(trial(e, 0), path: "ck/0", sha256: sha1, bytes: 10),
    ], at: Clock.at(1))
    try store.apply(.recordCheckpoint(trial(e, 1), path: "ck/1b", sha256: sha2, bytes: 20), at: Clock.at(2))
    #expect(try store.checkpoints(of: e) == [
      StoredCheckpoint(trial: trial(e, 0), path: "ck/0", sha256: sha1, bytes: 10, createdAt: Clock.at(1)),
      StoredCheckpoint(trial: trial(e, 1), path: "ck/1b", sha256: sha2, bytes: 20, createdAt: Clock.at(2)),
    ])
    try store.apply([.deleteCheckpoint(trial(e, 0)), .deleteCheckpoint(trial(e, 0)), .deleteCheckpoint(trial(e, 2))])
    #expect(try store.checkpoints(of: e).map(\.trial.number) == [1])
    #expect(throws: StoreError.self) { try store.checkpoints(of: "nope") }
  }

  @Test func tenThousandIntermediateRowsInOneBatch() throws {
    let dir = try TempDir()
    defer { dir.cleanup() }
    let store = try ExperimentStore.open(path: dir.path("big.sqlite"))
    try seeded(store, trials: 10)
    try store.apply((0..<10).map { .leaseTrial(trial(e, $0), lease: w1a1, deadline: Clock.at(100)) })
    var changes: [StoreChange] = []
    for n in 0..<10 {
      for step in 1...1000 {
        changes.append(.recordIntermediate(
          trial(e, n), lease: w1a1, step: step, value: 1 / Double(step), metrics: ["loss": Double(step)]))
      }
    }
    let outcomes = try store.apply(changes)
    #expect(outcomes.count == 10_000 && outcomes.allSatisfy(\.isApplied))
    let trials = try store.storedTrials(of: e)
    #expect(trials.map(\.record.intermediate.count) == Array(repeating: 1000, count: 10))
    #expect(trials.allSatisfy { $0.epochs == 1000 && $0.intermediateMetrics[1000] == ["loss": 1000] })
    try store.close()
  }

  @Test func readsRunAlongsideWrites() async throws {
    let dir = try TempDir()
    defer { dir.cleanup() }
    let store = try ExperimentStore.open(path: dir.path("concurrent.sqlite"))
    try seeded(store, trials: 1)
    try await withThrowingTaskGroup(of: Void.self) { group in
      group.addTask {
        for n in 1...200 {
          try store.apply(.insertTrial(trial("iris", n), configuration: Configuration(), seed: 0))
        }
      }
      group.addTask {
        var last = 0
        for _ in 0..<200 {
          let count = try store.trials(of: "iris").count
          #expect(count >= last)  // each read sees a committed prefix
          last = count
        }
      }
      try await group.waitForAll()
    }
    #expect(try store.experiment(named: "iris")?.trialCounts.total == 201)
  }

  @Test func sha256MatchesTheStandardVectors() throws {
    let vectors = [
      ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
      ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
      ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
       "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
    ]
    for (text, hex) in vectors {
      #expect(SHA256Hex.of(Array(text.utf8)) == hex)
    }
    #expect(SHA256Hex.of(Array(repeating: UInt8(ascii: "a"), count: 1_000_000))
      == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
  }
}
