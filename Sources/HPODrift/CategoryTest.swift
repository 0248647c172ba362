import Foundation

/// Two-sample tests of counts over categories (reference counts against new
/// counts of the same categories): Pearson's chi-square test of homogeneity
/// after merging small categories, Fisher's exact test when two categories
/// remain and a cell is still small, and the two-proportion test. Each gives
/// a two-sided p-value in [0, 1] and the total-variation distance between the
/// two distributions as its effect size.
public struct CategoryTest: Sendable, Equatable {
  /// How the p-value was computed.
  public enum Method: String, Sendable, Equatable, Codable {
    /// Pearson's chi-square (no continuity correction; SciPy's
    /// `chi2_contingency(correction=False)`).
    case chiSquare = "chi-square"
    /// Fisher's exact test on a 2×2 table (SciPy's `fisher_exact`).
    case fisher
    /// The pooled two-proportion z-test (statsmodels' `proportions_ztest`).
    case twoProportion = "two-proportion"
    /// Nothing to test: one side has no values, or every value is in one category.
    case none
  }

  /// The smallest expected cell count a chi-square or z-test relies on.
  public static let minimumExpected = 5.0

  public var method: Method
  /// The chi-square statistic, the z statistic, or nil (Fisher, none).
  public var statistic: Double?
  /// Degrees of freedom of the chi-square test after merging, else 0.
  public var degreesOfFreedom: Int
  public var pValue: Double
  /// ½·Σ|pₖ − qₖ| over the categories as given (before merging), in [0, 1].
  public var effect: Double
  /// How many categories were merged into others for the test.
  public var merged: Int

  /// Chi-square test of `reference` against `new` (same categories, same
  /// order). Categories empty on both sides are dropped; while more than two
  /// remain and the smallest has an expected count under ``minimumExpected``
  /// (in the smaller row), the two smallest are merged. Two categories with a
  /// small cell: Fisher's exact test. One: no test (p = 1).
  public static func homogeneity(reference: [Int], new: [Int]) -> CategoryTest {
    precondition(reference.count == new.count, "the same categories on both sides")
    let r = reference.reduce(0, +), n = new.reduce(0, +)
    let effect = totalVariation(reference, new)
    guard r > 0, n > 0 else {
      return CategoryTest(method: .none, statistic: nil, degreesOfFreedom: 0, pValue: 1, effect: 0, merged: 0)
    }
    let total = Double(r + n), smaller = Double(min(r, n))
    func expected(_ column: (Int, Int)) -> Double { smaller * Double(column.0 + column.1) / total }
    var columns = zip(reference, new).filter { $0.0 + $0.1 > 0 }.sorted { $0.0 + $0.1 < $1.0 + $1.1 }
    let present = columns.count
    // Ascending by total: the first column is the smallest. Merge the two
    // smallest while more than two remain and one is small.
    while columns.count > 2, let first = columns.first, expected(first) < minimumExpected {
      let merged = (first.0 + columns[1].0, first.1 + columns[1].1)
      columns.removeFirst(2)
      let at = columns.firstIndex { $0.0 + $0.1 >= merged.0 + merged.1 } ?? columns.count
      columns.insert(merged, at: at)
    }
    let merged = present - columns.count
    if columns.count < 2 {
      return CategoryTest(method: .none, statistic: nil, degreesOfFreedom: 0, pValue: 1, effect: effect, merged: merged)
    }
    if columns.count == 2, columns.contains(where: { expected($0) < minimumExpected }) {
      let p = fisherExact(columns[0].0, columns[1].0, columns[0].1, columns[1].1)
      return CategoryTest(method: .fisher, statistic: nil, degreesOfFreedom: 1, pValue: p, effect: effect, merged: merged)
    }
    var chi = 0.0
    for (a, b) in columns {
      let c = Double(a + b)
      let ea = Double(r) * c / total, eb = Double(n) * c / total
      chi += (Double(a) - ea) * (Double(a) - ea) / ea + (Double(b) - eb) * (Double(b) - eb) / eb
    }
    let df = columns.count - 1
    return CategoryTest(
      method: .chiSquare, statistic: chi, degreesOfFreedom: df, pValue: Probability.chiSquareSurvival(chi, df: df),
      effect: effect, merged: merged)
  }

  /// The two-proportion test of `x₁` of `n₁` against `x₂` of `n₂` (e.g.
  /// missing cells): the pooled z-test, or Fisher's exact test when an
  /// expected cell count is under ``minimumExpected``. Effect: |x₁/n₁ − x₂/n₂|.
  public static func proportions(_ x1: Int, of n1: Int, against x2: Int, of n2: Int) -> CategoryTest {
    precondition(0 <= x1 && x1 <= n1 && 0 <= x2 && x2 <= n2, "counts within their totals")
    guard n1 > 0, n2 > 0 else {
      return CategoryTest(method: .none, statistic: nil, degreesOfFreedom: 0, pValue: 1, effect: 0, merged: 0)
    }
    let p1 = Double(x1) / Double(n1), p2 = Double(x2) / Double(n2)
    let effect = abs(p1 - p2)
    let hits = x1 + x2, total = n1 + n2
    guard hits > 0, hits < total else {
      return CategoryTest(method: .none, statistic: nil, degreesOfFreedom: 0, pValue: 1, effect: effect, merged: 0)
    }
    let smallest = Double(min(n1, n2)) * Double(min(hits, total - hits)) / Double(total)
    if smallest < minimumExpected {
      let p = fisherExact(x1, n1 - x1, x2, n2 - x2)
      return CategoryTest(method: .fisher, statistic: nil, degreesOfFreedom: 1, pValue: p, effect: effect, merged: 0)
    }
    let pooled = Double(hits) / Double(total)
    let z = (p1 - p2) / (pooled * (1 - pooled) * (1 / Double(n1) + 1 / Double(n2))).squareRoot()
    return CategoryTest(
      method: .twoProportion, statistic: z, degreesOfFreedom: 1, pValue: min(1, erfc(abs(z) / 2.0.squareRoot())),
      effect: effect, merged: 0)
  }

  /// ½·Σ|aₖ/Σa − bₖ/Σb|; 0 when either side is empty.
  public static func totalVariation(_ a: [Int], _ b: [Int]) -> Double {
    let sa = Double(a.reduce(0, +)), sb = Double(b.reduce(0, +))
    guard sa > 0, sb > 0 else { return 0 }
    return zip(a, b).reduce(0) { $0 + abs(Double($1.0) / sa - Double($1.1) / sb) } / 2
  }

  /// Fisher's exact test of the 2×2 table [[a, b], [c, d]], two-sided as
  /// SciPy computes it: the probability of every table with the same margins
  /// that is at most as likely as this one (relative tolerance 1e-14).
  public static func fisherExact(_ a: Int, _ b: Int, _ c: Int, _ d: Int) -> Double {
    let n1 = a + b, n2 = c + d, column = a + c
    guard n1 > 0, n2 > 0, column > 0, b + d > 0 else { return 1 }
    let logTotal = Probability.logChoose(n1 + n2, column)
    func pmf(_ x: Int) -> Double {
      exp(Probability.logChoose(n1, x) + Probability.logChoose(n2, column - x) - logTotal)
    }
    let mode = Int(Double(column + 1) * Double(n1 + 1) / Double(n1 + n2 + 2))
    let observed = pmf(a), atMode = pmf(mode)
    if abs(observed - atMode) / max(observed, atMode) <= 1e-14 { return 1 }
    let bound = observed * (1 + 1e-14)
    var p = 0.0
    for x in max(0, column - n2)...min(column, n1) {
      let q = pmf(x)
      if q <= bound { p += q }
    }
    return min(1, p)
  }
}
