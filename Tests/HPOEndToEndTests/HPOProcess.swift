import Foundation
import HPOTestSupport

/// Runs the built `hpo` binary as a user would and captures what they see.
struct HPOProcess {
  struct Result {
    var exitCode: Int32
    var standardOutput: String
    var standardError: String
  }

  /// The `hpo` executable built next to this test bundle.
  static let executable: URL = {
    if let url = BuiltExecutable.url("hpo") { return url }
    fatalError("the hpo binary was not found next to the tests (looked in \(BuiltExecutable.searched.map(\.path)))")
  }()

  /// The repository's root folder.
  static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()

  /// Runs `hpo arguments…` in `directory` with no standard input and waits for it.
  static func run(_ arguments: [String], in directory: URL = repository, timeout: TimeInterval = 60) throws -> Result {
    try launch(executable, arguments, in: directory, timeout: timeout)
  }

  /// Runs another program (`sha256sum`, `python3`, `pgrep`; found on PATH) the same way.
  static func tool(_ arguments: [String], in directory: URL = repository, timeout: TimeInterval = 60) throws -> Result {
    try launch(URL(fileURLWithPath: "/usr/bin/env"), arguments, in: directory, timeout: timeout)
  }

  private static func launch(_ program: URL, _ arguments: [String], in directory: URL, timeout: TimeInterval) throws -> Result {
    let process = Process()
    process.executableURL = program
    process.arguments = arguments
    process.currentDirectoryURL = directory
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    process.standardInput = FileHandle.nullDevice
    try process.run()
    // Read both pipes concurrently so a full pipe never blocks the child.
    let group = DispatchGroup()
    nonisolated(unsafe) var outData = Data(), errData = Data()
    group.enter()
    DispatchQueue.global().async { outData = out.fileHandleForReading.readDataToEndOfFile(); group.leave() }
    group.enter()
    DispatchQueue.global().async { errData = err.fileHandleForReading.readDataToEndOfFile(); group.leave() }
    if group.wait(timeout: .now() + timeout) == .timedOut {
      process.terminate()
      throw NSError(domain: "hpo", code: 1, userInfo: [NSLocalizedDescriptionKey: "\(program.lastPathComponent) \(arguments) did not finish in \(timeout) s"])
    }
    process.waitUntilExit()
    return Result(exitCode: process.terminationStatus,
                  standardOutput: String(decoding: outData, as: UTF8.self),
                  standardError: String(decoding: errData, as: UTF8.self))
  }

  /// A fresh temporary folder for one test.
  static func temporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("hpo-e2e-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }
}
