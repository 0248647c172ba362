import HPOCore

/// A numeric parameter seen on the unit interval: its scale (linear or log) and
/// its lattice (integers, stepped floats), shared by every sampler.
///
/// The unit coordinate `u` runs over the transformed range (log for log
/// parameters), widened by half a step at each end for lattices so that every
/// lattice value owns a bin of equal width (the convention of Optuna's TPE).
struct NumericScale: Sendable, Equatable {
  var isInt: Bool
  var isLog: Bool
  var low: Double
  var high: Double
  /// The lattice step; `nil` for a continuous float.
  var step: Double?
  /// Number of lattice values; 0 for a continuous float.
  var count: Int
  /// Transformed ends of the unit interval.
  var tLow: Double
  var tHigh: Double

  init(_ r: FloatRange) {
    isInt = false
    isLog = r.log
    low = r.low
    high = r.high
    step = r.log ? nil : r.step
    count = step.map { Int(((r.high - r.low) / $0).rounded()) + 1 } ?? 0
    let half = (step ?? 0) / 2
    tLow = isLog ? Math.log(low) : low - half
    tHigh = isLog ? Math.log(high) : high + half
  }

  init(_ r: IntRange) {
    isInt = true
    isLog = r.log
    low = Double(r.low)
    high = Double(r.high - (r.high - r.low) % r.step)
    step = Double(r.step)
    count = (r.high - r.low) / r.step + 1
    let half = Double(r.step) / 2
    // A log lattice starting at 1 with a step of 2 or more would put the
    // widened end at 0; keep it positive.
    tLow = isLog ? Math.log(Swift.max(low - half, low / 2)) : low - half
    tHigh = isLog ? Math.log(high + half) : high + half
  }

  /// Whether values are restricted to a lattice.
  var isLattice: Bool { step != nil }

  @inline(__always) func transform(_ x: Double) -> Double { isLog ? Math.log(x) : x }
  @inline(__always) func untransform(_ t: Double) -> Double { isLog ? Math.exp(t) : t }

  /// The unit coordinate of the value `x`.
  @inline(__always)
  func unit(of x: Double) -> Double {
    Swift.min(Swift.max((transform(x) - tLow) / (tHigh - tLow), 0), 1)
  }

  /// A value for a uniform `u` in [0, 1): uniform in the parameter's scale,
  /// and for a linear lattice exactly uniform over its values (⌊u·count⌋).
  func uniformValue(_ u: Double) -> Double {
    if let step, !isLog {
      let k = Swift.min(Int(u * Double(count)), count - 1)
      return latticeValue(k, step: step)
    }
    return nearestValue(toUnit: u)
  }

  /// The valid value nearest to the point at unit coordinate `u` (a model's
  /// continuous coordinate): clamped into range and snapped onto the lattice.
  func nearestValue(toUnit u: Double) -> Double {
    let x = untransform(tLow + Swift.min(Swift.max(u, 0), 1) * (tHigh - tLow))
    return snap(x)
  }

  /// `x` clamped into [low, high] and onto the lattice.
  func snap(_ x: Double) -> Double {
    guard let step else { return Swift.min(Swift.max(x, low), high) }
    let k = Swift.min(Swift.max(((x - low) / step).rounded(), 0), Double(count - 1))
    return latticeValue(Int(k), step: step)
  }

  @inline(__always)
  private func latticeValue(_ k: Int, step: Double) -> Double {
    if isInt { return low + Double(k) * step }
    return k == count - 1 ? high : Swift.min(low + Double(k) * step, high)
  }

  /// The unit-coordinate edges of the bin of lattice value `x`.
  func binEdges(of x: Double) -> (Double, Double) {
    let half = (step ?? 0) / 2
    let a = (transform(x - half) - tLow) / (tHigh - tLow)
    let b = (transform(x + half) - tLow) / (tHigh - tLow)
    return (a, b)
  }

  /// The parameter value of the numeric `x`: `.int` for integers, `.float` otherwise.
  func parameterValue(_ x: Double) -> ParameterValue {
    isInt ? .int(Int(x.rounded())) : .float(x)
  }

  /// The numeric value of `value` if it is a member of this scale's range.
  @inline(__always)
  func numeric(_ value: ParameterValue) -> Double? {
    let x: Double
    switch value {
    case .float(let v): x = v
    case .int(let v): x = Double(v)
    default: return nil
    }
    guard x.isFinite, x >= low - 1e-9 * Swift.abs(low), x <= high + 1e-9 * Swift.abs(high) else { return nil }
    return x
  }
}
