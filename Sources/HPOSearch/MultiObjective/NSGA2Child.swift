import HPOCore

/// One NSGA-II child of two parent configurations: crossover, then mutation,
/// parameter by parameter in the space's topological order (parents of a
/// condition first), so that the child's own categorical values decide which
/// conditional parameters it has.
///
/// For each active searched parameter:
/// - each parent's value is kept only if it is a member of the parameter's
///   domain (snapped onto its lattice); a parent without it (inactive there)
///   has none;
/// - with crossover, a numeric parameter both parents have is recombined by
///   ``NSGA2Crossover`` in its unit coordinate (log scale for log
///   parameters); otherwise (categorical, uniform crossover, or one parent
///   lacking it) it comes from the second parent with probability
///   `swappingProbability`, else from the first, falling back to the other
///   parent when the chosen one lacks it;
/// - with probability `mutationProbability` (default 1 / the number of
///   searched parameters), or when neither parent has it, it is drawn from its
///   prior as ``RandomSampler`` draws it.
/// Fixed parameters take their value; inactive ones are left out.
struct NSGA2Child {
  let layout: SpaceLayout
  let first: Configuration
  let second: Configuration
  let options: NSGA2Options
  /// Whether the parents are recombined (otherwise `first` is copied).
  let crossover: Bool

  func make(using g: inout SeededGenerator) -> Configuration {
    let mutation = options.mutationProbability ?? 1 / Double(Swift.max(1, layout.searched.count))
    var config = Configuration()
    config.values.reserveCapacity(layout.entries.count)
    for i in layout.order where layout.isActive(i, in: config) {
      let entry = layout.entries[i]
      if case .fixed(let v) = entry.kind {
        config.values[entry.name] = v
        continue
      }
      let inherited = recombined(i, using: &g)
      if let inherited, g.nextUnit() >= mutation {
        config.values[entry.name] = inherited
      } else {
        config.values[entry.name] = layout.uniformValue(i, g.nextUnit())
      }
    }
    return config
  }

  /// The parents' contribution to entry `i`; `nil` when neither has a valid value.
  private func recombined(_ i: Int, using g: inout SeededGenerator) -> ParameterValue? {
    let entry = layout.entries[i]
    let a = Self.member(first[entry.name], of: entry.kind)
    guard crossover else { return a }
    let b = Self.member(second[entry.name], of: entry.kind)
    if case .numeric(let scale) = entry.kind, case .sbx(let eta) = options.crossover,
      let a, let b, let x1 = scale.numeric(a), let x2 = scale.numeric(b)
    {
      let u = Self.sbx(scale.unit(of: x1), scale.unit(of: x2), eta: eta, using: &g)
      return scale.parameterValue(scale.nearestValue(toUnit: u))
    }
    return g.nextUnit() < options.swappingProbability ? (b ?? a) : (a ?? b)
  }

  /// `value` if it belongs to the domain `kind` (numbers snapped onto the
  /// lattice and typed as the domain's), otherwise `nil`.
  static func member(_ value: ParameterValue?, of kind: SpaceLayout.Kind) -> ParameterValue? {
    guard let value else { return nil }
    switch kind {
    case .numeric(let scale): return scale.numeric(value).map { scale.parameterValue(scale.snap($0)) }
    case .categorical(let choices): return choices.contains(value) ? value : nil
    case .fixed(let v): return v
    }
  }

  /// One simulated-binary-crossover gene on [0, 1] from parent genes `x1`
  /// and `x2`, as Optuna's `SBXCrossover` with its defaults: the spread is
  /// bounded so that both children stay in [0, 1]; half the time the child
  /// takes one of the two SBX children's genes, half the time a parent's.
  static func sbx(_ x1: Double, _ x2: Double, eta: Double, using g: inout SeededGenerator) -> Double {
    let low = Swift.min(x1, x2)
    let high = Swift.max(x1, x2)
    let diff = Swift.max(high - low, 1e-10)
    let exponent = 1 / (eta + 1)
    func power(_ x: Double, _ y: Double) -> Double { x > 0 ? Math.exp(y * Math.log(x)) : 0 }
    let alpha1 = 2 - power(1 + 2 * low / diff, -(eta + 1))
    let alpha2 = 2 - power(1 + 2 * (1 - high) / diff, -(eta + 1))
    let u = g.nextUnit()
    func betaq(_ alpha: Double) -> Double {
      u > 1 / alpha ? power(1 / (2 - u * alpha), exponent) : power(u * alpha, exponent)
    }
    let c1 = 0.5 * ((low + high) - betaq(alpha1) * diff)
    let c2 = 0.5 * ((low + high) + betaq(alpha2) * diff)
    let useChild = g.nextUnit() < 0.5
    let pickFirst = g.nextUnit() < 0.5
    let gene = useChild ? (pickFirst ? c1 : c2) : (pickFirst ? x1 : x2)
    return Swift.min(Swift.max(gene, 0), 1)
  }
}
