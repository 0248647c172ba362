import Foundation
import HPOStore
import Testing

/// A softmax or mlp trial whose worker dies mid-run resumes on another worker
/// from the last epoch it sent (`model.checkpoint_every`, default 1), not
/// from epoch 0, and ends bit for bit as an uninterrupted run of the same
/// trial. Real coordinator and worker processes, a real SIGKILL.
@Suite(.serialized) struct ModelResumeEndToEndTests {
  static func experiment(_ name: String, epochs: Int, cadence: Int? = nil) -> String {
    """
    {"name": "\(name)", "data": {"path": "digits.csv", "label": "label", "task": "classification",
                          "split": {"validation": 0.2, "test": 0.2, "seed": 0}, "shards": 2},
     "model": {"kind": "mlp", "epochs": \(epochs)\(cadence.map { ", \"checkpoint_every\": \($0)" } ?? "")},
     "space": {"learning_rate": {"type": "float", "low": 0.001, "high": 0.01, "log": true},
               "hidden_units": 128, "layers": 2, "batch_size": 16, "optimizer": "adam", "dropout": 0.1},
     "objective": {"metric": "accuracy"},
     "search": {"strategy": "random", "trials": 1, "parallel": 1, "seed": 11},
     "output": {"dir": "out/\(name)", "keep_top": 1}}
    """
  }

  static func only(_ trials: [[String: Any]]) -> [String: Any]? { trials.count == 1 ? trials[0] : nil }

  @Test func killedWorker_itsMLPTrialResumesAtItsLastEpochAndEndsAsAnUninterruptedRun() throws {
    let c = try TestCoordinator(lease: 1)
    try FileManager.default.copyItem(
      at: HPOProcess.repository.appendingPathComponent("Experiments/data/digits.csv"),
      to: c.directory.appendingPathComponent("digits.csv"))
    let epochs = 30
    let exp = try c.experiment("resumed", Self.experiment("resumed", epochs: epochs))
    #expect(try c.run(["submit", exp, "--detach"]).exitCode == 0)
    let victim = try c.worker("victim")
    // Kill it once a few epochs are reported, well before the last.
    var killedAt = 0
    #expect(try c.waitForTrials("resumed", timeout: 120) { ts in
      guard let t = Self.only(ts), (t["worker"] as? String) == "victim-0", (t["state"] as? String) == "running",
        let done = t["epochs"] as? Int, done >= 3 else { return false }
      killedAt = done
      return true
    })
    victim.signal(SIGKILL)
    #expect(victim.waitForExit(timeout: 10) != nil)
    try #require(killedAt < epochs - 5, "the trial ran too fast to be killed mid-run (epoch \(killedAt) of \(epochs))")
    let survivor = try c.worker("survivor")
    #expect(try c.waitForTrials("resumed", timeout: 180) { ts in (Self.only(ts)?["state"] as? String) == "complete" })
    let resumed = try #require(Self.only(try c.trials("resumed")))
    #expect(resumed["attempts"] as? Int == 2, "\(resumed)")
    #expect(resumed["epochs"] as? Int == epochs, "\(resumed)")
    // The survivor started at the victim's last checkpoint: at the epoch seen when it was killed, or later.
    let line = survivor.standardError.split(separator: "\n").first { $0.contains("trial resumes from an earlier attempt's checkpoint") }
    let resumedAt = line.flatMap { $0.firstMatch(of: /epoch=(\d+)/).flatMap { Int($0.output.1) } }
    let at = try #require(resumedAt, "the survivor did not resume the trial:\n\(survivor.standardError)")
    #expect(at >= killedAt && at < epochs, "resumed at epoch \(at); the victim was killed after epoch \(killedAt)")

    // Its history runs from epoch 1 to the last: the victim's reports up to the checkpoint are kept,
    // the survivor's follow (the resumed epoch's own report is missing if the victim died between
    // sending the checkpoint and reporting the epoch).
    let store = try ExperimentStore.openReadOnly(path: c.store)
    let steps = try #require(try store.storedTrials(of: "resumed").first).intermediateMetrics.keys.sorted()
    #expect(steps == Array(1...epochs) || steps == Array(1...epochs).filter { $0 != at }, "\(steps)")

    // The same trial, never interrupted, ends with the same metrics, to the last bit.
    let ref = try c.experiment("whole", Self.experiment("whole", epochs: epochs))
    #expect(try c.run(["submit", ref, "--detach"]).exitCode == 0)
    #expect(try c.waitForTrials("whole", timeout: 180) { ts in (Self.only(ts)?["state"] as? String) == "complete" })
    let whole = try #require(Self.only(try c.trials("whole")))
    let resumedMetrics = try #require(resumed["metrics"] as? [String: Any])
    let wholeMetrics = try #require(whole["metrics"] as? [String: Any])
    for name in ["accuracy", "log_loss"] {
      let a = try #require(resumedMetrics[name] as? Double), b = try #require(wholeMetrics[name] as? Double)
      #expect(a.bitPattern == b.bitPattern, "\(name): resumed \(a), uninterrupted \(b)")
    }
    #expect(whole["attempts"] as? Int == 1)
    // Only the final checkpoint stands for the trial: the one the release would package.
    let kept = try FileManager.default.contentsOfDirectory(atPath: c.directory.appendingPathComponent("out/resumed/checkpoints").path)
    #expect(kept == ["trial-0.ckpt"], "\(kept)")
    survivor.stop()
  }
}
