import Foundation
import HPOTestSupport
import Testing
@testable import HPORelease

@Suite struct RegistryTests {
  static func package(_ dir: TempDir, _ name: String, model: String) throws -> String {
    let path = dir.path(name)
    try PackageWriter.write(["model.hpoc": Array(model.utf8), "manifest.json": Array("{}".utf8)], to: path)
    return path
  }

  @Test func promoteTwiceThenRollBack_switchesCurrentAndKeepsHistory() throws {
    let dir = try TempDir()
    defer { dir.cleanup() }
    let registry = Registry(root: dir.path("registry"))
    #expect(try registry.entry("iris") == nil)
    #expect(try registry.promote(package: try Self.package(dir, "p1", model: "one"), as: "iris") == 1)
    #expect(try registry.promote(package: try Self.package(dir, "p2", model: "two"), as: "iris") == 2)
    #expect(try registry.current("iris") == 2)
    #expect(try String(contentsOfFile: dir.path("registry/iris/current/model.hpoc"), encoding: .utf8) == "two")
    #expect(PackageWriter.verify(dir.path("registry/iris/versions/1")).isEmpty)
    #expect(try registry.rollback("iris") == 1)
    #expect(try String(contentsOfFile: dir.path("registry/iris/current/model.hpoc"), encoding: .utf8) == "one")
    let entry = try #require(try registry.entry("iris"))
    #expect(entry.versions == [1, 2] && entry.current == 1)
    #expect(entry.history.map(\.action) == ["promote", "promote", "rollback"])
    #expect(entry.history.map(\.version) == [1, 2, 1])
    #expect(entry.history.map(\.previous) == [nil, 1, 2])
    #expect(try registry.names() == ["iris"])
    // Only the symlink, the history and the versions: no temporaries left.
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path("registry/iris")).sorted() == ["current", "history.jsonl", "versions"])
    #expect(try FileManager.default.destinationOfSymbolicLink(atPath: dir.path("registry/iris/current")) == "versions/1")
  }

  @Test func rollback_withoutAnEarlierVersionIsRefused() throws {
    let dir = try TempDir()
    defer { dir.cleanup() }
    let registry = Registry(root: dir.path("registry"))
    try registry.promote(package: try Self.package(dir, "p1", model: "one"), as: "iris")
    #expect(throws: ReleaseError.self) { try registry.rollback("iris") }
    #expect(throws: ReleaseError.self) { try registry.rollback("absent") }
    #expect(try registry.current("iris") == 1)
  }

  @Test func promote_refusesATamperedPackageAndLeavesTheEntryAlone() throws {
    let dir = try TempDir()
    defer { dir.cleanup() }
    let registry = Registry(root: dir.path("registry"))
    try registry.promote(package: try Self.package(dir, "p1", model: "one"), as: "iris")
    let bad = try Self.package(dir, "p2", model: "two")
    try Data("changed".utf8).write(to: URL(fileURLWithPath: bad + "/model.hpoc"))
    #expect(throws: ReleaseError.self) { try registry.promote(package: bad, as: "iris") }
    #expect(try registry.entry("iris")?.versions == [1])
    #expect(try registry.current("iris") == 1)
    #expect(throws: ReleaseError.self) { try registry.promote(package: bad, as: "../escape") }
  }

  // Corruption is an error naming what is wrong, never an empty registry or "no model".

  @Test func aDanglingCurrentLink_isAnErrorNamingIt_notNoModel() throws {
    let dir = try TempDir()
    defer { dir.cleanup() }
    let registry = Registry(root: dir.path("registry"))
    try registry.promote(package: try Self.package(dir, "p1", model: "one"), as: "iris")
    try FileManager.default.removeItem(atPath: dir.path("registry/iris/versions/1"))
    let error = #expect(throws: ReleaseError.self) { try registry.current("iris") }
    #expect(error?.description.contains("registry/iris/current points at versions/1, which does not exist") == true)
    #expect(throws: ReleaseError.self) { try registry.entry("iris") }
    // An entry without a current link is still a plain "nothing promoted".
    try FileManager.default.removeItem(atPath: dir.path("registry/iris/current"))
    #expect(try registry.current("iris") == nil)
  }

  @Test func aCurrentThatIsNotALinkToAVersion_isAnError() throws {
    let dir = try TempDir()
    defer { dir.cleanup() }
    let registry = Registry(root: dir.path("registry"))
    try registry.promote(package: try Self.package(dir, "p1", model: "one"), as: "iris")
    try FileManager.default.removeItem(atPath: dir.path("registry/iris/current"))
    try FileManager.default.createSymbolicLink(atPath: dir.path("registry/iris/current"), withDestinationPath: "/tmp")
    let error = #expect(throws: ReleaseError.self) { try registry.current("iris") }
    #expect(error?.description.contains("points at \"/tmp\"; expected versions/N") == true)
  }

  @Test func anUnreadableOrMissingRegistry_isAnError_notAnEmptyList() throws {
    let dir = try TempDir()
    defer { dir.cleanup() }
    let missing = #expect(throws: ReleaseError.self) { try Registry(root: dir.path("absent")).names() }
    #expect(missing?.description.hasPrefix("cannot read the registry \(dir.path("absent")): ") == true)
    #expect(missing?.description.lowercased().hasSuffix("no such file or directory") == true)
    // A file where the folder should be (root can read any folder, so unreadable is shown this way).
    try Data("x".utf8).write(to: URL(fileURLWithPath: dir.path("file")))
    #expect(throws: ReleaseError.self) { try Registry(root: dir.path("file")).names() }
    try FileManager.default.createDirectory(atPath: dir.path("empty"), withIntermediateDirectories: true)
    #expect(try Registry(root: dir.path("empty")).names() == [])
  }

  @Test func anEntryWhoseVersionsFolderIsUnreadable_isDamaged() throws {
    let dir = try TempDir()
    defer { dir.cleanup() }
    let registry = Registry(root: dir.path("registry"))
    try registry.promote(package: try Self.package(dir, "p1", model: "one"), as: "iris")
    try FileManager.default.removeItem(atPath: dir.path("registry/iris/versions"))
    try Data("x".utf8).write(to: URL(fileURLWithPath: dir.path("registry/iris/versions")))
    let error = #expect(throws: ReleaseError.self) { try registry.entry("iris") }
    #expect(error?.description.contains("is damaged: cannot read") == true)
  }

  @Test func aHistoryLineThatIsNotAnEvent_isAnErrorNamingTheLine() throws {
    let dir = try TempDir()
    defer { dir.cleanup() }
    let registry = Registry(root: dir.path("registry"))
    try registry.promote(package: try Self.package(dir, "p1", model: "one"), as: "iris")
    let history = dir.path("registry/iris/history.jsonl")
    let handle = try #require(FileHandle(forWritingAtPath: history))
    try handle.seekToEnd()
    try handle.write(contentsOf: Data("{\"action\": \"promote\"\n".utf8))
    try handle.close()
    let error = #expect(throws: ReleaseError.self) { try registry.history("iris") }
    #expect(error?.description == "\(history):2: not a registry event (expected a JSON object with action, version and time)")
  }
}
