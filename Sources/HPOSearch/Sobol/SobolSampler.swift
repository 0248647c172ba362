import HPOCore

/// Quasi-random search: point number `history.count` of an Owen-scrambled
/// Sobol sequence (``SobolSequence``), one dimension per searched parameter in
/// name order, each coordinate mapped through the parameter's scale (log for
/// log parameters); integers, stepped floats and categorical parameters take
/// ⌊u·k⌋ of their k values, which is exactly uniform over k equal bins.
///
/// The scramble is fixed by `seed` at construction (the experiment's seed), so
/// that all points of one experiment come from one sequence; the generator
/// passed to ``suggest(in:history:using:)`` is not used. Up to
/// ``SobolSequence/maximumDimensions`` searched parameters.
public struct SobolSampler: Sampler {
  public var seed: UInt64

  public init(seed: UInt64 = 0) { self.seed = seed }

  public func suggest(
    in space: SearchSpace, history: [TrialRecord], using rng: inout some RandomNumberGenerator
  ) throws -> Suggestion {
    let layout = SpaceLayout(space)
    let searched = layout.searched
    guard searched.count <= SobolSequence.maximumDimensions else {
      throw SamplerError(
        "sobol handles up to \(SobolSequence.maximumDimensions) searched parameters but this space has \(searched.count); accepted: strategy \"random\" or \"tpe\" for this space")
    }
    guard history.count < Int(UInt32.max) else { return .exhausted }
    let sequence = SobolSequence(dimensions: Swift.max(searched.count, 1), seed: seed)
    var dimension = [Int](repeating: -1, count: layout.entries.count)
    for (d, i) in searched.enumerated() { dimension[i] = d }
    let index = UInt32(history.count)
    var config = Configuration()
    for i in layout.order where layout.isActive(i, in: config) {
      let u = dimension[i] >= 0 ? sequence.coordinate(index, dimension[i]) : 0
      config.values[layout.entries[i].name] = layout.uniformValue(i, u)
    }
    return .configuration(config)
  }
}
