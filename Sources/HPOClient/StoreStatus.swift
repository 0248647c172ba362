import Foundation
import HPOCore
import HPOStore
import HPOWire

/// `hpo status` and `hpo trials` without a coordinator: the same replies,
/// read from a store opened read-only (``ExperimentStore/openReadOnly(path:)``)
/// — after a run, from a CI artifact, or while a coordinator writes it.
public struct StoreStatus {
  public let store: ExperimentStore

  public init(store: ExperimentStore) {
    self.store = store
  }

  /// The state of every experiment in the store, or of `experiment` alone
  /// (with its trials when `includeTrials`). No worker is connected to a file:
  /// the reply says 0 workers.
  /// - Throws: ``ClientError/notInStore(experiment:store:)``; `StoreError`.
  public func status(of experiment: String? = nil, includeTrials: Bool = false, now: Date = Date()) throws -> StatusReply {
    let stored: [StoredExperiment]
    if let experiment {
      guard let e = try store.experiment(named: experiment) else {
        throw ClientError.notInStore(experiment: experiment, store: store.path)
      }
      stored = [e]
    } else {
      stored = try store.experiments()
    }
    let statuses = try stored.map { e in try status(e, includeTrials: includeTrials, now: now) }
    return StatusReply(experiments: statuses, workers: 0)
  }

  /// Every trial of `experiment`, in number order.
  /// - Throws: ``ClientError/notInStore(experiment:store:)``; `StoreError`.
  public func trials(of experiment: String) throws -> [TrialSummary] {
    try status(of: experiment, includeTrials: true).experiments.first?.trials ?? []
  }

  private func status(_ e: StoredExperiment, includeTrials: Bool, now: Date) throws -> ExperimentStatus {
    let record = try SearchRecord.read(from: store, experiment: e.name)
    var counts: [TrialState: Int] = [:]
    for state in TrialState.allCases where e.trialCounts[state] > 0 { counts[state] = e.trialCounts[state] }
    let best = record.winner
    let release = try store.release(of: e.name).map { r in
      ReleaseStatus(state: ReleaseState(r.status), failedGates: r.failedGates, message: r.message, report: r.report, package: r.package)
    }
    return ExperimentStatus(
      name: e.name, state: e.state, budget: e.spec.search.trials, counts: counts, bestValue: best?.record.value,
      bestTrial: best?.number, bestConfiguration: best?.record.configuration,
      elapsedSeconds: (e.finishedAt ?? now).timeIntervalSince(e.createdAt),
      trials: includeTrials ? summaries(record) : nil, release: release,
      failure: e.failure)
  }

  /// The trials as `hpo trials` shows them (the coordinator's status reply maps them the same way).
  private func summaries(_ record: SearchRecord) -> [TrialSummary] {
    let marks = record.marks
    return record.trials.map { t in
      TrialSummary(
        number: t.number, state: t.state, configuration: record.spec.space.normalized(t.record.configuration),
        value: t.record.value, metrics: t.metrics, epochs: t.epochs, attempts: t.attempts, worker: t.worker,
        reason: t.reason, output: t.outputTail, pareto: marks[t.number]?.pareto ?? nil,
        feasible: marks[t.number]?.feasible ?? nil)
    }
  }
}
