import HPOCore

/// How ``NSGA2Sampler`` recombines two parents' numeric parameters.
/// Categorical parameters always use uniform crossover.
public enum NSGA2Crossover: Sendable, Equatable {
  /// Each parameter from one parent or the other (Optuna 5's default,
  /// `UniformCrossover`), the second parent with ``NSGA2Options/swappingProbability``.
  case uniform
  /// Simulated binary crossover (Deb and Agrawal 1995) in each parameter's
  /// unit coordinate (log scale for log parameters), bounded to the range as
  /// Optuna's `SBXCrossover` does and snapped onto integer and step lattices.
  /// `eta` is the distribution index: larger keeps children closer to their
  /// parents (Optuna uses 20 with several objectives, 2 with one).
  case sbx(eta: Double)
}

/// Settings of ``NSGA2Sampler``, with Optuna 5's `NSGAIISampler` defaults.
///
/// Every value is checked by the initialiser (`precondition`): the options are
/// set by code, not read from a user's file, so a bad one is a caller's bug.
public struct NSGA2Options: Sendable, Equatable {
  /// Trials per generation, and the size of the elite kept between generations (≥ 2).
  public var populationSize: Int
  /// Probability that a child is a crossover of two parents; otherwise it is
  /// a copy of one parent (before mutation). In [0, 1].
  public var crossoverProbability: Double
  /// Probability that uniform crossover takes a parameter from the second
  /// parent (Optuna's `swapping_prob`). In [0, 1].
  public var swappingProbability: Double
  /// Probability that each parameter of the child is redrawn from its prior
  /// (uniform in its scale); `nil`: 1 / the number of searched (not fixed)
  /// parameters of the space. In [0, 1] when set.
  public var mutationProbability: Double?
  /// How numeric parameters are recombined.
  public var crossover: NSGA2Crossover

  public init(
    populationSize: Int = 50, crossoverProbability: Double = 0.9, swappingProbability: Double = 0.5,
    mutationProbability: Double? = nil, crossover: NSGA2Crossover = .uniform
  ) {
    precondition(populationSize >= 2, "NSGA-II needs a population of at least 2, got \(populationSize)")
    precondition((0...1).contains(crossoverProbability), "crossover probability \(crossoverProbability) is not in [0, 1]")
    precondition((0...1).contains(swappingProbability), "swapping probability \(swappingProbability) is not in [0, 1]")
    if let mutationProbability {
      precondition((0...1).contains(mutationProbability), "mutation probability \(mutationProbability) is not in [0, 1]")
    }
    if case .sbx(let eta) = crossover {
      precondition(eta >= 0 && eta.isFinite, "SBX eta must be finite and at least 0, got \(eta)")
    }
    self.populationSize = populationSize
    self.crossoverProbability = crossoverProbability
    self.swappingProbability = swappingProbability
    self.mutationProbability = mutationProbability
    self.crossover = crossover
  }
}

extension NSGA2Options {
  /// The options an experiment file wrote (`search.nsga2`, validated by the loader).
  public init(_ spec: NSGA2Spec) {
    let crossover: NSGA2Crossover
    switch spec.crossover {
    case .uniform: crossover = .uniform
    case .sbx: crossover = .sbx(eta: spec.sbxEta)
    }
    self.init(
      populationSize: spec.populationSize, crossoverProbability: spec.crossoverProbability,
      swappingProbability: spec.swappingProbability, mutationProbability: spec.mutationProbability, crossover: crossover)
  }
}
