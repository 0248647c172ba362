import Foundation
import HPOCore
import HPOStore
import HPOWire

/// What the coordinator keeps in memory about one experiment; the store holds
/// the same facts durably, and ``CoordinatorCore/load(_:now:activate:)`` rebuilds
/// this from it. A class: handlers mutate it in place, so the trial array (which
/// grows to the whole budget) is never copied on a message's hot path.
final class ExperimentRuntime {
  var spec: ExperimentSpec
  var state: ExperimentState
  var sampler: any Sampler
  var scheduler: (any Scheduler)?
  /// Every trial, indexed by number.
  var trials: [TrialRecord]
  /// Attempts so far per trial number.
  var attempts: [Int: Int]
  /// Current lease per running trial number.
  var leases: [Int: ActiveLease]
  /// Pending trials waiting for a worker (requeued after a lost lease), oldest first.
  var queue: [Int]
  /// The sampler said it has nothing more to propose (a used-up grid).
  var exhausted: Bool
  var startedAt: Date
  /// Completed trials whose checkpoint is announced but not yet received.
  var awaitingCheckpoint: Set<TrialKey> = []
  /// By trial number: the epoch the checkpoint a softmax or mlp trial sent
  /// while it ran resumes at (the step after its last report when it came).
  /// A requeue keeps the trial's reports up to it. Not kept across restarts.
  var resumeSteps: [Int: Int] = [:]
  /// Training data by content hash, served to workers that lack it.
  var shards: [ShardReference]
  /// Why it failed as a whole, when it did (shown in its status).
  var failure: ExperimentFailure?
  /// The data file's SHA-256 recorded when it was first prepared: a resumed
  /// experiment whose file no longer matches fails instead of running on other data.
  var dataFingerprint: String?
  /// The last trial failure of a command experiment and how many trials in a
  /// row failed with exactly that reason (see ``CoordinatorCore/identicalFailureLimit``).
  var failureStreak: (reason: String, count: Int)?
  /// The metrics of each running trial's last report, kept only when the
  /// experiment has constraints: a pruned trial is judged feasible by them.
  var lastReportMetrics: [Int: [String: Double]] = [:]
  /// The final metrics of each complete trial, kept only when `release.pick`
  /// ranks trials (it may bound or rank by a metric that is no objective).
  var pickMetrics: [Int: [String: Double]] = [:]

  struct ActiveLease {
    var worker: String
    var attempt: Int
    /// Monotonic (``CoordinatorTime/monotonic``): a clock step does not move it.
    var deadline: Duration
  }

  init(
    spec: ExperimentSpec, state: ExperimentState, sampler: any Sampler, scheduler: (any Scheduler)?, trials: [TrialRecord],
    attempts: [Int: Int], leases: [Int: ActiveLease], queue: [Int], exhausted: Bool, startedAt: Date, shards: [ShardReference]
  ) {
    self.spec = spec
    self.state = state
    self.sampler = sampler
    self.scheduler = scheduler
    self.trials = trials
    self.attempts = attempts
    self.leases = leases
    self.queue = queue
    self.exhausted = exhausted
    self.startedAt = startedAt
    self.shards = shards
  }

  var name: String { spec.name }
  var budget: Int { spec.search.trials }

  /// Trials that will not change any more.
  var finishedCount: Int { trials.count { $0.state.isFinished } }
  var runningCount: Int { leases.count }

  /// Whether every trial the experiment will ever have has finished.
  var isDone: Bool {
    (trials.count >= budget || exhausted) && queue.isEmpty && leases.isEmpty && trials.allSatisfy { $0.state.isFinished }
  }

  /// Whether it may start one more trial now (under its `parallel` limit).
  var hasCapacity: Bool { (state == .running || state == .queued) && runningCount < spec.search.parallel }

  /// Whether a slot that runs a trial may lease its next one now: only while
  /// that leaves a place of `parallel` free, so a slot that asks while idle
  /// (a worker that joined a moment later) is never kept waiting by a trial
  /// leased ahead and not yet started.
  var hasCapacityAhead: Bool { (state == .running || state == .queued) && runningCount + 1 < spec.search.parallel }

  /// The best finished trial (complete trials only; non-finite values never win):
  /// the first in the release's order (``ExperimentSpec/releaseRanking(_:)``):
  /// with `release.pick`, the trial the release would pick (when one qualifies);
  /// otherwise feasible before infeasible, then by the (first) objective.
  /// The same trial `hpo status --store` shows from the store.
  var best: TrialRecord? {
    let complete = trials.filter { $0.state == .complete && ($0.value?.isFinite ?? false) }
    guard spec.release?.pick != nil else { return complete.min { spec.isBetter($0, than: $1) } }
    return spec.releaseRanking(complete.map { ($0, pickMetrics[$0.number] ?? [:]) }).first.map { complete[$0] }
  }
}
