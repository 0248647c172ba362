/// The set of values one hyperparameter may take.
public enum Domain: Sendable, Hashable {
  /// Real numbers in `[low, high]`, uniform in log space when `log` is set,
  /// restricted to `low + k·step` when `step` is set. `gridPoints` is how many
  /// points a grid search takes (log-spaced for log parameters).
  case float(FloatRange)
  /// Integers in `[low, high]` on `low + k·step`, optionally log-uniform.
  case int(IntRange)
  /// One of a list of distinct values (strings, numbers or booleans).
  case categorical([ParameterValue])
  /// Always this value: part of the configuration, never searched.
  case fixed(ParameterValue)

  /// A short name of the kind: "float", "int", "categorical" or "fixed".
  public var kindName: String {
    switch self {
    case .float: return "float"
    case .int: return "int"
    case .categorical: return "categorical"
    case .fixed: return "fixed"
    }
  }

  /// The number of distinct values, or `nil` when the domain is continuous
  /// (a float without `step`). For a float with `gridPoints` and no step, the
  /// grid size is given by ``gridValues`` instead.
  public var cardinality: Int? {
    switch self {
    case .float(let r):
      guard let step = r.step else { return nil }
      return Int(((r.high - r.low) / step).rounded()) + 1
    case .int(let r): return (r.high - r.low) / r.step + 1
    case .categorical(let choices): return choices.count
    case .fixed: return 1
    }
  }

  /// Whether `value` is a member of the domain (type, bounds and step).
  public func contains(_ value: ParameterValue) -> Bool {
    switch (self, value) {
    case (.float(let r), .float(let v)): return r.contains(v)
    case (.float(let r), .int(let v)): return r.contains(Double(v))
    case (.int(let r), .int(let v)): return r.contains(v)
    case (.categorical(let choices), _): return choices.contains(value)
    case (.fixed(let fixed), _): return fixed == value
    default: return false
    }
  }

  /// How many values a grid search visits (``gridValues``' count, without
  /// listing them), or `nil` when the domain has no finite grid.
  public var gridCount: Int? {
    switch self {
    case .float(let r) where r.gridPoints != nil: return r.gridPoints
    case .int(let r) where r.gridPoints != nil: return gridValues?.count
    default: return cardinality
    }
  }

  /// The values a grid search visits, or `nil` when the domain has no finite grid
  /// (a float with neither `step` nor `gridPoints`). Ints and stepped floats
  /// enumerate every value; `gridPoints` overrides them with evenly spaced points.
  public var gridValues: [ParameterValue]? {
    switch self {
    case .float(let r):
      if let n = r.gridPoints { return r.evenlySpaced(n).map(ParameterValue.float) }
      guard let count = cardinality, let step = r.step else { return nil }
      return (0..<count).map { .float(r.low + Double($0) * step) }
    case .int(let r):
      if let n = r.gridPoints {
        let points = FloatRange(low: Double(r.low), high: Double(r.high), log: r.log).evenlySpaced(n)
        var seen = Set<Int>()
        return points.compactMap { p in
          let v = r.snap(p)
          return seen.insert(v).inserted ? ParameterValue.int(v) : nil
        }
      }
      return stride(from: r.low, through: r.high, by: r.step).map(ParameterValue.int)
    case .categorical(let choices): return choices
    case .fixed(let v): return [v]
    }
  }
}

/// The bounds of a float hyperparameter. Invariants (checked by the loader):
/// `low < high`; `low > 0` when `log`; `step` divides `high - low`; not both `log` and `step`.
public struct FloatRange: Sendable, Hashable {
  public var low: Double
  public var high: Double
  public var log: Bool
  public var step: Double?
  public var gridPoints: Int?

  public init(low: Double, high: Double, log: Bool = false, step: Double? = nil, gridPoints: Int? = nil) {
    self.low = low
    self.high = high
    self.log = log
    self.step = step
    self.gridPoints = gridPoints
  }

  /// Whether `v` lies in `[low, high]` and, with a step, on the step lattice
  /// (to a relative tolerance of 1e-9 of the step).
  public func contains(_ v: Double) -> Bool {
    guard v.isFinite, v >= low, v <= high else { return false }
    guard let step else { return true }
    let k = ((v - low) / step).rounded()
    return abs(low + k * step - v) <= 1e-9 * Swift.max(step, abs(v))
  }

  /// `n` points from `low` to `high` inclusive, evenly spaced in the parameter's scale.
  public func evenlySpaced(_ n: Int) -> [Double] {
    guard n > 1 else { return [log ? (low * high).squareRoot() : (low + high) / 2] }
    return (0..<n).map { i in
      let t = Double(i) / Double(n - 1)
      if log { return libmExp(libmLog(low) + t * (libmLog(high) - libmLog(low))) }
      return low + t * (high - low)
    }
  }
}

/// The bounds of an integer hyperparameter. Invariants (checked by the loader):
/// `low < high`; `low ≥ 1` when `log`; `step ≥ 1` divides `high - low`.
public struct IntRange: Sendable, Hashable {
  public var low: Int
  public var high: Int
  public var log: Bool
  public var step: Int
  public var gridPoints: Int?

  public init(low: Int, high: Int, log: Bool = false, step: Int = 1, gridPoints: Int? = nil) {
    self.low = low
    self.high = high
    self.log = log
    self.step = step
    self.gridPoints = gridPoints
  }

  /// Whether `v` lies in `[low, high]` on the step lattice.
  public func contains(_ v: Int) -> Bool { v >= low && v <= high && (v - low) % step == 0 }

  /// The lattice value nearest to the real number `x`, clamped into the range.
  public func snap(_ x: Double) -> Int {
    let k = ((x - Double(low)) / Double(step)).rounded()
    let v = low + Int(k) * step
    return Swift.min(Swift.max(v, low), high - (high - low) % step)
  }
}
