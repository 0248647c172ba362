#if canImport(Glibc)
import Glibc
#endif

/// Finds the file a command's first argument names, before anything is
/// started, so that a missing or non-executable program is a clear error
/// ("not found: python4 (...)") rather than a failed child.
enum CommandExecutable {
  /// The search path when the environment has no `PATH` (as `execvp` uses).
  static let defaultSearchPath = "/bin:/usr/bin"

  /// The absolute path of the executable `name` names: with a "/", relative to
  /// `workingDirectory`; otherwise the first executable regular file named
  /// `name` in the folders of `searchPath` (an empty entry is the working directory).
  /// - Throws: ``CommandError/notFound(command:detail:)`` naming where it looked.
  static func resolve(_ name: String, searchPath: String?, workingDirectory: String) throws(CommandError) -> String {
    guard !name.isEmpty else { throw .invalidLaunch(reason: "the command's first argument is empty") }
    if name.contains("/") {
      let path = name.hasPrefix("/") ? name : join(workingDirectory, name)
      switch check(path) {
      case .executable: return path
      case .missing: throw .notFound(command: name, detail: "no such file: \(path)")
      case .notExecutable:
        throw .notFound(command: name, detail: "\(path) is not an executable file; make it executable (chmod +x) or run it through its interpreter")
      }
    }
    let path = searchPath ?? defaultSearchPath
    var notExecutable: String?
    for folder in path.split(separator: ":", omittingEmptySubsequences: false) {
      let base = folder.isEmpty ? workingDirectory : String(folder)
      let candidate = join(base.hasPrefix("/") ? base : join(workingDirectory, base), name)
      switch check(candidate) {
      case .executable: return candidate
      case .notExecutable: notExecutable = notExecutable ?? candidate
      case .missing: continue
      }
    }
    if let candidate = notExecutable {
      throw .notFound(command: name, detail: "\(candidate) is not an executable file, and no other \(name) is on PATH=\(path)")
    }
    throw .notFound(command: name, detail: "no executable named \(name) on PATH=\(path)")
  }

  private enum Check { case executable, notExecutable, missing }

  private static func check(_ path: String) -> Check {
    var info = stat()
    guard stat(path, &info) == 0 else { return .missing }
    guard info.st_mode & S_IFMT == S_IFREG, access(path, X_OK) == 0 else { return .notExecutable }
    return .executable
  }

  private static func join(_ folder: String, _ name: String) -> String {
    folder.hasSuffix("/") ? folder + name : folder + "/" + name
  }
}
