import Foundation

/// A fresh temporary folder, removed by ``cleanup()``.
struct TempDir {
  let url: URL
  init() throws {
    url = FileManager.default.temporaryDirectory.appendingPathComponent("hpo-packaging-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
  }
  func path(_ name: String) -> String { url.appendingPathComponent(name).path }
  func cleanup() { try? FileManager.default.removeItem(at: url) }
}

/// Runs a program and returns its exit status and standard output.
func runProgram(_ arguments: [String], in directory: String) throws -> (Int32, String) {
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
