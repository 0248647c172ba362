import HPOCore

/// A search space prepared for sampling: each parameter's kind with its scale
/// or choices, and the topological order in which conditions are decided.
struct SpaceLayout: Sendable {
  enum Kind: Sendable {
    case numeric(NumericScale)
    case categorical([ParameterValue])
    case fixed(ParameterValue)
  }

  struct Entry: Sendable {
    var name: String
    var kind: Kind
    var condition: Condition?
  }

  /// One entry per parameter, in the space's (name) order.
  let entries: [Entry]
  /// Indices into `entries`, parents before children.
  let order: [Int]

  init(_ space: SearchSpace) {
    entries = space.parameters.map { p in
      let kind: Kind
      switch p.domain {
      case .float(let r): kind = .numeric(NumericScale(r))
      case .int(let r): kind = .numeric(NumericScale(r))
      case .categorical(let choices): kind = .categorical(choices)
      case .fixed(let v): kind = .fixed(v)
      }
      return Entry(name: p.name, kind: kind, condition: p.condition)
    }
    let index = Dictionary(uniqueKeysWithValues: space.parameters.enumerated().map { ($1.name, $0) })
    order = space.topologicalOrder.map { index[$0.name]! }
  }

  /// Indices of the parameters that are searched (not fixed), in name order.
  var searched: [Int] {
    entries.indices.filter { if case .fixed = entries[$0].kind { return false } else { return true } }
  }

  /// Whether entry `i` is active given the values decided so far (its parents
  /// come earlier in `order`, so they are already in `partial` if active).
  @inline(__always)
  func isActive(_ i: Int, in partial: Configuration) -> Bool {
    entries[i].condition?.isSatisfied(by: partial) ?? true
  }

  /// The value of entry `i` for a uniform `u` in [0, 1).
  func uniformValue(_ i: Int, _ u: Double) -> ParameterValue {
    switch entries[i].kind {
    case .numeric(let s): return s.parameterValue(s.uniformValue(u))
    case .categorical(let choices): return choices[Swift.min(Int(u * Double(choices.count)), choices.count - 1)]
    case .fixed(let v): return v
    }
  }

  /// A configuration drawn uniformly in every parameter's scale; inactive
  /// conditional parameters are left out.
  func randomConfiguration(using g: inout SeededGenerator) -> Configuration {
    var config = Configuration()
    config.values.reserveCapacity(entries.count)
    for i in order where isActive(i, in: config) {
      config.values[entries[i].name] = uniformValue(i, g.nextUnit())
    }
    return config
  }
}
