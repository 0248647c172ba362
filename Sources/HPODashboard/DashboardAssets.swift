/// The page of the dashboard, compiled into the binary: the files under `Assets/` as string
/// literals (`DashboardAssets+Embedded.swift`, written by `Assets/embed.py`), so a copied
/// `hpo` alone serves it, offline, with no CDN.
///
/// The page reads everything through the JSON API and puts text into the DOM with
/// `textContent` only, so text from experiments is never read as markup.
enum DashboardAssets {
  struct Asset {
    var contentType: String
    var text: String
  }

  /// The asset served at `segments` (`[]` is `/`), or `nil`.
  static func asset(at segments: [String]) -> Asset? {
    switch segments {
    case [], ["index.html"]: return Asset(contentType: "text/html; charset=utf-8", text: indexHTML)
    case ["dashboard.css"]: return Asset(contentType: "text/css; charset=utf-8", text: css)
    case ["dashboard.js"]: return Asset(contentType: "text/javascript; charset=utf-8", text: javaScript)
    case ["plot.js"]: return Asset(contentType: "text/javascript; charset=utf-8", text: plotJavaScript)
    case ["experiment.js"]: return Asset(contentType: "text/javascript; charset=utf-8", text: experimentJavaScript)
    default: return nil
    }
  }

  /// Whether `segments` name an asset: they hold no experiment data, so they are served
  /// without the bearer token (the page then sends the token to the API).
  static func isAsset(_ segments: [String]) -> Bool { asset(at: segments) != nil }
}
