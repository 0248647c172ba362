/// A named hyperparameter with its domain and, optionally, the condition under
/// which it is active.
public struct Parameter: Sendable, Hashable {
  public var name: String
  public var domain: Domain
  /// `nil` when the parameter is always active.
  public var condition: Condition?
  /// The value used when a configuration leaves the parameter out (`hpo train`);
  /// `nil` means the domain's midpoint in its scale (see ``fallbackValue``).
  public var defaultValue: ParameterValue?

  public init(name: String, domain: Domain, condition: Condition? = nil, defaultValue: ParameterValue? = nil) {
    self.name = name
    self.domain = domain
    self.condition = condition
    self.defaultValue = defaultValue
  }

  /// The default value, else the midpoint of the range in its scale (snapped to
  /// the step), else the first choice.
  public var fallbackValue: ParameterValue {
    if let defaultValue { return defaultValue }
    switch domain {
    case .float(let r):
      let mid = r.evenlySpaced(1)[0]
      guard let step = r.step else { return .float(mid) }
      return .float(r.low + ((mid - r.low) / step).rounded() * step)
    case .int(let r):
      let mid = FloatRange(low: Double(r.low), high: Double(r.high), log: r.log).evenlySpaced(1)[0]
      return .int(r.snap(mid))
    case .categorical(let choices): return choices[0]
    case .fixed(let v): return v
    }
  }
}

/// "Active only when": each named parent has one of the listed values (all
/// requirements must hold). A parameter whose parent is inactive is inactive too.
public struct Condition: Sendable, Hashable {
  /// One parent and the values of it that make the child active.
  public struct Requirement: Sendable, Hashable {
    public var parent: String
    public var values: [ParameterValue]

    public init(parent: String, values: [ParameterValue]) {
      self.parent = parent
      self.values = values
    }
  }

  /// The requirements, sorted by parent name.
  public private(set) var requirements: [Requirement]

  public init(_ requirements: [Requirement]) {
    self.requirements = requirements.sorted { $0.parent < $1.parent }
  }

  /// The parent parameters this condition reads.
  public var parents: [String] { requirements.map(\.parent) }

  /// Whether `configuration` satisfies every requirement (a missing parent fails).
  public func isSatisfied(by configuration: Configuration) -> Bool {
    requirements.allSatisfy { r in configuration[r.parent].map(r.values.contains) ?? false }
  }
}

/// The space a search explores: parameters sorted by name, with conditions.
///
/// Parameters are kept in name order whatever their order in the file, so that
/// samplers, hashes and stored configurations never depend on formatting.
/// Conditions form a forest (validated acyclic by the loader); ``topologicalOrder``
/// lists every parent before its children.
public struct SearchSpace: Sendable, Hashable {
  public private(set) var parameters: [Parameter]

  /// A space over `parameters` (sorted by name here). Whole floats among
  /// fixed values, choices and condition values become integers, and
  /// defaults and condition values take their parameter's type
  /// (``Parameter/canonical(domains:)``): the space a message or the store
  /// gives back is this one.
  public init(_ parameters: [Parameter]) {
    var domains: [String: Domain] = [:]
    for p in parameters where domains[p.name] == nil { domains[p.name] = p.domain }
    self.parameters = parameters.map { $0.canonical(domains: domains) }.sorted { $0.name < $1.name }
  }

  /// The parameter named `name`.
  public subscript(name: String) -> Parameter? { parameters.first { $0.name == name } }

  /// Names of the parameters in the space.
  public var names: [String] { parameters.map(\.name) }

  /// Parameters with every parent before its children (ties in name order).
  public var topologicalOrder: [Parameter] {
    var placed = Set<String>()
    var order: [Parameter] = []
    var remaining = parameters
    while !remaining.isEmpty {
      let ready = remaining.filter { p in (p.condition?.parents ?? []).allSatisfy(placed.contains) }
      // A cycle cannot pass the loader; guard anyway so this never loops forever.
      let batch = ready.isEmpty ? remaining : ready
      for p in batch { placed.insert(p.name) }
      order += batch
      remaining.removeAll { placed.contains($0.name) }
    }
    return order
  }

  /// The active parameters of `configuration`, whose values decide which
  /// conditional parameters are active.
  public func activeNames(in configuration: Configuration) -> Set<String> {
    var active = Set<String>()
    for p in topologicalOrder {
      guard let condition = p.condition else {
        active.insert(p.name)
        continue
      }
      if condition.parents.allSatisfy(active.contains), condition.isSatisfied(by: configuration) {
        active.insert(p.name)
      }
    }
    return active
  }

  /// Whether `configuration` is a complete, valid point of this space: every
  /// active parameter present and in its domain, no inactive or unknown ones.
  public func validates(_ configuration: Configuration) -> Bool {
    let active = activeNames(in: configuration)
    guard Set(configuration.values.keys) == active else { return false }
    return parameters.allSatisfy { p in
      guard let v = configuration[p.name] else { return true }
      return p.domain.contains(v)
    }
  }

  /// The number of distinct configurations a grid search visits, counting
  /// inactive branches once; `nil` when some active float has no finite grid.
  /// Saturates at `Int.max`.
  public var gridSize: Int? { GridCounter(space: self).count() }
}

/// Counts grid configurations over a conditional space by recursion over the
/// topological order (the same enumeration a grid sampler walks).
private struct GridCounter {
  let space: SearchSpace

  func count() -> Int? {
    count(index: 0, order: space.topologicalOrder, partial: Configuration())
  }

  private func count(index: Int, order: [Parameter], partial: Configuration) -> Int? {
    guard index < order.count else { return 1 }
    let p = order[index]
    let active = p.condition.map { c in
      c.parents.allSatisfy { partial[$0] != nil } && c.isSatisfied(by: partial)
    } ?? true
    if !active { return count(index: index + 1, order: order, partial: partial) }
    // Only parents' values change what follows; others multiply.
    let isParent = order.contains { $0.condition?.parents.contains(p.name) ?? false }
    if !isParent {
      guard let n = p.domain.gridCount, let rest = count(index: index + 1, order: order, partial: partial) else { return nil }
      let (product, overflow) = n.multipliedReportingOverflow(by: rest)
      return overflow ? Int.max : product
    }
    guard let values = p.domain.gridValues else { return nil }
    var total = 0
    for v in values {
      var next = partial
      next[p.name] = v
      guard let rest = count(index: index + 1, order: order, partial: next) else { return nil }
      let (sum, overflow) = total.addingReportingOverflow(rest)
      total = overflow ? Int.max : sum
    }
    return total
  }
}

extension SearchSpace {
  /// `configuration` with each value given the type its domain expects: JSON
  /// cannot tell `1.0` from `1` once encoded by Foundation, so a float
  /// parameter read back as `.int(1)` becomes `.float(1.0)` again. Unknown
  /// names and other values are kept as they are.
  public func normalized(_ configuration: Configuration) -> Configuration {
    var out = configuration
    for (name, value) in configuration.values {
      guard let p = self[name] else { continue }
      switch (p.domain, value) {
      case (.float, .int(let i)): out[name] = .float(Double(i))
      case (.categorical(let choices), .int(let i)) where !choices.contains(value) && choices.contains(.float(Double(i))):
        out[name] = .float(Double(i))
      case (.fixed(.float(let f)), .int(let i)) where f == Double(i): out[name] = .float(f)
      default: break
      }
    }
    return out
  }
}
