import Foundation
import Testing

/// `hpo trials` and `hpo status` with `--store FILE`: the results of a run
/// without a coordinator — while one writes the store, after it stopped, and
/// from a copy of the store file alone (as a CI artifact).
struct OfflineStoreTests {
  @Test func trialsAndStatus_fromTheStore_matchTheCoordinator_whileItRunsAndAfter() throws {
    let c = try TestCoordinator()
    let exp = try c.experiment("fast", sleepExperiment("fast", trials: 6, parallel: 2, seconds: 0))
    let worker = try c.worker("w", extra: ["--slots", "2"])
    defer { worker.stop() }
    let submit = try c.run(["submit", exp])
    #expect(submit.exitCode == 0, "\(submit.standardError)")

    // While the coordinator runs and holds the store: the same trials, in every format.
    for format in ["json", "csv", "table"] {
      let live = try c.run(["trials", "fast", "--format", format])
      let offline = try HPOProcess.run(["trials", "fast", "--format", format, "--store", c.store], in: c.directory)
      #expect(live.exitCode == 0 && offline.exitCode == 0, "\(live.standardError)\(offline.standardError)")
      #expect(offline.standardOutput == live.standardOutput, "\(format)")
      #expect(offline.standardError.isEmpty)
    }
    let status = try HPOProcess.run(["status", "fast", "--store", c.store], in: c.directory)
    #expect(status.exitCode == 0, "\(status.standardError)")
    let lines = status.standardOutput.split(separator: "\n").map(String.init)
    #expect(lines.first == "store \(c.store) (read-only)")
    #expect(lines.last?.hasPrefix("finished  fast  6/6 done · 0 running · 0 failed · best ") == true, "\(status.standardOutput)")
    let expected = try c.run(["trials", "fast", "--format", "json"]).standardOutput

    // After the coordinator stops, a copy of the store file alone (no -wal) holds everything.
    c.process.signal(SIGTERM)
    #expect(c.process.waitForExit(timeout: 30) == 0)
    let copy = c.directory.appendingPathComponent("artifact.sqlite").path
    try FileManager.default.copyItem(atPath: c.store, toPath: copy)
    let fromCopy = try HPOProcess.run(["trials", "fast", "--format", "json", "--store", copy], in: c.directory)
    #expect(fromCopy.exitCode == 0, "\(fromCopy.standardError)")
    #expect(fromCopy.standardOutput == expected)
    #expect(!FileManager.default.fileExists(atPath: copy + ".lock"), "reading takes no lock")
  }

  @Test func aStoreThatIsNotThere_orNotAStore_isExitTwo_andNothingIsCreated() throws {
    let dir = try HPOProcess.temporaryDirectory()
    let missing = dir.appendingPathComponent("nope.sqlite").path
    let r = try HPOProcess.run(["trials", "x", "--store", missing], in: dir)
    #expect(r.exitCode == 2)
    #expect(r.standardError.hasPrefix("error: --store: store \(missing) cannot be opened: "), "\(r.standardError)")
    #expect(!FileManager.default.fileExists(atPath: missing))

    let text = dir.appendingPathComponent("notes.txt").path
    try "not a database\n".write(toFile: text, atomically: true, encoding: .utf8)
    let s = try HPOProcess.run(["status", "--store", text], in: dir)
    #expect(s.exitCode == 2)
    #expect(s.standardError.hasPrefix("error: --store: \(text) is not an hpo experiment store"), "\(s.standardError)")
    #expect(try String(contentsOfFile: text, encoding: .utf8) == "not a database\n")
  }

  @Test func anExperimentTheStoreDoesNotHave_isExitTwo() throws {
    let c = try TestCoordinator()
    let exp = try c.experiment("one", sleepExperiment("one", trials: 1, parallel: 1, seconds: 0))
    let worker = try c.worker("w")
    defer { worker.stop() }
    #expect(try c.run(["submit", exp]).exitCode == 0)
    let r = try HPOProcess.run(["trials", "other", "--store", c.store], in: c.directory)
    #expect(r.exitCode == 2)
    #expect(r.standardError == "error: the store \(c.store) has no experiment named other\n")
  }
}
