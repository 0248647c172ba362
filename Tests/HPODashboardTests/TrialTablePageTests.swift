import Foundation
import HPOCore
import HPODashboard
import HPOStore
import Testing

/// The trial table of the experiment page in headless Chromium: sorted, filtered and paged by
/// the server as the address says, kept through live updates, over a small store and a large one.
@Suite struct TrialTablePageTests {
  @Test func inABrowser_theTable_showsTheSortedFilteredPageTheAddressNames() async throws {
    let fixture = try FixtureStore()
    try fixture.write { try writeTwelveTrials($0, "iris") }
    let page = try await withDashboard(fixture.path, timing: Chromium.timing) { d in
      try await Chromium.page(d.base + "/#experiment=iris&sort=value&order=desc&state=complete")
    }
    let dom = page.dom
    #expect(page.consoleErrors.isEmpty, "\(page.consoleErrors)")
    #expect(dom.contains(#"data-table="loaded""#), "\(dom)")
    #expect(dom.contains(#"data-table-total="7""#) && dom.contains(#"data-table-rows="7,4,1,8,5,2,0""#), "\(dom)")
    #expect(dom.contains(#"data-table-sort="value desc""#) && dom.contains(#"data-table-page="1""#), "\(dom)")
    #expect(dom.contains(#"<th data-key="value" aria-sort="descending">"#), "\(dom)")
    #expect(dom.contains("Trials 1–7 of 7 · page 1 of 1"), "\(dom)")
    // A row: the number links to the trial's page; parameters and the value as text.
    #expect(dom.contains(##"<a href="#experiment=iris&amp;trial=7">#7</a>"##), "\(dom)")
  }

  /// A parameter range from the address, and the form showing it.
  @Test func inABrowser_aParameterRange_filtersTheTable() async throws {
    let fixture = try FixtureStore()
    try fixture.write { try writeTwelveTrials($0, "iris") }
    let page = try await withDashboard(fixture.path, timing: Chromium.timing) { d in
      try await Chromium.page(d.base + "/#experiment=iris&param.lr=0.004..0.008&sort=param.lr")
    }
    #expect(page.consoleErrors.isEmpty, "\(page.consoleErrors)")
    #expect(page.dom.contains(#"data-table-total="5""#) && page.dom.contains(#"data-table-rows="3,8,1,6,11""#), "\(page.dom)")
  }

  /// While trials finish, the table (sorted by value, descending, page 1) is read again: the
  /// new best trials appear at the top, and the sort and page the address named stay.
  @Test func inABrowser_aLiveUpdate_refreshesTheRows_keepingSortAndPage() async throws {
    let fixture = try FixtureStore()
    try fixture.write { try writeTwelveTrials($0, "iris") }
    let dashboard = try await LiveDashboard(fixture.path, timing: Chromium.timing)
    let chromium = try Chromium(dashboard.base + "/#experiment=iris&sort=value&order=desc&state=complete", budget: 4000)
    let deadline = Date().addingTimeInterval(30)
    while dashboard.events.subscriberCount == 0 && Date() < deadline { try await Task.sleep(for: .milliseconds(20)) }
    try fixture.write { try completeNewTrials($0, "iris", [12, 13], value: 0.99) }
    let page = try await chromium.page()
    await dashboard.stop()
    #expect(page.consoleErrors.isEmpty, "\(page.consoleErrors)")
    #expect(page.dom.contains(#"data-table-rows="13,12,7,4,1,8,5,2,0""#), "\(page.dom)")
    #expect(page.dom.contains(#"data-table-sort="value desc""#) && page.dom.contains(#"data-table-page="1""#), "\(page.dom)")
    #expect(!page.dom.contains(#"data-table-refreshes="0""#), "\(page.dom)")
  }
}

/// The trial table over a store of 100,000 trials in headless Chromium. Writing the store takes
/// about a minute in a debug build and both cores, which would starve the other browser tests'
/// deadlines: Cluster/test runs this suite on its own, after the others.
@Suite struct LargeStoreTableTests {
  /// 100,000 trials: a page deep in the table, sorted by a parameter, is the API's page.
  @Test func inABrowser_theTable_sortsAndPagesALargeStore() async throws {
    let fixture = try FixtureStore()
    try fixture.write { try writeManyTrials($0, "big", count: 100_000) }
    let (page, expected) = try await withDashboard(fixture.path, timing: Chromium.timing) { d in
      let query = "sort=param.lr&order=desc&offset=74950&limit=50"
      let expected = try TrialsAPITests.numbers(await d.get("/api/experiments/big/trials?\(query)"))
      return (try await Chromium.page(d.base + "/#experiment=big&sort=param.lr&order=desc&page=1500", budget: 8000), expected)
    }
    #expect(expected.count == 50)
    #expect(page.consoleErrors.isEmpty, "\(page.consoleErrors)")
    #expect(page.dom.contains(#"data-table-total="100000""#), "\(page.dom.prefix(3000))")
    #expect(page.dom.contains("data-table-rows=\"\(expected.map(String.init).joined(separator: ","))\""), "\(page.dom.prefix(3000))")
    #expect(page.dom.contains("Trials 74951–75000 of 100000 · page 1500 of 2000"), "\(page.dom.prefix(3000))")
  }
}

/// `count` trials of experiment `name`, 85 % complete, 10 % pruned, 5 % failed, in batches.
func writeManyTrials(_ store: ExperimentStore, _ name: String, count: Int) throws {
  _ = try store.apply([.createExperiment(dashboardSpec(name, trials: count), seed: 1),
                       .setExperimentState(experiment: name, .running)], at: Clock.at(0))
  var rng = SplitMix64(state: 3)
  var batch: [StoreChange] = []
  for i in 0..<count {
    let id = TrialID(experiment: name, number: i)
    let lease = Lease(worker: "w\(i % 8)", attempt: 1)
    let configuration = Configuration([
      "lr": .float(Double(Int.random(in: 1...100_000, using: &rng)) / 1e6), "units": .int(Int.random(in: 8...128, using: &rng)),
      "optimizer": .string(Bool.random(using: &rng) ? "adam" : "sgd"),
    ])
    let value = Double.random(in: 0..<1, using: &rng)
    batch += [.insertTrial(id, configuration: configuration, seed: UInt64(i)),
              .leaseTrial(id, lease: lease, deadline: Clock.at(Double(i) + 60))]
    switch i % 20 {
    case 0, 1: batch.append(.pruneTrial(id, lease: lease, value: value, rung: 0, reason: "pruned", epochs: 1))
    case 2: batch.append(.failTrial(id, lease: lease, reason: "failed"))
    default: batch.append(.completeTrial(id, lease: lease, value: value, metrics: ["accuracy": value], seconds: 1, epochs: 3))
    }
    if batch.count >= 6_000 || i == count - 1 {
      _ = try store.apply(batch, at: Clock.at(Double(i)))
      batch.removeAll(keepingCapacity: true)
    }
  }
}
