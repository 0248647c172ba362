/// The page of the dashboard, compiled into the binary: the files under `Assets/` as string
/// literals (one generated file per asset under `Embedded/`, written by `Assets/embed.py`), so
/// a copied `hpo` alone serves it, offline, with no CDN.
///
/// The page reads everything through the JSON API and puts text into the DOM with
/// `textContent` only, so text from experiments is never read as markup.
enum DashboardAssets {
  struct Asset {
    var contentType: String
    var text: String
  }

  private static let html = "text/html; charset=utf-8"
  private static let script = "text/javascript; charset=utf-8"

  /// Every asset by the path it is served at (its file name under `Assets/`).
  static let files: [String: Asset] = [
    "index.html": Asset(contentType: html, text: indexHTML),
    "dashboard.css": Asset(contentType: "text/css; charset=utf-8", text: styleSheet),
    "dashboard.js": Asset(contentType: script, text: dashboardJavaScript),
    "plot.js": Asset(contentType: script, text: plotJavaScript),
    "experiment.js": Asset(contentType: script, text: experimentJavaScript),
    "table.js": Asset(contentType: script, text: tableJavaScript),
    "trial.js": Asset(contentType: script, text: trialJavaScript),
    "release.js": Asset(contentType: script, text: releaseJavaScript),
    "cancel.js": Asset(contentType: script, text: cancelJavaScript),
  ]

  /// The asset served at `segments` (`[]` is `/`, the page), or `nil`.
  static func asset(at segments: [String]) -> Asset? {
    switch segments.count {
    case 0: return files["index.html"]
    case 1: return files[segments[0]]
    default: return nil
    }
  }

  /// Whether `segments` name an asset: they hold no experiment data, so they are served
  /// without the bearer token (the page then sends the token to the API).
  static func isAsset(_ segments: [String]) -> Bool { asset(at: segments) != nil }
}
