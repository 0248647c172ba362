import Foundation
import HPOCore
import HPODashboard

#if canImport(Glibc)
import Glibc
#endif

/// Headless Chromium (the Debian package) loading a page of the dashboard and printing its DOM
/// once the page's virtual clock ran `budget` ms (`--virtual-time-budget`, `--dump-dom`).
///
/// The virtual clock stands still while a request is open, and the event stream is a request
/// that stays open; so the pages are served with ``timing``, whose streams end after a second
/// (the page reconnects, as after a server restart), and the clock runs between them.
final class Chromium: @unchecked Sendable {
  static let timing = StoreWatcher.Timing(
    poll: .milliseconds(50), heartbeat: .seconds(60), retryMilliseconds: 1000, streamLifetime: .seconds(1))

  private let process = Process()
  private let output = Locked(Data())
  private let log = Locked(Data())
  private let profile: URL

  /// Starts loading `url`; ``dom()`` waits for the result.
  init(_ url: String, budget: Int = 3000) throws {
    profile = FileManager.default.temporaryDirectory.appendingPathComponent("hpo-chromium-\(UUID().uuidString)")
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = [
      "timeout", "90", "chromium", "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
      "--user-data-dir=\(profile.path)", "--enable-logging=stderr", "--v=0", "--virtual-time-budget=\(budget)",
      "--dump-dom", url,
    ]
    collectStandardOutput(of: process, into: output, standardError: log)
    try process.run()
  }

  deinit {
    if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    // A leftover profile folder harms nothing; a test must not fail for it.
    try? FileManager.default.removeItem(at: profile)
  }

  /// The DOM after the page's scripts ran; throws when Chromium fails or takes over 90 s.
  func dom() async throws -> String {
    while process.isRunning { try await Task.sleep(for: .milliseconds(50)) }
    guard process.terminationStatus == 0 else { throw Failure("chromium exited with \(process.terminationStatus)") }
    // The last bytes may still be on their way through the pipe's handler.
    try await Task.sleep(for: .milliseconds(100))
    return String(decoding: output.value, as: UTF8.self)
  }

  /// What the page wrote to its console (every level: `console.log` to uncaught errors), one
  /// message a line as Chromium logs them (`[…:INFO:CONSOLE:1] "message", source: URL (line)`);
  /// call after ``dom()``. The dashboard's pages write nothing there unless something is wrong.
  func consoleMessages() -> [String] {
    String(decoding: log.value, as: UTF8.self).split(separator: "\n").filter { $0.contains(":CONSOLE") }.map(String.init)
  }

  /// The DOM of `url` after `budget` ms of the page's virtual time.
  static func dom(_ url: String, budget: Int = 3000) async throws -> String {
    try await Chromium(url, budget: budget).dom()
  }

  /// What a page left: its DOM, and every message it wrote to the console (the dashboard's
  /// pages write none unless something went wrong: an uncaught exception, a failed request).
  struct Page {
    var dom: String
    var consoleErrors: [String]
  }

  /// The DOM and the console messages once the page's scripts ran.
  func page() async throws -> Page {
    let dom = try await dom()
    return Page(dom: dom, consoleErrors: consoleMessages())
  }

  /// The page at `url` after `budget` ms of the page's virtual time.
  static func page(_ url: String, budget: Int = 3000) async throws -> Page {
    try await Chromium(url, budget: budget).page()
  }
}

/// Appends what `process` writes to its standard output to `output` as it arrives (and its
/// standard error to `standardError`, or discards it); call before `run()`.
func collectStandardOutput(of process: Process, into output: Locked<Data>, standardError: Locked<Data>? = nil) {
  process.standardOutput = collect(into: output)
  process.standardError = standardError.map(collect) ?? FileHandle.nullDevice
}

/// A pipe whose bytes are appended to `buffer` as they arrive.
private func collect(into buffer: Locked<Data>) -> Pipe {
  let pipe = Pipe()
  pipe.fileHandleForReading.readabilityHandler = { handle in
    let data = handle.availableData
    // End of file: no more calls (else the handler is called again and again).
    if data.isEmpty { handle.readabilityHandler = nil }
    buffer.withLock { $0.append(data) }
  }
  return pipe
}
