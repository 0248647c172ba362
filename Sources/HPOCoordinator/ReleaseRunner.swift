import Foundation
import HPOCore
import HPOStore

/// The release stage after a search: held-out evaluation, gates, packaging.
///
/// The coordinator decides when it runs and records its outcome; it never
/// trains, evaluates or writes packages itself. The composition root wires the
/// implementation (HPORelease's `ReleaseStage`). Called on a thread of its own,
/// off the dispatch loop, once per finished experiment.
///
/// A command experiment's models are scored by its own `evaluate` command,
/// which only workers run: ``evaluationInputs(_:)`` says which commands to run
/// (the winner's, the champion's), the coordinator leases them to workers
/// started with `--allow-commands`, and ``run(_:evaluations:now:)`` gets what
/// they reported.
public protocol ReleaseRunner: Sendable {
  /// The `evaluate` commands the stage needs before it can run: empty for
  /// built-in models and command experiments without `evaluate`.
  /// - Throws: why they cannot run (the winner sent no checkpoint, the
  ///   champion's package is damaged): the stage then ends with that error.
  func evaluationInputs(_ record: SearchRecord) throws -> [EvaluationInputs]

  /// Runs the stage over what the search left behind and what the
  /// `evaluate` commands reported. Never throws: a failure is an outcome with
  /// status `.error`.
  func run(_ record: SearchRecord, evaluations: [CommandEvaluation], now: Date) -> ReleaseOutcome
}
