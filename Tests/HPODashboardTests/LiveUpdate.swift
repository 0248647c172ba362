import Foundation
import HPOCore
import HPOStore
import Testing

/// Opens `fragment` (after `#`) of the twelve-trial experiment `iris` in headless Chromium, and
/// once the page follows the event stream, finishes trials as a running search would: trial 10
/// complete at 0.95, new trials 12 and 13 complete at 0.5. The DOM after `budget` ms of the
/// page's virtual time, and what the page wrote to its console.
func domAfterALiveUpdate(_ fragment: String, budget: Int) async throws -> (dom: String, console: [String]) {
  let fixture = try FixtureStore()
  try fixture.write { try writeTwelveTrials($0, "iris") }
  let dashboard = try await LiveDashboard(fixture.path, timing: Chromium.timing)
  let chromium = try Chromium(dashboard.base + "/#" + fragment, budget: budget)
  // The page subscribes once it has drawn its plots.
  let deadline = Date().addingTimeInterval(30)
  while dashboard.events.subscriberCount == 0 && Date() < deadline { try await Task.sleep(for: .milliseconds(20)) }
  #expect(dashboard.events.subscriberCount > 0, "the page never opened the event stream")
  try fixture.write { store in
    _ = try store.apply([.completeTrial(
      TrialID(experiment: "iris", number: 10), lease: Lease(worker: "w0", attempt: 1), value: 0.95,
      metrics: ["accuracy": 0.95], seconds: 1, epochs: 2)])
    try completeNewTrials(store, "iris", [12, 13], value: 0.5)
  }
  let dom = try await chromium.dom()
  await dashboard.stop()
  return (dom, chromium.consoleMessages())
}
