import Foundation
import Testing

/// `hpo cancel` against a real coordinator and worker: what the user who
/// cancels, and the one following the submission, see.
@Suite(.serialized) struct CancelCommandTests {
  static func states(_ trials: [[String: Any]]) -> [String] { trials.compactMap { $0["state"] as? String } }
  static func numbers(_ trials: [[String: Any]]) -> Set<Int> { Set(trials.compactMap { $0["number"] as? Int }) }

  @Test func cancel_endsTheExperimentAndNoNewTrialStarts() throws {
    let c = try TestCoordinator(lease: 5)
    // 20 trials of 8 epochs × 0.25 s, 2 at a time: far from done when cancelled.
    let exp = try c.experiment("slow", sleepExperiment("slow", trials: 20, parallel: 2, seconds: 2, epochs: 8))
    let follower = try LiveProcess(["submit", exp, "--coordinator", c.endpoint], in: c.directory)
    defer { follower.stop() }
    let worker = try c.worker("w", extra: ["--slots", "2"])
    defer { worker.stop() }
    #expect(try c.waitForTrials("slow", timeout: 30) { Self.states($0).contains("running") })

    let cancel = try c.run(["cancel", "slow"])
    #expect(cancel.exitCode == 0, "\(cancel.standardError)")
    #expect(cancel.standardError.isEmpty)
    let out = cancel.standardOutput
    #expect(out.hasPrefix("cancelled slow; ") && out.hasSuffix(" running trials stop at their next report\n"), "\(out)")
    let runningAtCancel = Int(out.dropFirst("cancelled slow; ".count).prefix { $0.isNumber }) ?? -1
    #expect((1...2).contains(runningAtCancel), "parallel is 2 and a trial was running: \(out)")
    let trialsAtCancel = Self.numbers(try c.trials("slow"))

    let status = try c.run(["status", "slow"])
    #expect(status.exitCode == 0, "\(status.standardError)")
    let lines = status.standardOutput.split(separator: "\n")
    #expect(lines.count == 2, "\(status.standardOutput)")
    #expect(lines.last?.hasPrefix("cancelled slow  ") == true, "\(status.standardOutput)")

    // The running trials stop at their next report (every 0.25 s)…
    #expect(try c.waitForTrials("slow", timeout: 20) { !Self.states($0).contains("running") })
    // …and nothing starts afterwards, though the worker keeps asking.
    let changed = try c.waitForTrials("slow", timeout: 1.5) {
      Self.numbers($0) != trialsAtCancel || Self.states($0).contains("running")
    }
    let trials = try c.trials("slow")
    #expect(!changed, "a trial started after the cancel: \(trials)")
    #expect(trials.count < 20)
    let stopped = trials.filter { ($0["state"] as? String) == "pruned" }
    #expect(!stopped.isEmpty, "the trials running at the cancel were stopped")
    #expect(stopped.allSatisfy { ($0["reason"] as? String) == "the experiment was cancelled" }, "\(stopped)")
    #expect(!Self.states(trials).contains("pending"))

    // The user following the submission is told, with exit 3.
    #expect(follower.waitForExit(timeout: 30) == 3, "\(follower.standardError)")
    #expect(follower.standardOutput.hasPrefix("slow: cancelled\n"), "\(follower.standardOutput)")
  }

  @Test func cancel_anExperimentThatDoesNotExist_isRefusedWithExitTwo() throws {
    let c = try TestCoordinator()
    let r = try c.run(["cancel", "nosuch"])
    #expect(r.exitCode == 2)
    #expect(r.standardOutput.isEmpty)
    #expect(r.standardError == "error: no running experiment named nosuch\n")
  }
}
