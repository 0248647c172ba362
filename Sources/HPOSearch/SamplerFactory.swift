import HPOCore

/// The sampler of an experiment's search strategy, with its options and the
/// objective's direction.
///
/// - grid: ``GridSampler``; random: ``RandomSampler``;
/// - sobol: ``SobolSampler`` scrambled by the experiment's seed;
/// - tpe: ``TPESampler`` with `search.tpe` (defaults when absent);
/// - gp: ``GPSampler``;
/// - nsga2: ``NSGA2Sampler`` with `search.nsga2` (defaults when absent) and the one objective
///   (`directions: [direction]`); an experiment with several objectives goes
///   through ``makeSampler(for:)``, which passes them all.
public func makeSampler(for search: SearchSpec, direction: Direction) -> any Sampler {
  switch search.strategy {
  case .grid: return GridSampler()
  case .random: return RandomSampler()
  case .sobol: return SobolSampler(seed: search.seed)
  case .tpe: return TPESampler(options: search.tpe ?? TPEOptions(), direction: direction)
  case .gp: return GPSampler(direction: direction)
  case .nsga2: return NSGA2Sampler(directions: [direction], options: NSGA2Options(search.nsga2 ?? NSGA2Spec()))
  }
}
