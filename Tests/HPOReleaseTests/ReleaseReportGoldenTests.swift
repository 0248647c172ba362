import Foundation
import HPOCore
import HPOTestSupport
import Testing
@testable import HPORelease

/// What the release stage writes — `report.md`, `junit.xml`, `report.html`,
/// `result.json` and the package's `README.md` — byte for byte as recorded
/// in `Fixtures/ReleaseReport/<scenario>/` (one folder per outcome of
/// ``ReleaseReportScenarios``). The output folder's path is written as `$OUT`
/// in the fixtures, and hpo's version (in report.html) as `$VERSION`.
///
/// To re-record after a deliberate change of the reports, run the tests with
/// `HPO_RECORD_RELEASE_FIXTURES=1` and review the diff of the fixtures.
@Suite struct ReleaseReportGoldenTests {
  static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("Fixtures/ReleaseReport")
  static let files = ["report.md", "junit.xml", "report.html", "result.json", "README.md"]

  @Test(arguments: ReleaseReportScenarios.names)
  func writtenFiles_matchTheRecordedOnes(_ scenario: String) throws {
    let dir = try TempDir()
    defer { dir.cleanup() }
    let output = dir.path("out")
    let report = try ReleaseReportScenarios.report(scenario, output: output)
    try report.write(to: output)
    try Data(report.modelCard().utf8).write(to: URL(fileURLWithPath: output).appendingPathComponent("README.md"))

    let folder = Self.fixtures.appendingPathComponent(scenario)
    let record = ProcessInfo.processInfo.environment["HPO_RECORD_RELEASE_FIXTURES"] == "1"
    if record { try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true) }
    for file in Self.files {
      let written = try String(contentsOfFile: output + "/" + file, encoding: .utf8)
        .replacingOccurrences(of: output, with: "$OUT").replacingOccurrences(of: "hpo \(HPOVersion.current).", with: "hpo $VERSION.")
      let fixture = folder.appendingPathComponent(file)
      if record {
        try Data(written.utf8).write(to: fixture)
        continue
      }
      let expected = try String(contentsOf: fixture, encoding: .utf8)
      #expect(written == expected, "\(scenario)/\(file) differs from its fixture")
    }
  }
}
