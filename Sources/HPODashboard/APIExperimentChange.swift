import HPOCore
import HPOStore

/// One experiment as an event of `GET /api/events` tells it: what changes as trials progress
/// (state, counts, best), without the clock-driven duration of ``APIExperiment``, so two
/// summaries are equal exactly when the store says the same.
struct APIExperimentChange: Encodable, Equatable, Sendable {
  var name: String
  var state: ExperimentState
  /// The spec's `search.trials`.
  var budget: Int
  /// Trials by state, every state present (0 when none).
  var counts: [TrialState: Int]
  var total: Int
  /// The best complete trial, or `nil` before one.
  var best: APIExperiment.Best?
  /// The release stage: `none` (none owed), `pending` (owed or running), `done` (recorded).
  var release: APIRelease.Stage

  init(_ e: StoredExperiment, best: TrialValue?) {
    name = e.name
    state = e.state
    budget = e.spec.search.trials
    counts = Dictionary(uniqueKeysWithValues: TrialState.allCases.map { ($0, e.trialCounts[$0]) })
    total = e.trialCounts.total
    self.best = best.map { APIExperiment.Best(trial: $0.number, value: $0.value) }
    release = APIRelease.Stage(e.releaseStage)
  }
}
