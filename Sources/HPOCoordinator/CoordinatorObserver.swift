import Foundation
import HPOCore

/// What the coordinator's run loop tells an observer (a metrics exporter):
/// every trial it hands out, and a snapshot of its state about once a second.
///
/// Called on the run loop's thread: implementations must return quickly and
/// must not call back into the coordinator.
public protocol CoordinatorObserver: AnyObject {
  /// A trial was sent to a worker `latency` after the worker asked for it
  /// (an ask parked while no trial was available counts its wait; a parked
  /// ask is renewed by the worker at least every park timeout).
  func dispatched(latency: Duration)
  /// The coordinator's state now.
  func update(_ snapshot: CoordinatorSnapshot)
}

/// The coordinator's state at one instant, for metrics.
public struct CoordinatorSnapshot: Sendable, Equatable {
  /// Trials per experiment and state (`pending`, `running`, `complete`,
  /// `pruned`, `failed`); every state is present, 0 when none.
  public var trials: [String: [TrialState: Int]]
  /// Trials budgeted per experiment (`search.trials`).
  public var budgets: [String: Int]
  /// Worker slots heard from within the last lease duration.
  public var workerSlots: Int
  /// Trials waiting for a worker (requeued after a lost or returned lease).
  public var queueDepth: Int
  /// Idle worker slots waiting for a trial.
  public var parkedAsks: Int
  /// Leases held by workers (running trials and trials leased ahead).
  public var leases: Int

  public init(
    trials: [String: [TrialState: Int]], budgets: [String: Int], workerSlots: Int, queueDepth: Int, parkedAsks: Int, leases: Int
  ) {
    self.trials = trials
    self.budgets = budgets
    self.workerSlots = workerSlots
    self.queueDepth = queueDepth
    self.parkedAsks = parkedAsks
    self.leases = leases
  }
}
