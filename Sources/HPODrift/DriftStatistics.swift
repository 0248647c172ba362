import Foundation

/// The statistics drift checks are made of: bucket counts, ε-smoothed
/// fractions, the population stability index, and the two-sample
/// Kolmogorov–Smirnov statistic with its asymptotic p-value. Pure functions.
public enum DriftStatistics {
  /// Counts of `values` per PSI bucket: bin `i` holds `edges[i-1] < x ≤ edges[i]`
  /// (the first bin every `x ≤ edges[0]`, the last every `x > edges.last`), and
  /// a last bucket holds the missing values (NaN). `edges.count + 2` counts.
  public static func binCounts(_ values: [Double], edges: [Double]) -> [Int] {
    var counts = [Int](repeating: 0, count: edges.count + 2)
    for x in values {
      if x.isNaN {
        counts[edges.count + 1] += 1
        continue
      }
      // The first edge ≥ x.
      var lo = 0, hi = edges.count
      while lo < hi {
        let mid = (lo + hi) / 2
        if edges[mid] < x { lo = mid + 1 } else { hi = mid }
      }
      counts[lo] += 1
    }
    return counts
  }

  /// Counts of `values` per level (`levels` ascending), then values that are
  /// no level (unseen in training), then missing values: `levels.count + 2` counts.
  public static func levelCounts(_ values: [Double], levels: [Double]) -> [Int] {
    var counts = [Int](repeating: 0, count: levels.count + 2)
    for x in values {
      if x.isNaN {
        counts[levels.count + 1] += 1
        continue
      }
      var lo = 0, hi = levels.count
      while lo < hi {
        let mid = (lo + hi) / 2
        if levels[mid] < x { lo = mid + 1 } else { hi = mid }
      }
      counts[lo < levels.count && levels[lo] == x ? lo : levels.count] += 1
    }
    return counts
  }

  /// `(count/total + ε) / (1 + ε·buckets)` per bucket: fractions that sum to 1
  /// with none zero. With no values at all, every bucket gets 1/buckets.
  public static func smoothedFractions(_ counts: [Int], epsilon: Double = DataProfile.psiEpsilon) -> [Double] {
    let total = counts.reduce(0, +)
    guard total > 0 else { return counts.map { _ in 1 / Double(counts.count) } }
    let norm = 1 + epsilon * Double(counts.count)
    return counts.map { (Double($0) / Double(total) + epsilon) / norm }
  }

  /// The population stability index Σ (actual − expected)·ln(actual / expected)
  /// of two smoothed fraction vectors of the same length. 0 for identical
  /// distributions; common readings: < 0.1 stable, 0.1–0.2 some shift, > 0.2 drift.
  public static func psi(expected: [Double], actual: [Double]) -> Double {
    precondition(expected.count == actual.count, "PSI needs the same buckets")
    var sum = 0.0
    for (e, a) in zip(expected, actual) { sum += (a - e) * Foundation.log(a / e) }
    return sum
  }

  /// The two-sample Kolmogorov–Smirnov statistic sup |F₁ − F₂| of two sorted
  /// samples (ties handled: both empirical CDFs are evaluated right after each
  /// distinct value). 0 when either sample is empty.
  public static func ksStatistic(_ a: [Double], _ b: [Double]) -> Double {
    let n = a.count, m = b.count
    guard n > 0, m > 0 else { return 0 }
    var i = 0, j = 0
    var d = 0.0
    while i < n && j < m {
      let x = Swift.min(a[i], b[j])
      while i < n && a[i] <= x { i += 1 }
      while j < m && b[j] <= x { j += 1 }
      d = Swift.max(d, abs(Double(i) / Double(n) - Double(j) / Double(m)))
    }
    return d
  }

  /// The asymptotic two-sided p-value of a KS statistic `d` between samples of
  /// sizes `n` and `m`: P(K > √(nm/(n+m))·d) for the Kolmogorov distribution K
  /// (scipy's `kstwobign.sf`). An approximation that is good when both samples
  /// have at least a few dozen values; for smaller ones it is conservative-ish
  /// and should be read as a rough guide.
  public static func ksPValue(_ d: Double, n: Int, m: Int) -> Double {
    guard n > 0, m > 0 else { return 1 }
    let en = Double(n) * Double(m) / Double(n + m)
    return kolmogorovSurvival(en.squareRoot() * d)
  }

  /// P(K > λ) for the Kolmogorov distribution.
  static func kolmogorovSurvival(_ lambda: Double) -> Double {
    guard lambda > 0 else { return 1 }
    if lambda < 1.18 {
      // CDF = √(2π)/λ · Σ exp(−(2k−1)²π²/(8λ²)), fast for small λ.
      let factor = (2 * Double.pi).squareRoot() / lambda
      var sum = 0.0
      for k in 1...8 {
        let odd = Double(2 * k - 1)
        sum += Foundation.exp(-odd * odd * Double.pi * Double.pi / (8 * lambda * lambda))
      }
      return Swift.min(1, Swift.max(0, 1 - factor * sum))
    }
    // Survival = 2 Σ (−1)^(k−1) exp(−2k²λ²), fast for large λ.
    var sum = 0.0
    for k in 1...100 {
      let term = Foundation.exp(-2 * Double(k * k) * lambda * lambda)
      sum += (k % 2 == 1 ? term : -term)
      if term < 1e-17 { break }
    }
    return Swift.min(1, Swift.max(0, 2 * sum))
  }
}
