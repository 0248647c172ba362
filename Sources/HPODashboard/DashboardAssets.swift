import Foundation

/// The page of the dashboard, compiled into the binary: every file under `Assets/` and the
/// charting library Debian installs (d3, from the `node-d3` package, served as `lib/d3.js`),
/// embedded at build time by the `EmbedWebAssets` build plugin (`DashboardAssets+Embedded.swift`
/// in the build folder, never committed), so a copied `hpo` alone serves it, offline, with no CDN.
///
/// The page reads everything through the JSON API and puts text into the DOM with
/// `textContent` (or d3's `.text`) only, so text from experiments is never read as markup.
enum DashboardAssets {
  struct Asset: Sendable {
    var contentType: String
    var bytes: Data
  }

  /// Each embedded file by the path it is served at (`index.html`, `lib/d3.js`), decoded once.
  static let files: [String: Asset] = {
    var out: [String: Asset] = [:]
    for (name, base64) in embeddedFiles {
      guard let bytes = Data(base64Encoded: base64) else {
        preconditionFailure("the build plugin wrote \(name) as base64; it must decode")
      }
      out[name] = Asset(contentType: contentType(of: name), bytes: bytes)
    }
    return out
  }()

  /// The asset served at `segments` (`[]` is `/`, the page), or `nil`.
  static func asset(at segments: [String]) -> Asset? {
    files[segments.isEmpty ? "index.html" : segments.joined(separator: "/")]
  }

  /// Whether `segments` name an asset: they hold no experiment data, so they are served
  /// without the bearer token (the page then sends the token to the API).
  static func isAsset(_ segments: [String]) -> Bool { asset(at: segments) != nil }

  /// The content type for a file name's extension.
  static func contentType(of name: String) -> String {
    switch name.split(separator: ".").last {
    case "html": "text/html; charset=utf-8"
    case "css": "text/css; charset=utf-8"
    case "js": "text/javascript; charset=utf-8"
    case "svg": "image/svg+xml"
    case "png": "image/png"
    default: "application/octet-stream"
    }
  }
}
