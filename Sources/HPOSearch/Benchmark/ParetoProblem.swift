import HPOCore

/// A test problem with several objectives (all minimised) over a box, with
/// the fixed reference point its hypervolume is measured against: the
/// built-in problems of `hpo bench pareto`.
///
/// Parameters are named `x00`, `x01`, … so that name order is index order.
public struct ParetoProblem: Sendable {
  public var name: String
  public var space: SearchSpace
  /// One per objective (every built-in problem minimises all of them).
  public var directions: [Direction]
  /// The hypervolume's reference point.
  public var reference: [Double]
  /// The objective vector of a configuration of ``space``.
  public var evaluate: @Sendable (Configuration) -> [Double]

  public init(
    name: String, space: SearchSpace, directions: [Direction], reference: [Double],
    evaluate: @escaping @Sendable (Configuration) -> [Double]
  ) {
    self.name = name
    self.space = space
    self.directions = directions
    self.reference = reference
    self.evaluate = evaluate
  }

  /// The built-in problems by name, in their standard sizes.
  public static func builtIn(_ name: String) -> ParetoProblem? {
    switch name {
    case "zdt1": return zdt1()
    case "zdt2": return zdt2()
    case "dtlz2": return dtlz2()
    default: return nil
    }
  }

  public static let builtInNames = ["zdt1", "zdt2", "dtlz2"]

  /// The unit box [0, 1]^n as a space of floats `x00`…
  static func unitBox(_ n: Int) -> SearchSpace {
    SearchSpace((0..<n).map { Parameter(name: name($0), domain: .float(FloatRange(low: 0, high: 1))) })
  }

  static func name(_ i: Int) -> String { i < 10 ? "x0\(i)" : "x\(i)" }

  static func point(_ config: Configuration, _ n: Int) -> [Double] {
    (0..<n).map { config[name($0)]?.numericValue ?? .nan }
  }

  /// ZDT1 (Zitzler, Deb and Thiele 2000), `dimensions` variables in [0, 1]
  /// (standard: 30): f₁ = x₁, g = 1 + 9·mean(x₂…xₙ), f₂ = g·(1 − √(f₁/g)).
  /// Convex Pareto front at g = 1; reference point (11, 11).
  public static func zdt1(dimensions n: Int = 30) -> ParetoProblem {
    zdt(name: "zdt1", dimensions: n) { f1, g in g * (1 - (f1 / g).squareRoot()) }
  }

  /// ZDT2: as ZDT1 with f₂ = g·(1 − (f₁/g)²), a concave front; reference (11, 11).
  public static func zdt2(dimensions n: Int = 30) -> ParetoProblem {
    zdt(name: "zdt2", dimensions: n) { f1, g in g * (1 - (f1 / g) * (f1 / g)) }
  }

  private static func zdt(
    name: String, dimensions n: Int, second: @escaping @Sendable (Double, Double) -> Double
  ) -> ParetoProblem {
    precondition(n >= 2, "ZDT needs at least 2 variables")
    return ParetoProblem(name: name, space: unitBox(n), directions: [.minimize, .minimize], reference: [11, 11]) { config in
      let x = point(config, n)
      let g = 1 + 9 * x[1...].reduce(0, +) / Double(n - 1)
      return [x[0], second(x[0], g)]
    }
  }

  /// DTLZ2 (Deb, Thiele, Laumanns and Zitzler 2002) with `objectives` = M
  /// objectives and `k` distance variables (standard: M = 3, k = 10, so 12
  /// variables in [0, 1]): g = Σ (xᵢ − ½)² over the last k, and
  /// fⱼ = (1 + g)·∏ cos(xᵢ·π/2) over the first M − 1 − j angles, times
  /// sin(x_{M−j}·π/2) for j ≥ 1. Front: the unit sphere's positive octant;
  /// reference point (2.2, …, 2.2).
  public static func dtlz2(objectives m: Int = 3, k: Int = 10) -> ParetoProblem {
    precondition(m >= 2 && k >= 1, "DTLZ2 needs at least 2 objectives and 1 distance variable")
    let n = m - 1 + k
    return ParetoProblem(
      name: "dtlz2", space: unitBox(n), directions: Array(repeating: .minimize, count: m),
      reference: Array(repeating: 2.2, count: m)
    ) { config in
      let x = point(config, n)
      let g = x[(m - 1)...].reduce(0) { $0 + ($1 - 0.5) * ($1 - 0.5) }
      let half = Double.pi / 2
      return (0..<m).map { j in
        var f = 1 + g
        for i in 0..<(m - 1 - j) { f *= Math.cos(x[i] * half) }
        // sin(t) = cos(π/2 − t): Math wraps only the libm functions hpo needs.
        if j > 0 { f *= Math.cos(half - x[m - 1 - j] * half) }
        return f
      }
    }
  }
}
