import HPOCore

/// Full factorial search over each parameter's grid values
/// (``HPOCore/Domain/gridValues``): ints and stepped floats enumerate their
/// values, floats with `grid_points` take that many points (log-spaced for log
/// parameters), categorical parameters take every choice.
///
/// Conditional spaces are enumerated over the topological order, so an
/// inactive parameter never multiplies the grid: no two grid points differ only
/// in inactive parameters. The order is fixed (the first parameters in
/// topological order vary slowest); a suggestion is the first grid point not
/// already in the history (pending trials included), so parallel workers never
/// receive duplicates, and ``HPOCore/Suggestion/exhausted`` follows the last one.
/// The random generator is not used.
public struct GridSampler: Sampler {
  public init() {}

  public func suggest(
    in space: SearchSpace, history: [TrialRecord], using rng: inout some RandomNumberGenerator
  ) throws -> Suggestion {
    if space.gridSize == nil {
      // Some parameter that can be active has no finite grid.
      let open = space.parameters.first { $0.domain.gridValues == nil }
      throw SamplerError(Self.noGridMessage(open?.name ?? "?"))
    }
    let order = space.topologicalOrder
    // Parameters without a grid are never active (gridSize would be nil).
    let values = order.map { $0.domain.gridValues ?? [] }
    let seen = Set(history.map(\.configuration))
    var found: Configuration?
    var partial = Configuration()
    _ = enumerate(order, values, 0, &partial) { config in
      if seen.contains(config) { return false }
      found = config
      return true
    }
    return found.map(Suggestion.configuration) ?? .exhausted
  }

  /// Visits every grid point in order until `visit` returns true.
  private func enumerate(
    _ order: [Parameter], _ values: [[ParameterValue]], _ index: Int, _ partial: inout Configuration,
    _ visit: (Configuration) -> Bool
  ) -> Bool {
    guard index < order.count else { return visit(partial) }
    let p = order[index]
    if let c = p.condition, !c.isSatisfied(by: partial) {
      return enumerate(order, values, index + 1, &partial, visit)
    }
    for v in values[index] {
      partial.values[p.name] = v
      if enumerate(order, values, index + 1, &partial, visit) {
        partial.values[p.name] = nil
        return true
      }
    }
    partial.values[p.name] = nil
    return false
  }

  static func noGridMessage(_ name: String) -> String {
    "grid search needs a finite grid but float parameter \"\(name)\" has neither \"grid_points\" nor \"step\"; accepted: add \"grid_points\" (for example 5) or \"step\", or use strategy \"random\", \"sobol\" or \"tpe\""
  }
}
