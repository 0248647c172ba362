import Foundation
import HPOCore

extension CoordinatorCore {
  /// The state the metrics show: trial counts by experiment and state, worker
  /// slots heard from within a lease duration, queue depth, parked asks.
  /// O(trials of the running experiments): the run loop takes it about once a second, not per message.
  public func snapshot(now: CoordinatorTime) -> CoordinatorSnapshot {
    var trials: [String: [TrialState: Int]] = [:]
    var budgets: [String: Int] = [:]
    var queueDepth = 0
    var leases = 0
    for (name, e) in experiments {
      var counts = Dictionary(uniqueKeysWithValues: TrialState.allCases.map { ($0, 0) })
      for t in e.trials { counts[t.state, default: 0] += 1 }
      trials[name] = counts
      budgets[name] = e.budget
      queueDepth += e.queue.count
      leases += e.leases.count
    }
    for (name, x) in ended {
      var counts = Dictionary(uniqueKeysWithValues: TrialState.allCases.map { ($0, 0) })
      counts.merge(x.status.counts) { _, n in n }
      trials[name] = counts
      budgets[name] = x.status.budget
    }
    let recent = now.monotonic - configuration.leaseDuration
    return CoordinatorSnapshot(
      trials: trials, budgets: budgets, workerSlots: workers.values.count { $0.lastSeen.monotonic >= recent },
      queueDepth: queueDepth, parkedAsks: parked.count, leases: leases)
  }
}
