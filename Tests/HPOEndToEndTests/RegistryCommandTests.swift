import Foundation
import Testing

/// `hpo registry list|show` on a registry that cannot be read: a clear error
/// and exit 2, never "no entries" or "current version none".
@Suite struct RegistryCommandTests {
  /// A registry whose entry `iris` has a `current` link to a deleted version.
  static func damagedRegistry() throws -> URL {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("hpo-registry-\(UUID().uuidString)")
    let entry = dir.appendingPathComponent("iris")
    try FileManager.default.createDirectory(at: entry.appendingPathComponent("versions"), withIntermediateDirectories: true)
    try FileManager.default.createSymbolicLink(atPath: entry.appendingPathComponent("current").path, withDestinationPath: "versions/1")
    return dir
  }

  @Test(arguments: [["registry", "list"], ["registry", "show", "iris"]])
  func aDanglingCurrentLink_exits2NamingIt(_ command: [String]) throws {
    let dir = try Self.damagedRegistry()
    defer { try? FileManager.default.removeItem(at: dir) }
    let r = try HPOProcess.run(command + ["--registry", dir.path])
    #expect(r.exitCode == 2)
    #expect(r.standardError.contains("iris/current points at versions/1, which does not exist"), "\(r.standardError)")
    #expect(!r.standardOutput.contains("none"))
  }

  @Test func aMissingRegistry_exits2_notNoEntries() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("hpo-registry-absent-\(UUID().uuidString)")
    let r = try HPOProcess.run(["registry", "list", "--registry", dir.path])
    #expect(r.exitCode == 2)
    #expect(r.standardError.hasPrefix("error: cannot read the registry \(dir.path): "), "\(r.standardError)")
    #expect(r.standardOutput == "")
  }
}
