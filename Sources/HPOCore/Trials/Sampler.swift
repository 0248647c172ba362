/// What a sampler answers.
public enum Suggestion: Sendable, Equatable {
  /// Try this configuration next.
  case configuration(Configuration)
  /// The sampler has nothing left to propose (a grid is used up).
  case exhausted
  /// Nothing now; ask again when a pending trial finishes.
  case notNow
}

/// Chooses the next configuration to try.
///
/// A sampler is a pure function of its own settings (given at construction:
/// options, objective direction), the space, the history (finished and pending
/// trials) and the random generator: the same inputs and generator state give
/// bit-identical answers. It keeps no state between calls, touches no storage
/// and no network, and may be called from any thread.
public protocol Sampler: Sendable {
  /// The next configuration for `space`, given every trial so far.
  /// - Parameters:
  ///   - history: all trials of the experiment, including pending and running
  ///     ones (whose outcome is unknown), in any order.
  ///   - rng: the only source of randomness.
  /// - Throws: ``SamplerError`` when the space is one this sampler cannot search.
  func suggest(
    in space: SearchSpace, history: [TrialRecord], using rng: inout some RandomNumberGenerator
  ) throws -> Suggestion
}

/// A space a sampler cannot search, with the reason and the alternative.
public struct SamplerError: Error, Sendable, Equatable, CustomStringConvertible {
  public var message: String

  public init(_ message: String) { self.message = message }

  public var description: String { message }
}

/// The answer of a scheduler after an intermediate report.
public enum SchedulerDecision: Sendable, Equatable {
  case `continue`
  /// Stop the trial now; `reason` says why, for `hpo trials` and reports.
  case stop(reason: String)
}

/// Decides whether a running trial should go on, after each intermediate report.
///
/// Pure: its state (rungs, brackets) is derived from `history` on every call,
/// never kept aside, so it survives a coordinator restart by construction.
public protocol Scheduler: Sendable {
  func decide(for trial: TrialRecord, report: IntermediateReport, history: [TrialRecord]) -> SchedulerDecision
}
