import Foundation
import HPOCore
import HPORelease
import HPOStore
import HPOWire
import HPOWorker

/// `hpo evaluate` of a command experiment, offline: its `evaluate` commands
/// run here, in this process's user's name (the user asked for it), through
/// the same ``CommandRunner`` a worker started with `--allow-commands` uses;
/// their output goes to standard error.
enum LocalEvaluations {
  /// Runs every `evaluate` command `stage` asks for and returns what each reported.
  /// - Throws: what ``ReleaseStage/evaluationInputs(_:)`` throws (the stage cannot start).
  static func run(_ record: SearchRecord, stage: ReleaseStage) throws -> [CommandEvaluation] {
    let inputs = try stage.evaluationInputs(record)
    guard !inputs.isEmpty else { return [] }
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("hpo-evaluate-\(getpid())")
    defer {
      do { try FileManager.default.removeItem(at: root) } catch {
        // A leftover temporary folder wastes space; the outcome is already decided.
        FileHandleOutput.standardError("warning: cannot remove \(root.path): \(error)")
      }
    }
    let runner = CommandRunner(root: root, guardExecutable: CommandLaunch.runningExecutable)
    let spec = record.spec
    let context = TrialContext(output: { _, bytes in FileHandle.standardError.write(Data(bytes)) })
    return inputs.map { i in
      var model = spec.model
      model.command = i.command
      let assignment = TrialAssignment(
        key: TrialKey(experiment: spec.name, trial: i.role.keyNumber, attempt: 1), configuration: i.configuration,
        model: model, task: spec.data?.task ?? .regression, objective: spec.objective, shards: i.shards, epochs: nil,
        seed: i.seed, reportEveryEpoch: false, slots: spec.slotsPerTrial, evaluation: i.role)
      FileHandleOutput.standardError("running the evaluate command of \(i.subject)")
      let start = ContinuousClock.now
      do {
        let run = try runner.run(
          assignment, shardFiles: i.files.mapValues { URL(fileURLWithPath: $0) }, report: { _, _ in false }, context: context)
        return CommandEvaluation(role: i.role, metrics: run.metrics, seconds: (ContinuousClock.now - start).seconds, worker: "this machine")
      } catch let error as TrialRunError {
        return CommandEvaluation(
          role: i.role, metrics: [:], seconds: (ContinuousClock.now - start).seconds, worker: "this machine",
          error: error.message, output: error.output)
      } catch {
        return CommandEvaluation(
          role: i.role, metrics: [:], seconds: (ContinuousClock.now - start).seconds, worker: "this machine", error: "\(error)")
      }
    }
  }
}
