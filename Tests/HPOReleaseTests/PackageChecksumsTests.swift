import Foundation
import HPODrift
import Testing

@testable import HPORelease

struct PackageChecksumsTests {
  @Test func checksumText_isWhatSha256sumChecks() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("hpo-sums-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let files: [String: [UInt8]] = ["b.json": Array("{}\n".utf8), "a model.bin": [0, 1, 2, 255]]
    for (name, bytes) in files { try Data(bytes).write(to: dir.appendingPathComponent(name)) }
    let text = PackageChecksums.text(for: files)
    #expect(text.hasSuffix("  a model.bin\n" + text.split(separator: "\n")[1] + "\n"))
    try Data(text.utf8).write(to: dir.appendingPathComponent("SHA256SUMS"))
    let check = Process()
    check.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    check.arguments = ["sha256sum", "-c", "--quiet", "SHA256SUMS"]
    check.currentDirectoryURL = dir
    try check.run()
    check.waitUntilExit()
    #expect(check.terminationStatus == 0)
    let verified = try PackageChecksums.verify(directory: dir.path, required: ["b.json"])
    #expect(verified == files)
    try Data([0, 1, 2, 254]).write(to: dir.appendingPathComponent("a model.bin"))
    #expect(throws: DriftError.self) { try PackageChecksums.verify(directory: dir.path, required: []) }
  }
}
