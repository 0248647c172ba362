import Foundation

// Helpers shared by the test targets (not shipped: only test targets depend on this).

/// A fresh temporary folder, removed by ``cleanup()``.
public struct TempDir {
  public let url: URL
  public init() throws {
    url = FileManager.default.temporaryDirectory.appendingPathComponent("hpo-test-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
  }
  public func path(_ name: String) -> String { url.appendingPathComponent(name).path }
  /// Removes the folder; a folder already gone, or one a test left unwritable, is not worth failing a test over.
  public func cleanup() { try? FileManager.default.removeItem(at: url) }
}

/// Runs a program and returns its exit status and standard output.
public func runProgram(_ arguments: [String], in directory: String) throws -> (Int32, String) {
  let p = Process()
  p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
  p.arguments = arguments
  p.currentDirectoryURL = URL(fileURLWithPath: directory)
  let out = Pipe()
  p.standardOutput = out
  p.standardError = out
  try p.run()
  let data = out.fileHandleForReading.readDataToEndOfFile()
  p.waitUntilExit()
  return (p.terminationStatus, String(decoding: data, as: UTF8.self))
}

/// Runs `python3 -c script` with `input` on standard input; returns standard output.
public func runPython(_ script: String, input: String) throws -> String {
  let process = Process()
  process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
  process.arguments = ["python3", "-c", script]
  let stdin = Pipe(), stdout = Pipe(), stderr = Pipe()
  process.standardInput = stdin
  process.standardOutput = stdout
  process.standardError = stderr
  try process.run()
  let group = DispatchGroup()
  nonisolated(unsafe) var out = Data(), err = Data()
  group.enter()
  DispatchQueue.global().async { out = stdout.fileHandleForReading.readDataToEndOfFile(); group.leave() }
  group.enter()
  DispatchQueue.global().async { err = stderr.fileHandleForReading.readDataToEndOfFile(); group.leave() }
  stdin.fileHandleForWriting.write(Data(input.utf8))
  try stdin.fileHandleForWriting.close()
  group.wait()
  process.waitUntilExit()
  guard process.terminationStatus == 0 else {
    throw PythonFailure(message: "python3 failed (\(process.terminationStatus)): " + String(decoding: err, as: UTF8.self))
  }
  return String(decoding: out, as: UTF8.self)
}

public struct PythonFailure: Error, CustomStringConvertible {
  public var message: String
  public var description: String { message }
  public init(message: String) { self.message = message }
}
