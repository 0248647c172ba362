import Foundation
import HPOTestSupport
import Testing
@testable import HPORelease

@Suite struct PackageWriterTests {
  static let files: [String: [UInt8]] = [
    "model.hpoc": Array("weights".utf8), "manifest.json": Array("{}\n".utf8), "README.md": Array("# model\n".utf8),
  ]

  @Test func written_packageVerifiesWithSha256sum() throws {
    let dir = try TempDir()
    defer { dir.cleanup() }
    let package = dir.path("package")
    try PackageWriter.write(Self.files, to: package)
    let sums = try String(contentsOfFile: package + "/SHA256SUMS", encoding: .utf8)
    #expect(sums.split(separator: "\n").map { String($0.split(separator: " ").last!) } == ["README.md", "manifest.json", "model.hpoc"])
    let (status, output) = try runProgram(["sha256sum", "-c", "SHA256SUMS"], in: package)
    #expect(status == 0, "\(output)")
    #expect(output.contains("model.hpoc: OK"))
    #expect(PackageWriter.verify(package).isEmpty)
    // Nothing but the package is left beside it.
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir.url.path) == ["package"])
  }

  @Test func tamperedOrExtraFile_isFoundByVerifyAndBySha256sum() throws {
    let dir = try TempDir()
    defer { dir.cleanup() }
    let package = dir.path("package")
    try PackageWriter.write(Self.files, to: package)
    try Data("other weights".utf8).write(to: URL(fileURLWithPath: package + "/model.hpoc"))
    try Data("x".utf8).write(to: URL(fileURLWithPath: package + "/extra.bin"))
    #expect(PackageWriter.verify(package) == ["model.hpoc does not match its checksum", "extra.bin is not listed in SHA256SUMS"])
    #expect(try runProgram(["sha256sum", "-c", "--quiet", "SHA256SUMS"], in: package).0 != 0)
  }

  @Test func failedWrite_leavesTheEarlierPackageIntact() throws {
    let dir = try TempDir()
    defer { dir.cleanup() }
    let package = dir.path("package")
    try PackageWriter.write(Self.files, to: package)
    let before = try String(contentsOfFile: package + "/SHA256SUMS", encoding: .utf8)
    // File names the writer refuses: a path escaping the package, and a
    // nested name among otherwise good new files.
    #expect(throws: ReleaseError.self) { try PackageWriter.write(["../escape": [1]], to: package) }
    var broken = Self.files
    broken["model.hpoc"] = Array("new".utf8)
    broken["sub/dir"] = [1]
    #expect(throws: ReleaseError.self) { try PackageWriter.write(broken, to: package) }
    #expect(try String(contentsOfFile: package + "/SHA256SUMS", encoding: .utf8) == before)
    #expect(PackageWriter.verify(package).isEmpty)
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir.url.path) == ["package"])
  }

  @Test func rewrite_replacesThePackageWhole() throws {
    let dir = try TempDir()
    defer { dir.cleanup() }
    let package = dir.path("package")
    try PackageWriter.write(Self.files, to: package)
    try PackageWriter.write(["model.hpoc": Array("v2".utf8)], to: package)
    #expect(try FileManager.default.contentsOfDirectory(atPath: package).sorted() == ["SHA256SUMS", "model.hpoc"])
    #expect(PackageWriter.verify(package).isEmpty)
  }

  @Test func recover_putsBackAPackageACrashLeftAside() throws {
    let dir = try TempDir()
    defer { dir.cleanup() }
    let package = dir.path("package")
    try PackageWriter.write(Self.files, to: package)
    // The state after a crash between the two renames: the old package aside, none in place,
    // and a stale temporary of a process that no longer exists.
    try FileManager.default.moveItem(atPath: package, toPath: dir.path(".package.previous"))
    try FileManager.default.createDirectory(atPath: dir.path(".package.tmp-999999-1"), withIntermediateDirectories: false)
    try PackageWriter.recover(package)
    #expect(PackageWriter.verify(package).isEmpty)
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir.url.path) == ["package"])
  }
}
