import HPOCore
import HPODrift
import Foundation

/// Checking a package directory against its `SHA256SUMS` before any of it is
/// used (the format `sha256sum` writes and `sha256sum -c` checks:
/// `<64 hex>  <name>` per line; a `*` before the name, binary mode, is
/// accepted too).
public enum PackageChecksums {
  /// The checksum file's name inside a package.
  public static let fileName = "SHA256SUMS"

  /// Verifies every file `SHA256SUMS` lists in `directory`: present, a plain
  /// name (no `/`), and matching its SHA-256. Also requires each of
  /// `required` to be listed, so a file a command reads is always covered.
  ///
  /// - Returns: The verified names and their bytes, so that what was checked
  ///   is exactly what is used (no second read).
  /// - Throws: ``DriftError`` `.packageIntegrity` naming the file and what is wrong.
  public static func verify(directory: String, required: [String]) throws(DriftError) -> [String: [UInt8]] {
    let sumsPath = (directory as NSString).appendingPathComponent(fileName)
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
      throw DriftError(.packageIntegrity, file: directory, message: "is not a directory; give a package directory (holding model.hpoc, data-profile.json and SHA256SUMS)")
    }
    guard let sumsData = FileManager.default.contents(atPath: sumsPath) else {
      throw DriftError(.packageIntegrity, file: sumsPath, message: "is missing; a package lists the SHA-256 of each of its files there, and nothing in it is used unchecked")
    }
    var listed: [(line: Int, hash: String, name: String)] = []
    for (i, raw) in String(decoding: sumsData, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
      let line = raw.hasSuffix("\r") ? raw.dropLast() : raw
      if line.isEmpty { continue }
      let hash = line.prefix(64)
      let rest = line.dropFirst(64)
      guard hash.count == 64, hash.allSatisfy(\.isHexDigit), rest.hasPrefix("  ") || rest.hasPrefix(" *") else {
        throw DriftError(.packageIntegrity, file: sumsPath, line: i + 1, message: "'\(line.prefix(80))' is not a checksum line; accepted: 64 hex digits, two spaces, a file name")
      }
      let name = String(rest.dropFirst(2))
      guard !name.isEmpty, !name.contains("/"), name != ".", name != ".." else {
        throw DriftError(.packageIntegrity, file: sumsPath, line: i + 1, message: "'\(name)' is not a file name inside the package; accepted: a plain name without '/'")
      }
      listed.append((i + 1, hash.lowercased(), name))
    }
    let names = Set(listed.map(\.name))
    for name in required where !names.contains(name) {
      throw DriftError(.packageIntegrity, file: sumsPath, message: "does not list \(name); a package's files are used only when their checksum is listed")
    }
    var verified: [String: [UInt8]] = [:]
    for entry in listed {
      let path = (directory as NSString).appendingPathComponent(entry.name)
      guard let data = FileManager.default.contents(atPath: path) else {
        throw DriftError(.packageIntegrity, file: path, message: "is listed in \(fileName) (line \(entry.line)) but missing or unreadable; the package is incomplete")
      }
      let bytes = Array(data)
      let actual = SHA256Hex.of(bytes)
      guard actual == entry.hash else {
        throw DriftError(.packageIntegrity, file: path, message: "SHA-256 is \(actual) but \(fileName) (line \(entry.line)) says \(entry.hash); the file was changed or damaged, so the package is refused")
      }
      verified[entry.name] = bytes
    }
    return verified
  }

  /// `SHA256SUMS` text for `files` (name → bytes): one line per file, sorted by name.
  public static func text(for files: [String: [UInt8]]) -> String {
    files.keys.sorted().map { name in
      SHA256Hex.of(files[name] ?? []) + "  " + name + "\n"
    }.joined()
  }
}
