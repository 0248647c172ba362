import Foundation
import HPOStore
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The release stage across a stop: real coordinator processes on a real
/// store. A SIGTERM after the search waits for the stage's outcome (bounded
/// by --drain-timeout); a coordinator killed after the search and started
/// again runs the stage it missed, and a client following the experiment
/// gets that outcome as its exit code.
@Suite(.serialized) struct ReleaseInterruptionTests {
  static let validation = #"{"gates": [{"metric": "accuracy", "min": 0.5}], "seed_stability": {"seeds": 2, "max_spread": 1}}"#

  /// Polls the store (read-only) until the search of `iris` has finished.
  static func searchFinished(_ store: String, timeout: TimeInterval = 120) -> Bool {
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
      // The store may not exist yet, or be mid-creation: try again.
      if let s = try? ExperimentStore.openReadOnly(path: store), let e = try? s.experiment(named: "iris"), e.state == .finished {
        return true
      }
      Thread.sleep(forTimeInterval: 0.01)
    }
    return false
  }

  @Test func sigtermAfterTheSearch_theDrainWaitsForTheReleaseOutcome() throws {
    let c = try TestCoordinator(lease: 2, extra: ["--drain-timeout", "120"])
    let file = try ReleaseTests.experiment(in: c.directory, name: "drain", validation: Self.validation)
    #expect(try c.run(["submit", file, "--detach"]).exitCode == 0)
    let worker = try c.worker("w1")
    defer { worker.stop() }
    #expect(Self.searchFinished(c.store))
    c.process.signal(SIGTERM)
    #expect(c.process.waitForExit(timeout: 150) == 0, "\(c.process.standardError.suffix(2000))")
    let log = c.process.standardError
    let ended = try #require(log.range(of: "release stage ended"), "\(log.suffix(2000))")
    let drained = try #require(log.range(of: "drained; stopping"))
    #expect(ended.lowerBound < drained.lowerBound, "the outcome is recorded before the coordinator stops")
    let store = try ExperimentStore.openReadOnly(path: c.store)
    #expect(try store.release(of: "iris")?.status == .passed)
    #expect(try store.experiment(named: "iris")?.releaseStage == .done)
  }

  @Test func aCoordinatorKilledAfterTheSearch_andStartedAgain_runsTheRelease_andTheClientExitsWithItsOutcome() throws {
    let c = try TestCoordinator(lease: 2)
    let file = try ReleaseTests.experiment(in: c.directory, name: "killed", validation: Self.validation)
    let client = try LiveProcess(["submit", file, "--coordinator", c.endpoint, "--timeout", "60"], in: c.directory)
    defer { client.stop() }
    let worker = try c.worker("w1")
    defer { worker.stop() }
    #expect(Self.searchFinished(c.store))
    c.process.signal(SIGKILL)
    _ = c.process.waitForExit(timeout: 10)
    try c.restart()
    #expect(client.waitForExit(timeout: 150) == 0, "\(client.standardError.suffix(2000))")
    #expect(client.standardOutput.contains("release: passed"), "\(client.standardOutput)")
    let store = try ExperimentStore.openReadOnly(path: c.store)
    #expect(try store.release(of: "iris")?.status == .passed)
    #expect(try store.experiment(named: "iris")?.releaseStage == .done)
  }
}
