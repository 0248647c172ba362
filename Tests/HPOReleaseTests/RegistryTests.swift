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
    #expect(registry.current("iris") == 2)
    #expect(try String(contentsOfFile: dir.path("registry/iris/current/model.hpoc"), encoding: .utf8) == "two")
    #expect(PackageWriter.verify(dir.path("registry/iris/versions/1")).isEmpty)
    #expect(try registry.rollback("iris") == 1)
    #expect(try String(contentsOfFile: dir.path("registry/iris/current/model.hpoc"), encoding: .utf8) == "one")
    let entry = try #require(try registry.entry("iris"))
    #expect(entry.versions == [1, 2] && entry.current == 1)
    #expect(entry.history.map(\.action) == ["promote", "promote", "rollback"])
    #expect(entry.history.map(\.version) == [1, 2, 1])
    #expect(entry.history.map(\.previous) == [nil, 1, 2])
    #expect(registry.names() == ["iris"])
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
    #expect(registry.current("iris") == 1)
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
    #expect(registry.current("iris") == 1)
    #expect(throws: ReleaseError.self) { try registry.promote(package: bad, as: "../escape") }
  }
}
