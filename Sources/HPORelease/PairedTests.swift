import Foundation
import HPOCore

/// Paired comparisons of two models on the same rows, reported with the
/// champion gate (they inform; the tolerance decides).
public enum PairedTests {
  /// McNemar's test on paired correctness.
  public struct McNemar: Sendable, Equatable {
    /// Rows the winner gets right and the champion wrong.
    public var winnerOnly: Int
    /// Rows the champion gets right and the winner wrong.
    public var championOnly: Int
    /// Two-sided p-value.
    public var pValue: Double
    /// Whether the p-value is the exact binomial one (fewer than 25 discordant rows) or the
    /// χ² approximation with continuity correction.
    public var exact: Bool
  }

  /// McNemar's test for two classifiers' correctness on the same rows.
  /// Exact two-sided binomial test when the discordant count b + c is below 25,
  /// else χ² (1 degree of freedom) with continuity correction.
  public static func mcNemar(winnerCorrect: [Bool], championCorrect: [Bool]) -> McNemar {
    precondition(winnerCorrect.count == championCorrect.count, "paired rows")
    var b = 0, c = 0
    for (w, ch) in zip(winnerCorrect, championCorrect) {
      if w && !ch { b += 1 } else if ch && !w { c += 1 }
    }
    let n = b + c
    if n == 0 { return McNemar(winnerOnly: 0, championOnly: 0, pValue: 1, exact: true) }
    if n < 25 {
      // P(X ≤ min(b, c)) for X ~ Binomial(n, 1/2), doubled, capped at 1.
      let k = min(b, c)
      var tail = 0.0
      for i in 0...k { tail += exp(logChoose(n, i) - Double(n) * log(2)) }
      return McNemar(winnerOnly: b, championOnly: c, pValue: min(1, 2 * tail), exact: true)
    }
    let statistic = pow(Double(abs(b - c)) - 1, 2) / Double(n)
    return McNemar(winnerOnly: b, championOnly: c, pValue: erfc((statistic / 2).squareRoot()), exact: false)
  }

  /// A percentile bootstrap interval.
  public struct Interval: Sendable, Equatable {
    /// The statistic on the original rows.
    public var estimate: Double
    public var low: Double
    public var high: Double
    /// Resamples drawn (those where the statistic is undefined are skipped).
    public var resamples: Int
  }

  /// Paired bootstrap 95% interval of `statistic(indices)` (e.g. the winner's metric
  /// minus the champion's on the resampled rows): `resamples` draws of `rows` row
  /// indices with replacement from `seed`. Draws where the statistic is `nil` or not
  /// finite (e.g. ROC AUC of a one-class resample) are skipped.
  public static func pairedBootstrap(
    rows: Int, resamples: Int = 1000, seed: UInt64, statistic: ([Int]) -> Double?
  ) -> Interval? {
    guard rows > 0, let estimate = statistic(Array(0..<rows)), estimate.isFinite else { return nil }
    var generator = SeededGenerator(seed: seed, stream: 0xB007)
    var values: [Double] = []
    values.reserveCapacity(resamples)
    for _ in 0..<resamples {
      let indices = (0..<rows).map { _ in Int(generator.next() % UInt64(rows)) }
      if let v = statistic(indices), v.isFinite { values.append(v) }
    }
    guard !values.isEmpty else { return nil }
    values.sort()
    return Interval(
      estimate: estimate, low: quantile(values, 0.025), high: quantile(values, 0.975), resamples: values.count)
  }

  /// Linear-interpolated quantile of sorted `values`.
  static func quantile(_ values: [Double], _ q: Double) -> Double {
    let position = q * Double(values.count - 1)
    let lower = Int(position.rounded(.down))
    let upper = min(lower + 1, values.count - 1)
    let fraction = position - Double(lower)
    return values[lower] + (values[upper] - values[lower]) * fraction
  }

  private static func logChoose(_ n: Int, _ k: Int) -> Double {
    lgamma(Double(n + 1)) - lgamma(Double(k + 1)) - lgamma(Double(n - k + 1))
  }
}
