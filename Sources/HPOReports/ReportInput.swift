import HPOCore

/// Everything the reports of an experiment show — `report.md`
/// (``MarkdownReport``), `junit.xml` (``JUnitReport``), `report.html`
/// (``HTMLReport``) and a package's `README.md` (``ModelCard``) — as plain
/// facts: the caller maps its own results (gate verdicts, the evaluated
/// winner, the champion comparison, the data) into these values, so this
/// module knows nothing of how they were found.
///
/// The facts only the release stage has (``error``, ``champion``,
/// ``package``, a winner's ``Winner/origin`` and test metrics) are absent
/// from the report of a search (see `init(store:experiment:…)`).
public struct ReportInput: Sendable, Equatable {
  public var experiment: String
  /// The objective's metric name and direction.
  public var objective: String
  public var direction: Direction
  /// The kind of model the experiment trains.
  public var model: ModelKind
  /// How the release stage ended; nil when there was none (a search's report).
  public var status: ReleaseOutcome.Status?
  /// The outcome in one sentence ("every gate passed (6); package in …", "gate accuracy failed: …").
  public var outcome: String
  /// Why the release stage could not decide (status `.error`); nil otherwise.
  public var error: String?
  public var gates: [Gate]
  public var winner: Winner?
  /// The winner against the model in production, when there is one.
  public var champion: Champion?
  /// The packaged model and its data, for the model card; nil when nothing was packaged.
  public var package: Package?
  /// The drift gate's check of new data, when the release stage ran one (a section of `report.html`).
  public var drift: DriftPageInput?
  /// The search space (axes of the parallel coordinates, importance, normalised configurations).
  public var space: SearchSpace
  /// Every trial, in the store's order.
  public var trials: [Trial]
  /// With several objectives: the complete trials' objective values and the Pareto front.
  public var pareto: Pareto?

  public init(
    experiment: String, objective: String, direction: Direction, model: ModelKind, status: ReleaseOutcome.Status?,
    outcome: String, error: String? = nil, gates: [Gate], winner: Winner?, champion: Champion? = nil,
    package: Package? = nil, drift: DriftPageInput? = nil, space: SearchSpace, trials: [Trial]
  ) {
    self.experiment = experiment
    self.objective = objective
    self.direction = direction
    self.model = model
    self.status = status
    self.outcome = outcome
    self.error = error
    self.gates = gates
    self.winner = winner
    self.champion = champion
    self.package = package
    self.drift = drift
    self.space = space
    self.trials = trials
  }

  /// The verdict: true when every gate passed, false when one failed, nil
  /// without one (no release stage, an error, nothing to release).
  public var passed: Bool? {
    switch status {
    case .passed: true
    case .gateFailed: false
    default: nil
    }
  }

  /// Complete trials with a finite objective, best first (ties by number).
  var ranked: [Trial] {
    let sign = direction == .minimize ? 1.0 : -1.0
    return trials.filter { $0.state == .complete && ($0.value?.isFinite ?? false) }
      .sorted { (sign * ($0.value ?? 0), $0.number) < (sign * ($1.value ?? 0), $1.number) }
  }
}
