import Foundation
import HPOCore
import HPOStore

/// A fixed clock: `at(s)` is `s` seconds after 2025-06-15 15:06:40 UTC (whole milliseconds,
/// so dates survive the store's millisecond precision unchanged).
enum Clock {
  static let origin = Date(timeIntervalSince1970: 1_750_000_000)
  static func at(_ seconds: Double) -> Date { origin.addingTimeInterval(seconds) }
}

/// A small valid spec named `name`.
func sampleSpec(_ name: String = "iris", seed: UInt64 = 7) -> ExperimentSpec {
  ExperimentSpec(
    name: name, description: "a test experiment",
    data: DataSpec(path: "data/iris.csv", label: "species", task: .classification),
    model: ModelSpec(kind: .mlp, epochs: 20),
    space: SearchSpace([
      Parameter(name: "learning_rate", domain: .float(FloatRange(low: 1e-4, high: 0.1, log: true))),
      Parameter(name: "hidden_units", domain: .int(IntRange(low: 8, high: 128))),
      Parameter(name: "optimizer", domain: .categorical([.string("adam"), .string("sgd")])),
    ]),
    objective: ObjectiveSpec(metric: .accuracy),
    search: SearchSpec(strategy: .random, trials: 20, parallel: 2, seed: seed),
    earlyStopping: EarlyStoppingSpec(scheduler: .asha),
    output: OutputSpec(dir: "out/iris", keepTop: 2))
}

func config(_ lr: Double, _ hidden: Int, _ optimizer: String) -> Configuration {
  Configuration(["learning_rate": .float(lr), "hidden_units": .int(hidden), "optimizer": .string(optimizer)])
}

func trial(_ experiment: String, _ number: Int) -> TrialID { TrialID(experiment: experiment, number: number) }

/// A fresh directory under the system's temporary directory, removed by `cleanup()`.
struct TempDir {
  let url: URL

  init() throws {
    url = FileManager.default.temporaryDirectory.appendingPathComponent("hpo-store-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
  }

  func path(_ name: String) -> String { url.appendingPathComponent(name).path }
  func cleanup() { try? FileManager.default.removeItem(at: url) }
}

/// Where a test's store lives.
enum StoreKind: String, CustomStringConvertible, CaseIterable {
  case memory, file
  var description: String { rawValue }
}

/// Opens a store of `kind` and passes it to `body`; file stores live in a temp dir.
func withStore(_ kind: StoreKind, _ body: (ExperimentStore) throws -> Void) throws {
  switch kind {
  case .memory:
    try body(ExperimentStore.inMemory())
  case .file:
    let dir = try TempDir()
    defer { dir.cleanup() }
    let store = try ExperimentStore.open(path: dir.path("store.sqlite"))
    defer { try? store.close() }
    try body(store)
  }
}

/// Everything a store holds, as reads return it: equal snapshots mean equal stores. NaNs are
/// replaced by a sentinel so that equal stores compare equal.
struct Snapshot: Equatable {
  var experiments: [StoredExperiment]
  var trials: [String: [StoredTrial]]
  var records: [String: [TrialRecord]]
  var checkpoints: [String: [StoredCheckpoint]]
  var running: [StoredTrial]

  init(_ store: ExperimentStore) throws {
    experiments = try store.experiments()
    trials = [:]
    records = [:]
    checkpoints = [:]
    for e in experiments {
      trials[e.name] = try store.storedTrials(of: e.name)
      records[e.name] = try store.trials(of: e.name)
      checkpoints[e.name] = try store.checkpoints(of: e.name)
    }
    running = try store.runningTrials()
    trials = trials.mapValues { $0.map(Self.withoutNaN) }
    records = records.mapValues { $0.map(Self.withoutNaN) }
    running = running.map(Self.withoutNaN)
  }

  static let nanSentinel = -1.234_567e300

  private static func withoutNaN(_ x: Double) -> Double { x.isNaN ? nanSentinel : x }

  private static func withoutNaN(_ r: TrialRecord) -> TrialRecord {
    var r = r
    r.value = r.value.map(withoutNaN)
    r.intermediate = r.intermediate.map { IntermediateReport(step: $0.step, value: withoutNaN($0.value)) }
    return r
  }

  private static func withoutNaN(_ t: StoredTrial) -> StoredTrial {
    var t = t
    t.record = withoutNaN(t.record)
    t.metrics = t.metrics.mapValues(withoutNaN)
    t.intermediateMetrics = t.intermediateMetrics.mapValues { $0.mapValues(withoutNaN) }
    return t
  }
}

/// The history the golden fixture Fixtures/store-v1.sqlite was made from (schema 1, hpo 0.1.0).
/// Never change it: the fixture test checks the committed file, not this code.
enum FixtureHistory {
  static let iris = "iris-v1"
  static let done = "done-v1"
  static let checkpointSHA = String(repeating: "ab", count: 32)

  static let batches: [(Double, [StoreChange])] = [
    (0, [
      .createExperiment(sampleSpec(iris, seed: 7), seed: 7),
      .setExperimentState(experiment: iris, .running),
      .insertTrial(trial(iris, 0), configuration: config(0.01, 32, "adam"), seed: 100),
      .insertTrial(trial(iris, 1), configuration: config(0.001, 64, "sgd"), seed: 101),
      .insertTrial(trial(iris, 2), configuration: config(3.0, 8, "adam"), seed: UInt64.max),
      .leaseTrial(trial(iris, 0), lease: Lease(worker: "w1", attempt: 1), deadline: Clock.at(10)),
      .leaseTrial(trial(iris, 1), lease: Lease(worker: "w2", attempt: 1), deadline: Clock.at(10)),
    ]),
    (1, [
      .recordIntermediate(trial(iris, 0), lease: Lease(worker: "w1", attempt: 1), step: 1, value: 0.8, metrics: ["loss": 0.6]),
      .recordIntermediate(trial(iris, 0), lease: Lease(worker: "w1", attempt: 1), step: 2, value: 0.9, metrics: ["loss": 0.3]),
      .renewLease(trial(iris, 0), lease: Lease(worker: "w1", attempt: 1), deadline: Clock.at(11)),
    ]),
    (2, [
      .completeTrial(
        trial(iris, 0), lease: Lease(worker: "w1", attempt: 1), value: 0.93,
        metrics: ["accuracy": 0.93, "log_loss": 0.21], seconds: 1.5, epochs: 2),
      .recordCheckpoint(trial(iris, 0), path: "out/iris/checkpoints/trial-0.ckpt", sha256: checkpointSHA, bytes: 4096),
      .leaseTrial(trial(iris, 2), lease: Lease(worker: "w1", attempt: 1), deadline: Clock.at(12)),
    ]),
    (11, [
      .requeueTrial(trial(iris, 1), lease: Lease(worker: "w2", attempt: 1), reason: "worker w2 lost: lease expired"),
      .leaseTrial(trial(iris, 1), lease: Lease(worker: "w1", attempt: 2), deadline: Clock.at(21)),
      .recordIntermediate(trial(iris, 2), lease: Lease(worker: "w1", attempt: 1), step: 1, value: .nan, metrics: ["loss": .infinity]),
      .failTrial(trial(iris, 2), lease: Lease(worker: "w1", attempt: 1), reason: "training diverged (loss inf)"),
    ]),
    (12, [
      .recordIntermediate(trial(iris, 1), lease: Lease(worker: "w1", attempt: 2), step: 1, value: 0.5, metrics: [:]),
      .pruneTrial(trial(iris, 1), lease: Lease(worker: "w1", attempt: 2), value: nil, rung: 0, reason: "below the rung's top 1/3", epochs: nil),
      .insertTrial(trial(iris, 3), configuration: config(0.05, 16, "sgd"), seed: 103),
      .insertTrial(trial(iris, 4), configuration: config(0.02, 128, "adam"), seed: 104),
      .leaseTrial(trial(iris, 3), lease: Lease(worker: "w2", attempt: 1), deadline: Clock.at(42)),
      .createExperiment(sampleSpec(done, seed: 9), seed: 9),
      .insertTrial(trial(done, 0), configuration: Configuration(["alpha": .float(0.5)]), seed: 1),
      .leaseTrial(trial(done, 0), lease: Lease(worker: "w1", attempt: 1), deadline: Clock.at(22)),
      .completeTrial(trial(done, 0), lease: Lease(worker: "w1", attempt: 1), value: -.infinity, metrics: [:], seconds: 0, epochs: 0),
      .setExperimentState(experiment: done, .finished),
    ]),
  ]

  static func write(to store: ExperimentStore) throws {
    for (seconds, changes) in batches {
      let outcomes = try store.apply(changes, at: Clock.at(seconds))
      precondition(outcomes.allSatisfy(\.isApplied), "the fixture history has a stale change")
    }
  }
}
