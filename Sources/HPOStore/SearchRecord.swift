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

  /// The trial to release: the first releasable complete trial in
  /// ``ExperimentSpec/releaseRanking(_:)`` order (feasible, within `release.pick`,
  /// best by its metric or the objective; ties: the lower number); `nil` when none is.
  public var winner: StoredTrial? {
    let scored = scoredTrials
    guard let first = spec.releaseRanking(scored).first, spec.isReleasable(scored[first].record, metrics: scored[first].metrics)
    else { return nil }
    return trials[first]
  }

  /// Why ``winner`` is `nil` (no complete trial, none feasible, none within `release.pick`).
  public var noWinnerReason: String {
    spec.noReleaseReason(scoredTrials) ?? "\(spec.name) has a winner"
  }

  /// Per trial number, with several objectives: on the Pareto front or not; with
  /// constraints: feasible or not (complete trials). What `hpo trials` marks.
  public var marks: [Int: (pareto: Bool?, feasible: Bool?)] {
    guard spec.scoresBeyondValue else { return [:] }
    let scored = scoredTrials.map(\.record)
    let front = spec.isMultiObjective ? spec.paretoOptimal(scored) : []
    var marks: [Int: (pareto: Bool?, feasible: Bool?)] = [:]
    for r in scored {
      marks[r.number] = (
        spec.isMultiObjective ? front.contains(r.number) : nil,
        spec.allConstraints.isEmpty || r.state != .complete ? nil : r.isFeasible)
    }
    return marks
  }

  /// Each trial's record with its objective vector and violations, and its final metrics.
  private var scoredTrials: [(record: TrialRecord, metrics: [String: Double])] {
    trials.map { (spec.scored($0.record, metrics: $0.metrics, reportMetrics: $0.intermediateMetrics), $0.metrics) }
  }
}
