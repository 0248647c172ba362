// The dashboard's trial-table benchmark: a store of N trials (100,000 by default) written
// through the real HPOStore API, served by the real DashboardServer on 127.0.0.1, and pages
// of 100 trials fetched over HTTP, sorted by several keys at offsets spread over the table.
// Prints p50/p95 per sort key, over HTTP and in process, beside the store's SQL query of the
// same page (the baseline: what the dashboard did before its in-memory index). Run by run.sh (release build); see the README's Benchmarks.
import Foundation
import HPOCore
import HPODashboard
import HPOStore

struct Options {
  var trials = 100_000
  var repetitions = 40
  var store = "dashboard-bench.sqlite"

  init(_ arguments: [String]) {
    var i = 1
    while i + 1 < arguments.count {
      switch arguments[i] {
      case "--trials": trials = Int(arguments[i + 1]) ?? trials
      case "--repetitions": repetitions = Int(arguments[i + 1]) ?? repetitions
      case "--store": store = arguments[i + 1]
      default: fatalError("unknown option \(arguments[i]); accepted: --trials N --repetitions N --store FILE")
      }
      i += 2
    }
  }
}

/// Writes `count` trials of the experiment `bench`: 85 % complete, 10 % pruned, 5 % failed.
func writeStore(_ path: String, count: Int) throws {
  let spec = ExperimentSpec(
    name: "bench", data: nil, model: ModelSpec(kind: .function, function: .branin),
    space: SearchSpace([
      Parameter(name: "lr", domain: .float(FloatRange(low: 1e-5, high: 1, log: true))),
      Parameter(name: "units", domain: .int(IntRange(low: 8, high: 1024))),
      Parameter(name: "optimizer", domain: .categorical([.string("adam"), .string("sgd"), .string("rmsprop")])),
    ]),
    objective: ObjectiveSpec(metric: .value), search: SearchSpec(strategy: .random, trials: count, parallel: 8, seed: 1),
    output: OutputSpec(dir: "out", keepTop: 0))
  let store = try ExperimentStore.open(path: path, durability: .normal)
  _ = try store.apply([.createExperiment(spec, seed: 1), .setExperimentState(experiment: "bench", .running)])
  var rng = SplitMix64(state: 42)
  let start = Date(timeIntervalSince1970: 1_750_000_000)
  var batch: [StoreChange] = []
  for i in 0..<count {
    let id = TrialID(experiment: "bench", number: i)
    let lease = Lease(worker: "w\(i % 16)", attempt: 1)
    let configuration = Configuration([
      "lr": .float(pow(10, -5 + 5 * Double.random(in: 0..<1, using: &rng))),
      "units": .int(Int.random(in: 8...1024, using: &rng)),
      "optimizer": .string(["adam", "sgd", "rmsprop"][Int.random(in: 0..<3, using: &rng)]),
    ])
    let value = Double.random(in: 0..<100, using: &rng)
    batch += [.insertTrial(id, configuration: configuration, seed: UInt64(i)),
              .leaseTrial(id, lease: lease, deadline: start.addingTimeInterval(Double(i) + 60))]
    switch i % 20 {
    case 0, 1: batch.append(.pruneTrial(id, lease: lease, value: value, rung: 0, reason: "pruned", epochs: 1))
    case 2: batch.append(.failTrial(id, lease: lease, reason: "failed"))
    default:
      batch.append(.completeTrial(id, lease: lease, value: value, metrics: ["value": value],
                                  seconds: Double.random(in: 0.1..<10, using: &rng), epochs: 3))
    }
    if batch.count >= 6_000 || i == count - 1 {
      _ = try store.apply(batch, at: start.addingTimeInterval(Double(i)))
      batch.removeAll(keepingCapacity: true)
    }
  }
  try store.close()
}

func milliseconds(_ work: () async throws -> Void) async rethrows -> Double {
  let clock = ContinuousClock()
  let elapsed = try await clock.measure { try await work() }
  return Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1000
}

func percentile(_ sorted: [Double], _ p: Double) -> Double {
  sorted[min(sorted.count - 1, Int((Double(sorted.count - 1) * p).rounded()))]
}

let options = Options(CommandLine.arguments)
if !FileManager.default.fileExists(atPath: options.store) {
  let ms = try await milliseconds { try writeStore(options.store, count: options.trials) }
  print("wrote \(options.trials) trials to \(options.store) in \(Int(ms)) ms")
}
let store = try ExperimentStore.openReadOnly(path: options.store)
let api = DashboardAPI(store: store)
let events = StoreWatcher(store: try ExperimentStore.openReadOnly(path: options.store))
let server = try await DashboardServer.start(api: api, events: events, host: "127.0.0.1", port: 0, token: nil)
let total = try store.experiment(named: "bench")?.trialCounts.total ?? 0
print("dashboard on http://\(server.address)/, experiment bench: \(total) trials; pages of 100, \(options.repetitions) requests per key")

/// Fetches `paths` with one curl (one kept-alive connection, as a browser would) and returns each
/// request's time (curl's `time_total`: connect, request, answer). Not URLSession: on Linux it
/// adds about 40 ms to every request (curl alone sees the same server answer in a few ms).
func fetch(_ paths: [String]) throws -> [Double] {
  let process = Process()
  process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
  process.arguments = ["curl", "-s", "--fail"] + paths.flatMap {
    ["-o", "/dev/null", "-w", "%{time_total}\\n", "http://\(server.address)\($0)"]
  }
  let out = Pipe()
  process.standardOutput = out
  try process.run()
  let data = out.fileHandleForReading.readDataToEndOfFile()
  process.waitUntilExit()
  guard process.terminationStatus == 0 else { fatalError("curl exited with \(process.terminationStatus)") }
  let times = String(decoding: data, as: UTF8.self).split(separator: "\n").compactMap { Double($0) }.map { $0 * 1000 }
  guard times.count == paths.count else { fatalError("curl answered \(times.count) of \(paths.count) requests") }
  return times
}

/// Sort keys with the store's SQL query of the same page (`ExperimentStore.trialPage`, what the
/// dashboard answered with before its in-memory index): the baseline. Filters on parameters
/// have no SQL form (`nil`).
let keys: [(query: String, sql: TrialPageQuery?)] = [
  ("sort=number", TrialPageQuery(sort: .number)),
  ("sort=value&order=desc", TrialPageQuery(sort: .value, order: .desc)),
  ("sort=param.lr", TrialPageQuery(sort: .parameter("lr"))),
  ("sort=param.optimizer", TrialPageQuery(sort: .parameter("optimizer"))),
  ("sort=duration&order=desc", TrialPageQuery(sort: .duration, order: .desc)),
  ("sort=started", TrialPageQuery(sort: .started)),
  ("sort=state", TrialPageQuery(sort: .state)),
  ("sort=value&state=complete", TrialPageQuery(sort: .value, state: .complete)),
  ("sort=value&param.lr=0.001..0.01", nil),
  ("sort=param.units&order=desc&state=complete&param.optimizer=adam", nil),
]
/// The same request answered by DashboardAPI in this process: the store read and the JSON, without HTTP.
@discardableResult
func respond(_ query: String) -> Data {
  let items = query.split(separator: "&").map { pair -> (name: String, value: String) in
    let parts = pair.split(separator: "=", maxSplits: 1)
    return (String(parts[0]), parts.count > 1 ? String(parts[1]) : "")
  }
  let response = api.respond(method: "GET", segments: ["api", "experiments", "bench", "trials"], query: items)
  guard response.status == 200 else { fatalError("\(query): \(String(decoding: response.body, as: UTF8.self))") }
  return response.body
}

/// How many trials `query` matches (its answer's `total`).
func matching(_ query: String) -> Int {
  let answer = try? JSONSerialization.jsonObject(with: respond(query + "&limit=1")) as? [String: Any]
  guard let total = answer?["total"] as? Int else { fatalError("\(query): no total") }
  return total
}

func cells(_ times: [Double]) -> String {
  let sorted = times.sorted()
  return "\(String(format: "%.1f", percentile(sorted, 0.5))) | \(String(format: "%.1f", percentile(sorted, 0.95)))"
}

// The first page reads every trial's sort keys into the dashboard's index: timed apart.
let first = try fetch(["/api/experiments/bench/trials?sort=value&limit=100"])[0]
print("first page (reads the sort keys of every trial): \(String(format: "%.1f", first)) ms")
print("| request | HTTP p50 ms | HTTP p95 ms | in process p50 | p95 | baseline: SQL p50 | p95 | ratio of p95 |")
print("|---|---|---|---|---|---|---|---|")
for key in keys {
  // Offsets spread over the whole table of this query, its last page included.
  let rows = matching(key.query)
  let offsets = (0..<options.repetitions).map { r in max(0, (rows - 100) * r / max(1, options.repetitions - 1)) }
  let queries = offsets.map { "\(key.query)&offset=\($0)&limit=100" }
  let times = try fetch(queries.map { "/api/experiments/bench/trials?\($0)" })
  var local: [Double] = []
  for query in queries { local.append(await milliseconds { respond(query) }) }
  var baseline = "| | |"
  if let sql = key.sql {
    var sqlTimes: [Double] = []
    for offset in offsets {
      var q = sql
      q.offset = offset
      sqlTimes.append(try await milliseconds { _ = try store.trialPage(of: "bench", q) })
    }
    let ratio = percentile(sqlTimes.sorted(), 0.95) / percentile(local.sorted(), 0.95)
    baseline = "\(cells(sqlTimes)) | \(String(format: "%.1f", ratio))×"
  }
  print("| `\(key.query)` (\(rows) trials) | \(cells(times)) | \(cells(local)) | \(baseline) |")
}
let list = try fetch(Array(repeating: "/api/experiments", count: options.repetitions))
print("| `/api/experiments` | \(cells(list)) | | | | | |")
await server.stop()
