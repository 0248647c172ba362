import HPOCore

/// What a trial table sorts and filters by, for one trial: its state, objective, start,
/// duration and the parameters asked for, without its configuration or reports decoded.
/// Read in bulk by ``ExperimentStore/trialSortKeys(of:parameters:changedSince:)`` for an index
/// kept in memory (the dashboard's trial table), in the same terms as
/// ``ExperimentStore/trialPage(of:_:)`` orders by in SQL.
public struct TrialSortKeys: Sendable, Equatable {
  /// A parameter's value as SQLite's `json_extract` sees it: booleans are the numbers 1 and 0.
  public enum Scalar: Sendable, Hashable {
    case number(Double)
    case text(String)

    /// The value of `parameter` in these terms.
    public init(_ parameter: ParameterValue) {
      switch parameter {
      case .int(let v): self = .number(Double(v))
      case .float(let v): self = .number(v)
      case .bool(let v): self = .number(v ? 1 : 0)
      case .string(let v): self = .text(v)
      }
    }
  }

  public var number: Int
  public var state: TrialState
  /// The objective value; `nil` when absent or NaN.
  public var value: Double?
  /// When the current or last lease began, in milliseconds since 1970.
  public var startedMillis: Int64?
  /// ``StoredTrial/elapsedSeconds``.
  public var duration: Double?
  /// The parameters asked for, in the order asked; `nil` where the configuration has none.
  public var parameters: [Scalar?]

  public init(number: Int, state: TrialState, value: Double?, startedMillis: Int64?, duration: Double?, parameters: [Scalar?]) {
    self.number = number
    self.state = state
    self.value = value
    self.startedMillis = startedMillis
    self.duration = duration
    self.parameters = parameters
  }
}

/// An answer of ``ExperimentStore/trialSortKeys(of:parameters:changedSince:)``: one snapshot.
public struct TrialSortKeyRead: Sendable, Equatable {
  /// The experiment's row id: another id for the same name means another experiment.
  public var experimentID: Int64
  /// How many trials the experiment has in this snapshot (all of them, whatever was read).
  public var trialCount: Int
  /// The trials read, by number.
  public var trials: [TrialSortKeys]
}

/// Which trials to read again: a reader that holds every trial below ``end`` needs only the
/// trials at or above it and the ones that were not finished when it read them (a finished
/// trial never changes in the store: every write to a trial is guarded by its lease or by a
/// pending or running state).
public struct TrialKeyChanges: Sendable, Equatable {
  /// The trial numbers held end here.
  public var end: Int
  /// Held trials that were pending or running.
  public var unfinished: [Int]

  public init(end: Int, unfinished: [Int]) {
    self.end = end
    self.unfinished = unfinished
  }
}
