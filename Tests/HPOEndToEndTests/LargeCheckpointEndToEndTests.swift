import Foundation
import HPOCore
import HPOStore
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A command trial's checkpoint larger than any message (issue 18): it
/// travels to the coordinator in chunks when the command reports, and back to
/// the trial's next attempt in chunks, with real coordinator, worker and
/// command processes — and neither hpo process holds it in memory.
@Suite struct LargeCheckpointEndToEndTests {
  /// MiB the command writes into its checkpoint folder.
  static let megabytes = 300

  /// The first attempt writes `megabytes` MiB of a deterministic pattern
  /// (each MiB numbered), reports an epoch (the checkpoint travels before the
  /// report) and exits 75; the second finds the file in HPO_RESUME_DIR and
  /// writes its SHA-256 where the test reads it.
  static let script = """
    import hashlib, os, sys, hpo_client
    block = bytes(range(256)) * 4096
    resume = hpo_client.resume_dir()
    if resume is None:
        with open(os.path.join(hpo_client.checkpoint_dir(), "state.bin"), "wb") as f:
            for i in range(\(megabytes)):
                f.write(i.to_bytes(4, "little") + block[4:])
        with open(os.path.join(hpo_client.checkpoint_dir(), "note.txt"), "w") as f:
            f.write("epoch 1\\n")
        hpo_client.report(1, {"value": 1.0})
        sys.exit(75)
    h = hashlib.sha256()
    with open(os.path.join(resume, "state.bin"), "rb") as f:
        for piece in iter(lambda: f.read(1 << 20), b""):
            h.update(piece)
    with open(os.path.join(os.environ["MARK"], "resumed"), "w") as f:
        f.write(h.hexdigest() + " " + open(os.path.join(resume, "note.txt")).read())
    hpo_client.final({"value": 0.5})
    """

  /// The SHA-256 of the file the first attempt writes, computed here.
  static func expectedSHA256() -> String {
    var hasher = SHA256Hex.Hasher()
    var block = (0..<(1 << 20)).map { UInt8(truncatingIfNeeded: $0) }
    for i in 0..<megabytes {
      withUnsafeBytes(of: UInt32(i).littleEndian) { block.replaceSubrange(0..<4, with: $0) }
      hasher.update(block)
    }
    return hasher.hex
  }

  @Test func aCheckpointOf300MiB_travelsInChunks_andComesBackWhole_withBoundedMemory() throws {
    let dir = try HPOProcess.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }  // 1 GB of test files; a leftover would only waste space
    chmod(dir.path, 0o700)
    let exp = try CommandTrialEndToEndTests.experiment(
      "big-checkpoint", train: ["python3", "train.py"], files: ["train.py": Self.script], epochs: 1, trials: 1, parallel: 1,
      extraModel: #", "env": {"MARK": "\#(dir.path)"}"#)
    defer { try? FileManager.default.removeItem(at: exp) }  // as above
    let endpoint = "ipc://\(dir.path)/c.ipc"
    let coordinator = try LiveProcess(
      ["coordinator", "--bind", endpoint, "--store", dir.appendingPathComponent("s.sqlite").path], in: dir)
    defer { coordinator.stop() }
    #expect(coordinator.waitFor { out, _ in out.contains("listening on ") })
    let worker = try LiveProcess(
      ["worker", "--allow-commands", "--coordinator", endpoint, "--cache", dir.appendingPathComponent("cache").path], in: dir)
    defer { worker.stop() }
    let started = Date()
    let submit = try HPOProcess.run(["submit", "experiment.json", "--coordinator", endpoint], in: exp, timeout: 120)
    let seconds = Date().timeIntervalSince(started)
    #expect(submit.exitCode == 0, "\(submit.standardError)")

    let store = try ExperimentStore.openReadOnly(path: dir.appendingPathComponent("s.sqlite").path)
    defer { try? store.close() }
    let trials = try store.storedTrials(of: "big-checkpoint")
    #expect(trials.map(\.state) == [.complete] && trials.first?.attempts == 2, "\(trials.map { ($0.state, $0.reason) })")
    let resumed = try String(contentsOf: dir.appendingPathComponent("resumed"), encoding: .utf8)
    #expect(resumed == Self.expectedSHA256() + " epoch 1\n", "the second attempt found the identical file")
    let kept = try #require(try store.checkpoints(of: "big-checkpoint").first)
    #expect(kept.bytes > Self.megabytes << 20)
    let file = try FileManager.default.attributesOfItem(atPath: exp.appendingPathComponent("out/checkpoints/trial-0.bundle").path)
    #expect(file[.size] as? Int == kept.bytes)
    #expect(try FileManager.default.contentsOfDirectory(atPath: exp.appendingPathComponent("out/checkpoints").path) == ["trial-0.bundle"],
            "no partial upload left beside it")

    let workerPeak = try #require(worker.peakResidentKilobytes)
    let coordinatorPeak = try #require(coordinator.peakResidentKilobytes)
    #expect(workerPeak < 150 * 1024, "the worker's peak RSS was \(workerPeak) kB for a \(Self.megabytes) MiB checkpoint")
    #expect(coordinatorPeak < 150 * 1024, "the coordinator's peak RSS was \(coordinatorPeak) kB for a \(Self.megabytes) MiB checkpoint")
    print("checkpoint of \(Self.megabytes) MiB: up, back and resumed in \(String(format: "%.1f", seconds)) s; peak RSS worker \(workerPeak) kB, coordinator \(coordinatorPeak) kB")
  }
}
