import Foundation

/// An executable of this package (`hpo`, `hpo-subreaper-probe`), found where
/// SwiftPM puts the products: next to the test bundle, or a folder or two up
/// (the bundle may sit in a `.xctest` directory).
public enum BuiltExecutable {
  /// The folders looked in, in order.
  public static var searched: [URL] {
    var candidates: [URL] = []
    if let bundle = Bundle.main.executableURL { candidates.append(bundle.deletingLastPathComponent()) }
    candidates.append(URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent())
    return candidates.flatMap { dir in
      [dir, dir.deletingLastPathComponent(), dir.deletingLastPathComponent().deletingLastPathComponent()]
    }
  }

  /// The executable named `name`, or nil when it was not built.
  public static func url(_ name: String) -> URL? {
    for base in searched {
      let url = base.appendingPathComponent(name)
      if FileManager.default.isExecutableFile(atPath: url.path) { return url }
    }
    return nil
  }
}
