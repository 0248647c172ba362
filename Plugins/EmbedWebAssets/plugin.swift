import Foundation
import PackagePlugin

/// Compiles the dashboard's web page into the `hpo` binary: the hand-written files under the
/// target's `Assets/` folder and the charting library installed by apt (``WebLibrary/all``) become
/// one generated Swift source, `DashboardAssets+Embedded.swift`, written by the
/// `hpo-embed-assets` tool into the plugin's work folder (never committed). The build fails,
/// naming the file and the Debian package, when an installed library is missing.
@main struct EmbedWebAssets: BuildToolPlugin {
  func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
    // Target.directoryURL needs tools 6.1; the package is 6.0.
    let assets = URL(fileURLWithPath: target.directory.string).appending(path: "Assets")
    let names = try FileManager.default.contentsOfDirectory(atPath: assets.path).filter { !$0.hasPrefix(".") }.sorted()
    let missing = WebLibrary.all.filter { !FileManager.default.isReadableFile(atPath: $0.installedPath) }
    for library in missing {
      Diagnostics.error(
        "\(library.installedPath) is missing: the dashboard serves it as /\(library.servedName); "
          + "install the Debian package \(library.package) (apt-get install \(library.package), or run Cluster/bootstrap)")
    }
    if !missing.isEmpty { throw MissingLibraries(count: missing.count) }

    let output = context.pluginWorkDirectoryURL.appending(path: "DashboardAssets+Embedded.swift")
    var arguments = ["--output", output.path]
    var inputs: [URL] = []
    for name in names {
      arguments += ["--file", name, assets.appending(path: name).path, "Assets/\(name)"]
      inputs.append(assets.appending(path: name))
    }
    for library in WebLibrary.all {
      arguments += ["--file", library.servedName, library.installedPath, "\(library.installedPath) (Debian package \(library.package))"]
      inputs.append(URL(fileURLWithPath: library.installedPath))
    }
    return [.buildCommand(
      displayName: "Embedding the dashboard's assets and \(WebLibrary.all.map(\.package).joined(separator: ", "))",
      executable: try context.tool(named: "hpo-embed-assets").url, arguments: arguments,
      inputFiles: inputs, outputFiles: [output])]
  }
}

/// A JavaScript library the dashboard serves, as a Debian package installs it.
struct WebLibrary {
  /// The path the page loads it from (`lib/d3.js`).
  var servedName: String
  var installedPath: String
  /// The Debian package that installs it (Cluster/bootstrap installs it with apt).
  var package: String

  /// d3 5.16 (Debian's `node-d3`: its minified UMD bundle of the `node-d3-*` modules): scales,
  /// axes, brushes, contours and shapes for every chart of the experiment page.
  static let all = [
    WebLibrary(servedName: "lib/d3.js", installedPath: "/usr/share/nodejs/d3/dist/d3.min.js", package: "node-d3"),
  ]
}

struct MissingLibraries: Error, CustomStringConvertible {
  var count: Int
  var description: String { "\(count) web librar\(count == 1 ? "y is" : "ies are") missing; see the errors above" }
}
