import Foundation
import HPOCore
import HPODashboard
import HPOStore
import Testing

/// `GET /`: the page compiled into the binary, and text from the store shown as text in a
/// real browser (headless Chromium, the Debian package).
@Suite struct PageTests {
  /// How many `<script` a page holds when only its own scripts are in it: those of index.html.
  static func ownScriptCount() throws -> Int {
    try String(contentsOf: assets.appendingPathComponent("index.html"), encoding: .utf8).components(separatedBy: "<script").count
  }

  static let assets = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("Sources/HPODashboard/Assets")

  /// The page's own scripts.
  static let scripts = [
    "dashboard.js", "plot.js", "experiment.js", "chart.js", "charts.js", "chart-intermediate.js", "chart-parallel.js",
    "chart-importance.js", "chart-slice.js", "chart-contour.js", "chart-edf.js", "chart-timeline.js", "table.js",
    "trial.js", "release.js", "cancel.js",
  ]

  /// The served bytes are the files under Assets/, as the build plugin embedded them.
  @Test(arguments: [("/", "index.html", "text/html"), ("/dashboard.css", "dashboard.css", "text/css")]
        + scripts.map { ("/\($0)", $0, "text/javascript") })
  func eachAsset_isServed_asItsFileSays(_ path: String, _ file: String, _ type: String) async throws {
    let fixture = try FixtureStore()
    try fixture.write { try writeTwelveTrials($0, "iris") }
    let expected = try String(contentsOf: Self.assets.appendingPathComponent(file), encoding: .utf8)
    try await withDashboard(fixture.path) { d in
      let answer = try await d.get(path)
      #expect(answer.status == 200)
      #expect(answer.contentType == "\(type); charset=utf-8")
      #expect(answer.text == expected)
      #expect(answer.headers["content-security-policy"] == "default-src 'self'; frame-ancestors 'none'")
    }
  }

  /// The script builds the page with DOM calls and `textContent`, never with markup from data.
  @Test(arguments: scripts)
  func theScripts_neverWriteMarkup(_ file: String) throws {
    let script = try String(contentsOf: Self.assets.appendingPathComponent(file), encoding: .utf8)
    for sink in ["innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function"] {
      #expect(!script.contains(sink), "\(sink)")
    }
    let html = try String(contentsOf: Self.assets.appendingPathComponent("index.html"), encoding: .utf8)
    #expect(!html.contains("http://") && !html.contains("https://"), "no CDN: the page loads nothing from elsewhere")
  }

  /// Chromium runs the page against the API; an experiment named with markup shows as text
  /// (its DOM holds the escaped text in a cell, and no element the name would have made).
  @Test func inABrowser_theExperimentsList_showsMarkupInNamesAsText() async throws {
    let fixture = try FixtureStore()
    let name = "<script>alert('x')</script><img src=x onerror=alert(1)> & co"
    try fixture.write { store in
      try writeTwelveTrials(store, "iris")
      try writeTwelveTrials(store, name)
    }
    let dom = try await withDashboard(fixture.path, timing: Chromium.timing) { d in try await Chromium.dom(d.base + "/") }
    #expect(dom.contains(#"data-loaded="experiments""#), "\(dom)")
    #expect(dom.contains(#"<p id="status" class="">2 experiments</p>"#), "\(dom)")
    #expect(dom.contains(##"<td><a href="#experiment=iris">iris</a></td>"##), "\(dom)")
    #expect(dom.contains(">&lt;script&gt;alert('x')&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt; &amp; co</a></td>"), "\(dom)")
    #expect(!dom.contains("<img"), "\(dom)")
    #expect(dom.components(separatedBy: "<script").count == (try Self.ownScriptCount()), "only the page's own script elements: \(dom)")
    // The rest of the row: progress, best value and trial.
    #expect(dom.contains(#"<td class="number">10 / 20</td>"#) && dom.contains(#"<td class="number">0.9</td>"#), "\(dom)")
    #expect(dom.contains(#"<td class="number">#7</td>"#), "\(dom)")
  }
}
