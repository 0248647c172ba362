import Foundation
import HPOCore
import HPODashboard
import HPOStore

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A fixed clock: `at(s)` is `s` seconds after 2025-06-15 15:06:40 UTC.
enum Clock {
  static let origin = Date(timeIntervalSince1970: 1_750_000_000)
  static func at(_ seconds: Double) -> Date { origin.addingTimeInterval(seconds) }
}

/// A spec with three parameters (`lr`, `units`, `optimizer`), the objective `accuracy` in `direction`.
func dashboardSpec(_ name: String, trials: Int = 20, direction: Direction = .maximize) -> ExperimentSpec {
  ExperimentSpec(
    name: name, description: "a dashboard test",
    data: DataSpec(path: "data/iris.csv", label: "species", task: .classification),
    model: ModelSpec(kind: .mlp, epochs: 3),
    space: SearchSpace([
      Parameter(name: "lr", domain: .float(FloatRange(low: 1e-4, high: 0.1, log: true))),
      Parameter(name: "units", domain: .int(IntRange(low: 8, high: 128))),
      Parameter(name: "optimizer", domain: .categorical([.string("adam"), .string("sgd")])),
    ]),
    objective: ObjectiveSpec(metric: .accuracy, direction: direction),
    search: SearchSpec(strategy: .random, trials: trials, parallel: 2, seed: 1),
    earlyStopping: EarlyStoppingSpec(scheduler: .asha),
    output: OutputSpec(dir: "out/\(name)", keepTop: 2))
}

/// The configuration of trial `i` of the fixtures: `lr` and `units` in another order than the numbers.
func fixtureConfiguration(_ i: Int) -> Configuration {
  Configuration([
    "lr": .float(Double((i * 5) % 12 + 1) / 1000), "units": .int((i * 7) % 12 * 10 + 8),
    "optimizer": .string(i % 2 == 0 ? "adam" : "sgd"),
  ])
}

/// A store file in a temporary directory, written through the real HPOStore API (the
/// coordinator's own changes), closed before the dashboard reads it unless told.
final class FixtureStore {
  let directory: URL
  var path: String { directory.appendingPathComponent("store.sqlite").path }

  init() throws {
    directory = FileManager.default.temporaryDirectory.appendingPathComponent("hpo-dashboard-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
  }

  deinit {
    // A leftover temporary directory harms nothing; a test must not fail for it.
    try? FileManager.default.removeItem(at: directory)
  }

  /// Opens the store for writing, lets `body` write, closes it.
  func write(_ body: (ExperimentStore) throws -> Void) throws {
    let store = try ExperimentStore.open(path: path, durability: .normal)
    try body(store)
    try store.close()
  }
}

/// The experiment `name` with 12 trials, written batch by batch as a coordinator would:
/// trials 0, 1, 2, 4, 5, 7, 8 complete with value `(7 i mod 10) / 10` (best: 7 with 0.9),
/// 3 pruned at 0.35, 6 pruned without a value, 9 failed, 10 running, 11 pending.
/// Trial `i` is leased at `i` s; a complete one reports `i mod 3 + 1` s of training.
func writeTwelveTrials(_ store: ExperimentStore, _ name: String, direction: Direction = .maximize) throws {
  _ = try store.apply([.createExperiment(dashboardSpec(name, direction: direction), seed: 1),
                       .setExperimentState(experiment: name, .running)], at: Clock.at(0))
  for i in 0..<12 {
    let id = TrialID(experiment: name, number: i)
    let lease = Lease(worker: "w\(i % 2)", attempt: 1)
    var changes: [StoreChange] = [.insertTrial(id, configuration: fixtureConfiguration(i), seed: UInt64(100 + i))]
    if i < 11 { changes.append(.leaseTrial(id, lease: lease, deadline: Clock.at(Double(i) + 60))) }
    _ = try store.apply(changes, at: Clock.at(Double(i)))
    var end: [StoreChange] = []
    switch i {
    case 3:
      end = [.recordIntermediate(id, lease: lease, step: 1, value: 0.35, metrics: ["loss": 0.9]),
             .pruneTrial(id, lease: lease, value: 0.35, rung: 0, reason: "below the rung's top 1/3", epochs: 1)]
    case 6: end = [.pruneTrial(id, lease: lease, value: nil, rung: 0, reason: "stopped", epochs: 0)]
    case 9: end = [.failTrial(id, lease: lease, reason: "training diverged")]
    case 10, 11: end = []
    default:
      let value = Double((i * 7) % 10) / 10
      end = [.recordIntermediate(id, lease: lease, step: 1, value: value / 2, metrics: ["loss": 1.5]),
             .recordIntermediate(id, lease: lease, step: 2, value: value, metrics: ["loss": 0.5]),
             .completeTrial(id, lease: lease, value: value, metrics: ["accuracy": value], seconds: Double(i % 3 + 1), epochs: 2)]
    }
    if !end.isEmpty { _ = try store.apply(end, at: Clock.at(Double(i) + Double(i % 4) + 0.5)) }
  }
}

/// Trials `numbers` of experiment `name` (of ``writeTwelveTrials(_:_:direction:)``) inserted,
/// leased and completed with `value`, in one batch.
func completeNewTrials(_ store: ExperimentStore, _ name: String, _ numbers: [Int], value: Double) throws {
  var changes: [StoreChange] = []
  for i in numbers {
    let id = TrialID(experiment: name, number: i)
    let lease = Lease(worker: "w\(i % 2)", attempt: 1)
    changes += [
      .insertTrial(id, configuration: fixtureConfiguration(i), seed: UInt64(100 + i)),
      .leaseTrial(id, lease: lease, deadline: Clock.at(Double(i) + 60)),
      .completeTrial(id, lease: lease, value: value, metrics: ["accuracy": value], seconds: 1, epochs: 2),
    ]
  }
  _ = try store.apply(changes, at: Clock.at(Double(numbers.first ?? 0)))
}

/// A dashboard served on 127.0.0.1, port 0, over a store opened read-only, and GET requests to it.
final class LiveDashboard {
  let server: DashboardServer
  let store: ExperimentStore
  /// The server's event source.
  let events: StoreWatcher
  var base: String { "http://\(server.address)" }

  init(
    _ path: String, host: String = "127.0.0.1", token: BearerToken? = nil, timing: StoreWatcher.Timing = StoreWatcher.Timing(),
    canceller: (any ExperimentCanceller)? = nil
  ) async throws {
    store = try ExperimentStore.openReadOnly(path: path)
    events = try watcher(path, timing: timing)
    server = try await DashboardServer.start(
      api: DashboardAPI(store: store), events: events, host: host, port: 0, token: token, canceller: canceller)
  }

  func stop() async { await server.stop() }

  /// A GET of `path` (with its query string): the status, the content type and the body.
  func get(_ path: String, headers: [String: String] = [:]) async throws -> HTTPAnswer {
    try await HTTPAnswer.get(base + path, headers: headers)
  }
}

/// A watcher of the store at `path` on a read-only connection of its own.
func watcher(_ path: String, timing: StoreWatcher.Timing = StoreWatcher.Timing()) throws -> StoreWatcher {
  StoreWatcher(store: try ExperimentStore.openReadOnly(path: path), timing: timing)
}

/// What a real HTTP request answered.
struct HTTPAnswer {
  var status: Int
  var contentType: String
  var headers: [String: String]
  var body: Data
  var text: String { String(decoding: body, as: UTF8.self) }

  /// The body as a JSON object.
  func json() throws -> [String: Any] {
    guard let object = try JSONSerialization.jsonObject(with: body) as? [String: Any] else {
      throw Failure("not a JSON object: \(text)")
    }
    return object
  }

  static func get(_ url: String, method: String = "GET", headers: [String: String] = [:]) async throws -> HTTPAnswer {
    guard let u = URL(string: url) else { throw Failure("bad URL \(url)") }
    var request = URLRequest(url: u, timeoutInterval: 10)
    request.httpMethod = method
    for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
    let (data, response) = try await URLSession.shared.data(for: request)
    guard let http = response as? HTTPURLResponse else { throw Failure("not an HTTP response") }
    var fields: [String: String] = [:]
    for (name, value) in http.allHeaderFields {
      if let name = name as? String, let value = value as? String { fields[name.lowercased()] = value }
    }
    return HTTPAnswer(status: http.statusCode, contentType: fields["content-type"] ?? "", headers: fields, body: data)
  }
}

struct Failure: Error, CustomStringConvertible {
  var description: String
  init(_ d: String) { description = d }
}

/// Serves the store at `path` for `body`, then stops the server (also when `body` throws).
func withDashboard<T>(
  _ path: String, token: BearerToken? = nil, timing: StoreWatcher.Timing = StoreWatcher.Timing(),
  canceller: (any ExperimentCanceller)? = nil, _ body: (LiveDashboard) async throws -> T
) async throws -> T {
  let dashboard = try await LiveDashboard(path, token: token, timing: timing, canceller: canceller)
  do {
    let result = try await body(dashboard)
    await dashboard.stop()
    return result
  } catch {
    await dashboard.stop()
    throw error
  }
}
