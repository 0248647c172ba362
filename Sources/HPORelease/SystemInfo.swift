import Foundation
import HPOLinearAlgebra

/// Where a package was made: OS, CPU, BLAS and the experiment's git commit.
struct SystemInfo {
  var os: String
  var cpu: String
  var cpuCount: Int
  var blas: String
  var gitCommit: String?

  static func current(experimentDirectory: String?) -> SystemInfo {
    SystemInfo(
      os: osRelease() ?? ProcessInfo.processInfo.operatingSystemVersionString,
      cpu: cpuModel() ?? "unknown", cpuCount: ProcessInfo.processInfo.processorCount,
      blas: BLASInfo.current().description, gitCommit: experimentDirectory.flatMap(gitCommit))
  }

  /// `PRETTY_NAME` of /etc/os-release, with the kernel release.
  static func osRelease() -> String? {
    // Informational (the report's system section): a system without the file shows "unknown".
    guard let text = try? String(contentsOfFile: "/etc/os-release", encoding: .utf8) else { return nil }
    for line in text.split(separator: "\n") where line.hasPrefix("PRETTY_NAME=") {
      let value = line.dropFirst("PRETTY_NAME=".count).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
      var uts = utsname()
      uname(&uts)
      let release = withUnsafeBytes(of: &uts.release) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
      return "\(value) (Linux \(release))"
    }
    return nil
  }

  /// `model name` of /proc/cpuinfo.
  static func cpuModel() -> String? {
    // Informational, as above.
    guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) else { return nil }
    for line in text.split(separator: "\n") where line.hasPrefix("model name") {
      return line.split(separator: ":", maxSplits: 1).last.map { $0.trimmingCharacters(in: .whitespaces) }
    }
    return nil
  }

  /// `git -C dir rev-parse HEAD`, when `dir` is inside a git repository (a folder
  /// on the way up holds `.git`; no process is started otherwise) and git exists.
  static func gitCommit(_ dir: String) -> String? {
    var folder = URL(fileURLWithPath: dir).standardizedFileURL
    while !FileManager.default.fileExists(atPath: folder.appendingPathComponent(".git").path) {
      let parent = folder.deletingLastPathComponent()
      if parent.path == folder.path { return nil }
      folder = parent
    }
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    p.arguments = ["git", "-C", dir, "rev-parse", "HEAD"]
    let out = Pipe()
    p.standardOutput = out
    p.standardError = FileHandle.nullDevice
    p.standardInput = FileHandle.nullDevice
    do { try p.run() } catch { return nil }
    let data = out.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    guard p.terminationStatus == 0 else { return nil }
    let commit = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    return commit.count == 40 ? commit : nil
  }
}
