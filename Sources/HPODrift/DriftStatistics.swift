import Foundation

/// Bucket counts, ε-smoothed fractions and the population stability index:
/// what a profile stores and a drift report shows beside its tests
/// (``KolmogorovSmirnov``, ``CategoryTest``). Pure functions.
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

  /// ``binCounts(_:edges:)`` of values given sorted (no NaN) with the number
  /// of missing values apart: one walk over values and edges together.
  public static func binCounts(sorted values: [Double], missing: Int, edges: [Double]) -> [Int] {
    var counts = [Int](repeating: 0, count: edges.count + 2)
    counts[edges.count + 1] = missing
    var bin = 0
    var start = 0
    values.withUnsafeBufferPointer { values in
      // Bin `bin` takes the values ≤ edges[bin] from `start` on; the last bin takes the rest.
      while bin < edges.count {
        var end = start
        while end < values.count && values[end] <= edges[bin] { end += 1 }
        counts[bin] = end - start
        start = end
        bin += 1
      }
    }
    counts[edges.count] = values.count - start
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
}
