extension ParameterValue {
  /// The value as JSON carries it: a whole, finite float (below 2⁵³) is the
  /// integer it equals, since hpo's messages and store write `2.0` as `2`
  /// and read `2` back as an integer.
  public var wholeNumbersAsInt: ParameterValue {
    if case .float(let f) = self, f.isFinite, f == f.rounded(), abs(f) < 9_007_199_254_740_992 { return .int(Int(f)) }
    return self
  }

  /// The value in the type a parameter of `domain` holds: a float for a
  /// float range, an integer for a whole number of an integer range, and
  /// ``wholeNumbersAsInt`` for choices, fixed values or no domain.
  func carried(in domain: Domain?) -> ParameterValue {
    switch (domain, self) {
    case (.float?, .int(let i)): return .float(Double(i))
    case (.float?, _): return self
    case (.int?, _): return wholeNumbersAsInt
    default: return wholeNumbersAsInt
    }
  }
}

extension Parameter {
  /// The parameter with every value it names (fixed value, choices, default,
  /// the parent values of its condition) in the type it keeps through a
  /// message or the store, so that a space is the same after the trip.
  func canonical(domains: [String: Domain]) -> Parameter {
    var domain = self.domain
    switch domain {
    case .fixed(let v): domain = .fixed(v.wholeNumbersAsInt)
    case .categorical(let choices): domain = .categorical(choices.map(\.wholeNumbersAsInt))
    case .float, .int: break
    }
    let condition = self.condition.map { c in
      Condition(c.requirements.map { r in
        Condition.Requirement(parent: r.parent, values: r.values.map { $0.carried(in: domains[r.parent]) })
      })
    }
    return Parameter(name: name, domain: domain, condition: condition, defaultValue: defaultValue?.carried(in: domain))
  }
}
