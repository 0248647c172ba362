import Foundation
import HPOCore
import HPOData
import HPODrift
import HPORelease
import HPOTestSupport
import Testing

/// Reading the package of a command experiment: everything verified and
/// decoded before anything is used, and every problem named by its file.
struct CommandPackageTests {
  static let command = #"""
    {"format": 1, "experiment": "e", "trial": 2, "seed": 5, "configuration": {"lr": 0.1},
     "train": ["python3", "train.py"], "predict": ["python3", "predict.py"], "env": {}}
    """#

  /// A package in `dir/package` with `files` replacing the defaults (nil: left out).
  static func write(_ dir: TempDir, _ changes: [String: [UInt8]?] = [:]) throws -> String {
    let code = dir.url.appendingPathComponent("code")
    try FileManager.default.createDirectory(at: code, withIntermediateDirectories: true)
    try "print(1)\n".write(to: code.appendingPathComponent("predict.py"), atomically: true, encoding: .utf8)
    var files: [String: [UInt8]] = [
      "command.json": Array(command.utf8),
      "code.bundle": try FileBundle.pack(directory: code.path).encoded,
      "checkpoint.bundle": try FileBundle.pack(directory: code.path).encoded,
    ]
    for (name, bytes) in changes { files[name] = bytes }
    let package = dir.path("package")
    try PackageWriter.write(files, to: package)
    return package
  }

  static func problem(_ package: String) -> DriftError? {
    do {
      _ = try CommandPackage(directory: package)
      return nil
    } catch {
      return error
    }
  }

  @Test func readsAVerifiedPackage() throws {
    let dir = try TempDir()
    defer { dir.cleanup() }
    let package = try Self.write(dir)
    #expect(CommandPackage.isCommandPackage(directory: package))
    let read = try CommandPackage(directory: package)
    #expect(read.command.predict == ["python3", "predict.py"])
    #expect(read.command.configuration == Configuration(["lr": .float(0.1)]))
    #expect(read.code.entries.map(\.path) == ["predict.py"])
    #expect(read.profile == nil)
  }

  @Test func refusesABadCommandJSONOrBundle_namingTheFile() throws {
    let dir = try TempDir()
    defer { dir.cleanup() }
    let cases: [(changes: [String: [UInt8]?], file: String, message: String)] = [
      (["command.json": Array(Self.command.replacingOccurrences(of: #""format": 1"#, with: #""format": 2"#).utf8)],
       "command.json", "format 2 is not read by this hpo; accepted: 1"),
      (["command.json": Array(Self.command.replacingOccurrences(of: #""train": ["python3", "train.py"], "#, with: "").utf8)],
       "command.json", "is not a command description this build reads: train is missing"),
      (["command.json": Array(Self.command.replacingOccurrences(of: #"["python3", "predict.py"]"#, with: "[]").utf8)],
       "command.json", "predict is []; accepted: a non-empty list of non-empty strings"),
      (["command.json": Array("{".utf8)], "command.json", "is not a command description this build reads: it is not valid JSON"),
      (["code.bundle": Array("this is not a file bundle".utf8)],
       "code.bundle", "is not a file bundle this build reads: not a file bundle: it does not start with 'HPOFILES'"),
      (["checkpoint.bundle": nil], "SHA256SUMS", "does not list checkpoint.bundle; a package's files are used only when their checksum is listed"),
    ]
    for (i, c) in cases.enumerated() {
      let sub = try TempDir()
      defer { sub.cleanup() }
      let package = try Self.write(sub, c.changes)
      let error = try #require(Self.problem(package), "case \(i)")
      #expect(error.code == .packageIntegrity, "case \(i)")
      #expect(error.description == "\(package)/\(c.file): \(c.message)", "case \(i)")
    }
  }

  @Test func checkHeader_namesEveryMissingFeature_andReadsAQuotedHeaderWhole() throws {
    let dir = try TempDir()
    defer { dir.cleanup() }
    func feature(_ name: String) -> DataProfile.FeatureProfile {
      DataProfile.FeatureProfile(
        name: name, kind: .numeric, count: 1, missingFraction: 0, min: 0, max: 0, mean: 0, std: 0, levels: nil,
        binEdges: [], fractions: [1, 0], ksSample: [0])
    }
    let profile = DataProfile(
      rows: 1, label: .init(name: "label", task: .regression, classes: nil), missing: .reject, seed: 0,
      features: ["a", "b", "c"].map(feature))
    // A header whose quoted first name holds a line break and is longer than the first read of 64 KB.
    let padding = String(repeating: "p", count: 100_000)
    let whole = dir.path("whole.csv")
    try "\"\(padding)\nq\",c,a,\"b\"\n1,2,3,4\n".write(toFile: whole, atomically: true, encoding: .utf8)
    try CommandPackage.checkHeader(of: whole, against: profile)

    let partial = dir.path("partial.csv")
    try "\n\nlabel,b\n1,2\n".write(toFile: partial, atomically: true, encoding: .utf8)
    #expect(throws: DriftError(
      .schema, file: partial, line: 3,
      message: "the header lacks the feature columns 'a', 'c' that data-profile.json names (the model was trained on 3 feature columns: the label 'label' may be left out, no feature may); the header has 'label', 'b'")) {
      try CommandPackage.checkHeader(of: partial, against: profile)
    }
    let empty = dir.path("empty.csv")
    try "".write(toFile: empty, atomically: true, encoding: .utf8)
    #expect(throws: DriftError(.schema, file: empty, message: "is empty; expected a header row naming the columns")) {
      try CommandPackage.checkHeader(of: empty, against: profile)
    }
    #expect(throws: DriftError.self) { try CommandPackage.checkHeader(of: dir.path("absent.csv"), against: profile) }
  }
}
