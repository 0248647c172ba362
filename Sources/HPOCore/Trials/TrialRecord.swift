/// The life cycle of a trial.
public enum TrialState: String, Sendable, Codable, CaseIterable {
  /// Suggested and waiting for, or leased to, a worker; its outcome is unknown.
  case pending
  /// A worker is training it.
  case running
  /// Finished with a final objective value.
  case complete
  /// Stopped early by a scheduler; its value is the last intermediate one.
  case pruned
  /// Failed (error, lost worker beyond the retry budget, non-finite result).
  case failed
  /// The configuration cannot be trained (a command exited with code 78 and
  /// said why): recorded with its reason, not a failure; samplers treat it as
  /// the worst outcome.
  case infeasible

  /// Whether the trial will not change any more.
  public var isFinished: Bool { self == .complete || self == .pruned || self == .failed || self == .infeasible }
}

/// Trial states key JSON objects by name (`{"complete": 38, "failed": 2}`).
extension TrialState: CodingKeyRepresentable {}

/// One intermediate report of a trial: the objective after `step` epochs.
public struct IntermediateReport: Sendable, Equatable, Codable {
  public var step: Int
  /// The (first) objective.
  public var value: Double
  /// Every objective in the spec's `objectives` order, when the experiment has
  /// several and the report carried them all; empty otherwise.
  public var values: [Double]

  public init(step: Int, value: Double, values: [Double] = []) {
    self.step = step
    self.value = value
    self.values = values
  }
}

/// An immutable snapshot of one trial, as samplers and schedulers see it.
public struct TrialRecord: Sendable, Equatable, Codable {
  /// 0-based, dense, in suggestion order within an experiment.
  public var number: Int
  public var configuration: Configuration
  public var state: TrialState
  /// The objective on the validation split: final for `complete`, last reported
  /// for `pruned`, `nil` otherwise. May be non-finite if training diverged.
  public var value: Double?
  /// Per-epoch objective values, in step order.
  public var intermediate: [IntermediateReport]
  /// Every objective in the spec's `objectives` order (``ExperimentSpec/objectiveValues(_:)``),
  /// when the experiment has several: set with `value` for complete trials and, from the
  /// last report that carried them all, for pruned ones. Empty for a single objective
  /// (read `value`) and while unknown.
  public var values: [Double]
  /// How far each of the spec's `constraints` is violated, in their order
  /// (``ExperimentSpec/violations(_:)``): 0 when met, the distance to the bound
  /// otherwise, +∞ when the metric is missing. Empty when there are no constraints
  /// or the outcome is unknown.
  public var violations: [Double]

  public init(
    number: Int, configuration: Configuration, state: TrialState, value: Double? = nil,
    intermediate: [IntermediateReport] = [], values: [Double] = [], violations: [Double] = []
  ) {
    self.number = number
    self.configuration = configuration
    self.state = state
    self.value = value
    self.intermediate = intermediate
    self.values = values
    self.violations = violations
  }

  /// Whether it meets every constraint (true when there are none or none is known).
  public var isFeasible: Bool { violations.allSatisfy { $0 <= 0 } }

  /// The sum of its constraint violations (0 when feasible): constraint-dominance ranks by it.
  public var totalViolation: Double { violations.reduce(0) { $0 + max(0, $1) } }
}

// Records written before several objectives existed have no `values` or `violations`.
extension IntermediateReport {
  private enum CodingKeys: String, CodingKey { case step, value, values }

  public init(from decoder: any Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    self.init(
      step: try c.decode(Int.self, forKey: .step), value: try c.decode(Double.self, forKey: .value),
      values: try c.decodeIfPresent([Double].self, forKey: .values) ?? [])
  }
}

extension TrialRecord {
  private enum CodingKeys: String, CodingKey { case number, configuration, state, value, intermediate, values, violations }

  public init(from decoder: any Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    self.init(
      number: try c.decode(Int.self, forKey: .number), configuration: try c.decode(Configuration.self, forKey: .configuration),
      state: try c.decode(TrialState.self, forKey: .state), value: try c.decodeIfPresent(Double.self, forKey: .value),
      intermediate: try c.decode([IntermediateReport].self, forKey: .intermediate),
      values: try c.decodeIfPresent([Double].self, forKey: .values) ?? [],
      violations: try c.decodeIfPresent([Double].self, forKey: .violations) ?? [])
  }
}
