import Foundation
import HPOCore
import HPODashboard
import HPOStore
import Testing

/// The trial table's pages come from an index kept in memory (sorted keys per experiment,
/// refreshed when the store's data version moves): its pages must be the store's SQL pages,
/// for every key, order and state, before and after the coordinator writes.
@Suite struct TrialTableTests {
  /// 240 trials in every state, with NaN and missing values, ties, and a parameter that some
  /// trials lack (a configuration written without `units`).
  static func writeMixed(_ store: ExperimentStore, _ name: String, from: Int = 0, count: Int = 240) throws {
    if from == 0 {
      _ = try store.apply([.createExperiment(dashboardSpec(name, trials: 1000), seed: 1),
                           .setExperimentState(experiment: name, .running)], at: Clock.at(0))
    }
    var rng = SplitMix64(state: UInt64(7 + from))
    for i in from..<(from + count) {
      let id = TrialID(experiment: name, number: i)
      let lease = Lease(worker: "w\(i % 3)", attempt: 1)
      var parameters: [String: ParameterValue] = [
        "lr": .float(Double(Int.random(in: 1...20, using: &rng)) / 1000),
        "optimizer": .string(Bool.random(using: &rng) ? "adam" : "sgd"),
      ]
      if i % 7 != 0 { parameters["units"] = .int(Int.random(in: 0...5, using: &rng) * 8 + 8) }
      var changes: [StoreChange] = [.insertTrial(id, configuration: Configuration(parameters), seed: UInt64(i))]
      let kind = Int.random(in: 0..<10, using: &rng)
      if kind > 0 { changes.append(.leaseTrial(id, lease: lease, deadline: Clock.at(Double(i) + 60))) }
      let value = Double(Int.random(in: 0...30, using: &rng)) / 30
      switch kind {
      case 0, 1: break  // pending, running
      case 2: changes.append(.pruneTrial(id, lease: lease, value: i % 4 == 0 ? nil : value, rung: 0, reason: "pruned", epochs: 1))
      case 3: changes.append(.failTrial(id, lease: lease, reason: "failed"))
      case 4: changes.append(.completeTrial(id, lease: lease, value: .nan, metrics: [:], seconds: 1, epochs: 1))
      default:
        changes.append(.completeTrial(id, lease: lease, value: value, metrics: ["accuracy": value],
                                      seconds: Double(Int.random(in: 1...4, using: &rng)), epochs: 2))
      }
      _ = try store.apply(changes, at: Clock.at(Double(i / 3)))
    }
  }

  static let keys: [(String, TrialPageQuery.SortKey)] = [
    ("number", .number), ("state", .state), ("value", .value), ("started", .started), ("duration", .duration),
    ("param.lr", .parameter("lr")), ("param.units", .parameter("units")), ("param.optimizer", .parameter("optimizer")),
  ]

  /// The numbers of a page the API answers, in process.
  static func apiNumbers(_ api: DashboardAPI, _ name: String, _ query: [(name: String, value: String)]) throws -> (Int, [Int]) {
    let response = api.respond(method: "GET", segments: ["api", "experiments", name, "trials"], query: query)
    guard response.status == 200 else { throw Failure("\(query): \(String(decoding: response.body, as: UTF8.self))") }
    let json = try #require(try JSONSerialization.jsonObject(with: response.body) as? [String: Any])
    let trials = try #require(json["trials"] as? [[String: Any]])
    return (json["total"] as? Int ?? -1, trials.map { $0["number"] as? Int ?? -1 })
  }

  /// Every key, both orders, with and without a state, at offsets over the whole table: the
  /// index's page equals the store's SQL page.
  static func expectSameAsSQL(_ api: DashboardAPI, _ sql: ExperimentStore, _ name: String) throws {
    for (key, sortKey) in keys {
      for order in TrialPageQuery.Order.allCases {
        for state in [nil, TrialState.complete, .pruned, .running] as [TrialState?] {
          for offset in [0, 37, 200] {
            var query: [(name: String, value: String)] = [("sort", key), ("order", order.rawValue), ("offset", "\(offset)"), ("limit", "50")]
            if let state { query.append(("state", state.rawValue)) }
            let expected = try sql.trialPage(of: name, TrialPageQuery(sort: sortKey, order: order, state: state, offset: offset, limit: 50))
            let (total, numbers) = try apiNumbers(api, name, query)
            #expect(total == expected.total, "\(query)")
            #expect(numbers == expected.trials.map(\.number), "\(query)")
          }
        }
      }
    }
  }

  @Test func theIndex_ordersAsTheStoresSQL_forEveryKeyOrderAndState() throws {
    let fixture = try FixtureStore()
    try fixture.write { try Self.writeMixed($0, "mixed") }
    let store = try ExperimentStore.openReadOnly(path: fixture.path)
    try Self.expectSameAsSQL(DashboardAPI(store: store), store, "mixed")
  }

  /// Pages read, then the coordinator finishes running trials and adds new ones: the next pages
  /// (the index refreshed from the data version) are again the store's.
  @Test func theIndex_followsTheCoordinatorsWrites() throws {
    let fixture = try FixtureStore()
    try fixture.write { try Self.writeMixed($0, "mixed") }
    let store = try ExperimentStore.openReadOnly(path: fixture.path)
    let api = DashboardAPI(store: store)
    try Self.expectSameAsSQL(api, store, "mixed")
    let running = try store.storedTrials(of: "mixed").filter { $0.state == .running }
    try #require(!running.isEmpty)
    try fixture.write { writer in
      _ = try writer.apply(try running.map {
        .completeTrial($0.id, lease: try #require($0.lease), value: 2, metrics: ["accuracy": 2], seconds: 9, epochs: 2)
      })
      try Self.writeMixed(writer, "mixed", from: 240, count: 30)
    }
    let (total, top) = try Self.apiNumbers(api, "mixed", [("sort", "value"), ("order", "desc"), ("limit", "3")])
    #expect(total == 270)
    #expect(top == Array(running.map(\.number).sorted(by: >).prefix(3)), "the finished trials (value 2) first, ties by number")
    try Self.expectSameAsSQL(api, store, "mixed")
  }
}
