import Foundation
import HPOCore
import HPOWire

/// The experiment parser and validator, as `hpo run`/`hpo submit` meet a file.
///
/// Input: the experiment file's bytes. The data paths the seeds name
/// (`data.csv`, `data/iris.csv`, …) exist as empty files in the experiment's
/// folder, so the validator gets past the data section.
///
/// Properties: loading throws or returns, never traps; a refusal names at
/// least one error; an accepted spec survives the trip through a `submit`
/// message (what a client sends the coordinator) unchanged.
enum ExperimentHarness {
  static let dataFiles = ["data.csv", "train.csv", "data/iris.csv", "data/wine.csv", "data/diabetes.csv", "data/digits.csv"]

  static func run(_ bytes: [UInt8], in scratch: URL) -> FuzzTarget.Outcome {
    let base = scratch.appendingPathComponent("experiment", isDirectory: true)
    if !FileManager.default.fileExists(atPath: base.appendingPathComponent(dataFiles[0]).path) {
      for file in dataFiles {
        let url = base.appendingPathComponent(file)
        makeDirectory(url.deletingLastPathComponent())
        writeScratch([], to: url)
      }
    }
    let loaded: LoadedExperiment
    do {
      loaded = try ExperimentLoader.load(bytes: bytes, file: "fuzz.json", baseDirectory: base)
    } catch {
      guard !error.errors.isEmpty else { return .violated("a refused experiment names no error: \(error.rendered)") }
      return .refused(error.rendered)
    }
    _ = loaded.warnings.map { $0.rendered(file: loaded.file) }
    let submit = WireMessage.submit(SubmitRequest(spec: loaded.spec, baseDirectory: base.path, resume: false))
    do {
      guard try WireCodec.decode(WireCodec.encode(submit)) == submit else {
        return .violated("an accepted experiment changes in a submit message")
      }
    } catch {
      return .violated("an accepted experiment does not decode from its submit message: \(error)")
    }
    return .accepted
  }
}
