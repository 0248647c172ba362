import Foundation
import HPOCore
import HPODashboard
import HPOStore
import Testing

/// An experiment's page: `GET /api/experiments/{name}/history` (the HTML report's data), and the
/// page in headless Chromium: its live header, its history plot, and a live update that keeps
/// the zoom.
@Suite struct ExperimentPageTests {
  @Test func history_isEachFinishedTrial_andTheBestSoFar() async throws {
    let fixture = try FixtureStore()
    try fixture.write { try writeTwelveTrials($0, "iris") }
    try await withDashboard(fixture.path) { d in
      let h = try await d.get("/api/experiments/iris/history").json()
      #expect(h["experiment"] as? String == "iris" && h["objective"] as? String == "accuracy")
      #expect(h["direction"] as? String == "maximize" && h["trials"] as? Int == 12)
      // Complete and pruned trials with a value: not 6 (pruned, no value), 9 (failed), 10, 11.
      #expect(h["number"] as? [Int] == [0, 1, 2, 3, 4, 5, 7, 8])
      #expect(h["value"] as? [Double] == [0, 0.7, 0.4, 0.35, 0.8, 0.5, 0.9, 0.6])
      #expect((h["state"] as? [String])?[3] == "pruned" && (h["state"] as? [String])?[2] == "complete")
      let best = try #require(h["bestSoFar"] as? [String: Any])
      #expect(best["number"] as? [Int] == [0, 1, 2, 4, 5, 7, 8], "pruned trial 3 never counts")
      #expect(best["value"] as? [Double] == [0, 0.7, 0.7, 0.8, 0.8, 0.9, 0.9])
      let top = try #require(h["best"] as? [String: Any])
      #expect(top["trial"] as? Int == 7 && top["value"] as? Double == 0.9)
      #expect((top["parameters"] as? [String: Any])?["optimizer"] as? String == "sgd")

      #expect(try await d.get("/api/experiments/none/history").status == 404)
      let bad = try await d.get("/api/experiments/iris/history?zoom=1")
      #expect(bad.status == 400 && bad.text.contains(#"unknown query parameter \"zoom\""#), "\(bad.text)")
    }
  }

  @Test func inABrowser_thePage_showsTheHeader_andPlotsEveryFinishedTrial() async throws {
    let fixture = try FixtureStore()
    try fixture.write { try writeTwelveTrials($0, "iris") }
    let dom = try await withDashboard(fixture.path, timing: Chromium.timing) { d in
      try await Chromium.dom(d.base + "/#experiment=iris")
    }
    #expect(dom.contains(#"data-loaded="experiment""#), "\(dom)")
    #expect(dom.contains(#"data-done="10""#) && dom.contains(#"data-points="8""#) && dom.contains(#"data-zoom="all""#), "\(dom)")
    #expect(dom.contains(#"<dd id="h-done">10 / 20</dd>"#) && dom.contains(#"<dd id="h-running">1</dd>"#), "\(dom)")
    #expect(dom.contains(#"<dd id="h-pruned">2</dd>"#) && dom.contains(#"<dd id="h-failed">1</dd>"#), "\(dom)")
    #expect(dom.contains(#"<dd id="h-best">0.9 (trial #7)</dd>"#), "\(dom)")
    #expect(dom.contains("Best configuration: lr = 0.012, optimizer = sgd, units = 18"), "\(dom)")
    #expect(dom.contains(#"<canvas id="history" width="900" height="360" data-marks="8""#), "a dot for each of the 8 finished trials: \(dom)")
    // 10 of 20 done since 2025-06-15 at that rate: the other 10 take as long again (hours).
    #expect(dom.range(of: #"<dd id="h-eta">\d+ h \d+ min</dd>"#, options: .regularExpression) != nil, "\(dom)")
    #expect(dom.contains(#"<h2 id="experiment-name">iris</h2>"#), "\(dom)")
  }

  /// The page zoomed on trials 2–8 (`#zoom=2,8`) while trials finish: the counts and the
  /// plot's data grow without a reload, and the zoom stays.
  @Test func inABrowser_aLiveUpdate_growsTheCounts_andKeepsTheZoom() async throws {
    let (dom, _) = try await domAfterALiveUpdate("experiment=iris&zoom=2,8", budget: 4000)
    #expect(dom.contains(#"data-loaded="experiment""#), "\(dom)")
    #expect(dom.contains(#"data-done="13""#) && dom.contains(#"data-points="11""#), "the update arrived: \(dom)")
    #expect(!dom.contains(#"data-updates="0""#), "\(dom)")
    #expect(dom.contains(#"<dd id="h-best">0.95 (trial #10)</dd>"#), "\(dom)")
    #expect(dom.contains(#"data-zoom="2,8""#), "the zoom is kept: \(dom)")
    // Within trials 2–8 the same 6 dots as before the update (2, 3, 4, 5, 7, 8).
    #expect(dom.contains(#"<canvas id="history" width="900" height="360" data-marks="6""#), "\(dom)")
  }

  /// With a token (`#token=…`) the page sends it to the API and reads the event stream with
  /// `fetch` (an EventSource cannot send the header), and takes the token out of the address.
  @Test func inABrowser_withAToken_thePageReadsTheAPIAndTheStream() async throws {
    let fixture = try FixtureStore()
    try fixture.write { try writeTwelveTrials($0, "iris") }
    let secret = "page-token-0123456789abcdef"
    let dashboard = try await LiveDashboard(fixture.path, token: try BearerToken(secret), timing: Chromium.timing)
    let chromium = try Chromium(dashboard.base + "/#token=\(secret)&experiment=iris", budget: 3000)
    let deadline = Date().addingTimeInterval(30)
    while dashboard.events.subscriberCount == 0 && Date() < deadline { try await Task.sleep(for: .milliseconds(20)) }
    try fixture.write { try completeNewTrials($0, "iris", [12], value: 0.5) }
    let dom = try await chromium.dom()
    await dashboard.stop()
    #expect(dom.contains(#"data-loaded="experiment""#) && dom.contains(#"data-done="11""#), "\(dom)")
    #expect(dom.contains(#"data-points="9""#), "the update came through the fetch stream: \(dom)")
    #expect(!dom.contains(secret), "the token is not left in the page")
  }
}
