import ArgumentParser
import Foundation
import HPOCore
import HPORelease
import HPOStore
import Logging

extension HPOCommand {
  /// `hpo evaluate EXPERIMENT.json [--store FILE]`: the release stage of a
  /// finished search, offline — held-out evaluation, gates, package, reports.
  struct Evaluate: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Run the release stage of a finished experiment again: test-split evaluation, gates, package, reports.",
      discussion: """
        Reads the experiment's trials from its store, evaluates the winner on the held-out test split, \
        checks the release gates and writes OUTPUT_DIR/package (OUTPUT_DIR/rejected when a gate fails), \
        report.md, junit.xml and result.json; the outcome is recorded in the store. \
        A command experiment's winner (and champion) are scored by its evaluate command, run here. \
        Exit codes: 0 passed and packaged, 1 a gate failed, 2 bad input, 3 the stage failed.
        """)

    @Argument(help: "The experiment file (JSON).")
    var experiment: String

    @Option(help: "The experiment store (default: OUTPUT_DIR/store.sqlite).")
    var store: String?

    func run() throws {
      Bootstrap.singleThreadedBLAS()
      let loaded = try loadExperiment(experiment)
      let path = store ?? loaded.outputURL.appendingPathComponent("store.sqlite").path
      guard FileManager.default.fileExists(atPath: path) else {
        FileHandleOutput.standardError("error: --store: \(path) does not exist; accepted: the store of a run of \(loaded.spec.name)")
        throw HPOExitCode.badInput
      }
      let experimentStore: ExperimentStore
      let record: SearchRecord
      do {
        experimentStore = try ExperimentStore.open(path: path)
        guard let stored = try experimentStore.experiment(named: loaded.spec.name) else {
          let names = try experimentStore.experiments().map(\.name)
          FileHandleOutput.standardError("error: \(path) has no experiment named \(loaded.spec.name); it has \(names.isEmpty ? "none" : names.joined(separator: ", "))")
          throw HPOExitCode.badInput
        }
        guard stored.state == .finished else {
          FileHandleOutput.standardError("error: \(loaded.spec.name) is \(stored.state.rawValue), not finished; run it to the end first (hpo run --resume)")
          throw HPOExitCode.badInput
        }
        record = try SearchRecord.read(from: experimentStore, experiment: loaded.spec.name)
      } catch let e as ExitCode {
        throw e
      } catch {
        FileHandleOutput.standardError("error: \(error)")
        throw HPOExitCode.infrastructure
      }
      defer {
        do { try experimentStore.close() } catch {
          // The outcome is already written; the WAL left behind is replayed by the next open.
          FileHandleOutput.standardError("warning: the store did not close cleanly: \(error)")
        }
      }
      var logger = Logger(label: "hpo.release")
      logger.logLevel = .warning
      let stage = Components.release(logger, experimentDirectory: loaded.baseDirectory.path)
      let outcome: ReleaseOutcome
      do {
        outcome = stage.run(record, evaluations: try LocalEvaluations.run(record, stage: stage))
      } catch {
        outcome = ReleaseOutcome(status: .error, message: "the release stage of \(loaded.spec.name) cannot start: \(error)")
      }
      do {
        _ = try experimentStore.apply(.recordRelease(experiment: loaded.spec.name, StoredRelease(
          status: outcome.status, failedGates: outcome.failedGates, message: outcome.message,
          report: outcome.report, package: outcome.package)))
      } catch {
        FileHandleOutput.standardError("warning: the outcome could not be recorded in \(path): \(error)")
      }
      print("\(loaded.spec.name): \(outcome.status.rawValue.replacingOccurrences(of: "_", with: " ")): \(outcome.message)")
      if let report = outcome.report { print("report: \(report)") }
      switch outcome.status {
      case .passed, .skipped: return
      case .gateFailed: throw HPOExitCode.gateFailed
      case .error: throw HPOExitCode.infrastructure
      }
    }
  }
}
