import Foundation
import HPOCore
import HPOStore

/// The release stage after a search: held-out evaluation, gates, packaging.
///
/// The coordinator decides when it runs and records its outcome; it never
/// trains, evaluates or writes packages itself. The composition root wires the
/// implementation (HPORelease's `ReleaseStage`). Called on a thread of its own,
/// off the dispatch loop, once per finished experiment.
public protocol ReleaseRunner: Sendable {
  /// Runs the stage over what the search left behind. Never throws: a failure
  /// is an outcome with status `.error`.
  func run(_ record: SearchRecord, now: Date) -> ReleaseOutcome
}
