import Foundation
import HPOCoordinator
import HPOCore
import HPOData
import HPORelease
import Logging
import HPOSearch
import HPOWire
import HPOWorker
import HPOZeroMQ

/// The concrete parts the executable composes: which samplers, schedulers,
/// runners and transports exist.
enum Components {
  /// The experiment's sampler (BOHB-style TPE when early stopping is `bohb`).
  static let samplers: SamplerFactory = { spec in makeSampler(for: spec) }

  static let schedulers: SchedulerFactory = { spec in makeScheduler(for: spec) }

  /// Runs functions itself; model kinds go to the trainer; commands to
  /// ``CommandRunner`` when the worker runs them (`--allow-commands`).
  struct Runner: TrialRunner {
    var command: CommandRunner?

    func run(_ a: TrialAssignment, shardFiles: [String: URL], report: (Int, [String: Double]) throws -> Bool) throws -> TrialRun {
      try run(a, shardFiles: shardFiles, report: report, context: TrialContext())
    }

    func run(
      _ a: TrialAssignment, shardFiles: [String: URL], report: (Int, [String: Double]) throws -> Bool, context: TrialContext
    ) throws -> TrialRun {
      switch a.model.kind {
      case .function: return try FunctionRunner().run(a, shardFiles: shardFiles, report: report)
      case .ridge, .softmax, .mlp: return try ModelRunner().run(a, shardFiles: shardFiles, report: report, context: context)
      case .command:
        guard let command else {
          throw TrialRunError("this worker does not run commands (start it with --allow-commands)")
        }
        return try command.run(a, shardFiles: shardFiles, report: report, context: context)
      }
    }
  }
}

extension Components {
  /// Prepares and serves experiment data: shards under `output.dir/data/`.
  static let dataSource: (any ExperimentPreparer)? = ShardedDataSource()

  /// The release stage after each search (the coordinator's and `hpo evaluate`'s).
  static func release(_ logger: Logger, experimentDirectory: String? = nil) -> ReleaseStage {
    .standard(logger: logger, experimentDirectory: experimentDirectory)
  }
}

// The composition root wires the coordinator's protocols to their implementations:
// the signatures match, so the conformances are declared here, where both are known.
extension ShardedDataSource: ExperimentPreparer {}
extension ReleaseStage: ReleaseRunner {}
