import HPOCore

/// Independent uniform draws: uniform in each parameter's scale (log-uniform
/// for log parameters), integers and stepped floats uniform over their lattice,
/// categorical choices equally likely; inactive conditional parameters absent.
public struct RandomSampler: Sampler {
  public init() {}

  public func suggest(
    in space: SearchSpace, history: [TrialRecord], using rng: inout some RandomNumberGenerator
  ) throws -> Suggestion {
    var g = SuggestionRandom.generator(from: &rng, historyCount: history.count)
    return .configuration(SpaceLayout(space).randomConfiguration(using: &g))
  }
}
