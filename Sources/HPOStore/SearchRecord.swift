import HPOCore

/// What the search left behind, as the release stage reads it: the spec (with
/// absolute paths), every trial and the checkpoint records.
public struct SearchRecord: Sendable {
  public var spec: ExperimentSpec
  public var trials: [StoredTrial]
  public var checkpoints: [StoredCheckpoint]

  public init(spec: ExperimentSpec, trials: [StoredTrial], checkpoints: [StoredCheckpoint]) {
    self.spec = spec
    self.trials = trials
    self.checkpoints = checkpoints
  }

  /// Reads the experiment `name` from `store`.
  /// - Throws: `StoreError` (`.unknownExperiment` when there is no such experiment).
  public static func read(from store: ExperimentStore, experiment name: String) throws(StoreError) -> SearchRecord {
    guard let stored = try store.experiment(named: name) else {
      throw StoreError(path: store.path, kind: .unknownExperiment(name: name))
    }
    return SearchRecord(spec: stored.spec, trials: try store.storedTrials(of: name), checkpoints: try store.checkpoints(of: name))
  }

  /// The best complete trial by the objective on the validation split (ties: the lower number).
  public var winner: StoredTrial? {
    let sign: Double = spec.objective.direction == .minimize ? 1 : -1
    return trials.filter { $0.state == .complete && ($0.record.value?.isFinite ?? false) }
      .min { (sign * $0.record.value!, $0.number) < (sign * $1.record.value!, $1.number) }
  }
}
