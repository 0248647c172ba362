import HPOCore

/// Which trials of one experiment to read, in which order, and which slice of them:
/// the question behind a paged trial table (``ExperimentStore/trialPage(of:_:)``).
///
/// The store answers it in SQL (filter, order, `LIMIT`/`OFFSET`), so a page of 100 out of
/// 100,000 trials reads 100 trials, not all of them. Validating user input (a limit in
/// range, a parameter the space has) is the caller's job; the store only requires
/// `offset >= 0` and `limit >= 1`.
public struct TrialPageQuery: Sendable, Equatable {
  /// What the trials are ordered by. Ties (and trials without a value for the key) are
  /// ordered by trial number, in the same direction; trials without a value for the key
  /// (no objective value, never started, no parameter of that name) come last in both orders.
  public enum SortKey: Sendable, Equatable {
    case number
    /// In the order `TrialState.allCases` lists the states (pending … infeasible).
    case state
    /// The objective value; NaN counts as no value.
    case value
    /// A parameter of the configuration by name; numbers before strings, as SQLite orders.
    case parameter(String)
    /// When the current or last lease began.
    case started
    /// ``StoredTrial/elapsedSeconds``: the reported training time, else end minus start.
    case duration
  }

  /// Ascending or descending.
  public enum Order: String, Sendable, Equatable, CaseIterable {
    case asc, desc
  }

  public var sort: SortKey
  public var order: Order
  /// Only trials in this state; `nil`: every trial.
  public var state: TrialState?
  /// Trials to skip (≥ 0).
  public var offset: Int
  /// Trials to return at most (≥ 1).
  public var limit: Int

  public init(sort: SortKey = .number, order: Order = .asc, state: TrialState? = nil, offset: Int = 0, limit: Int = 100) {
    self.sort = sort
    self.order = order
    self.state = state
    self.offset = offset
    self.limit = limit
  }
}

/// One page of an experiment's trials, as ``ExperimentStore/trialPage(of:_:)`` answers.
public struct TrialPage: Sendable, Equatable {
  /// How many trials match the query's state filter (all pages together).
  public var total: Int
  /// The page's trials in the query's order, each with its intermediate reports and final metrics.
  public var trials: [StoredTrial]

  public init(total: Int, trials: [StoredTrial]) {
    self.total = total
    self.trials = trials
  }
}

/// A trial number and its objective value: the best trial of an experiment.
public struct TrialValue: Sendable, Equatable {
  public var number: Int
  public var value: Double

  public init(number: Int, value: Double) {
    self.number = number
    self.value = value
  }
}
