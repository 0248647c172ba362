import Foundation

/// The distribution functions the drift tests need, in `Double`: the normal
/// and chi-square upper tails, the Kolmogorov limit distribution and its
/// inverse, and the hypergeometric probability. Pure functions.
enum Probability {
  /// P(Z > z) for a standard normal Z.
  static func normalSurvival(_ z: Double) -> Double { 0.5 * erfc(z / 2.0.squareRoot()) }

  /// P(X > x) for X chi-square with `df` degrees of freedom: the regularised
  /// upper incomplete gamma function Q(df/2, x/2) (series below a + 1, Lentz's
  /// continued fraction above; relative error near 1e-15).
  static func chiSquareSurvival(_ x: Double, df: Int) -> Double {
    precondition(df > 0, "a chi-square distribution needs at least one degree of freedom")
    guard x > 0 else { return 1 }
    return upperGamma(Double(df) / 2, x / 2)
  }

  /// Q(a, x) = Γ(a, x)/Γ(a) for a > 0, x ≥ 0.
  static func upperGamma(_ a: Double, _ x: Double) -> Double {
    guard x > 0 else { return 1 }
    let logPrefix = -x + a * log(x) - lgamma(a)
    if x < a + 1 {
      var term = 1 / a, sum = term, ap = a
      for _ in 0..<10_000 {
        ap += 1
        term *= x / ap
        sum += term
        if abs(term) < abs(sum) * 1e-17 { break }
      }
      return max(0, 1 - sum * exp(logPrefix))
    }
    let tiny = 1e-300
    var b = x + 1 - a, c = 1 / tiny, d = 1 / b, h = d
    for i in 1..<10_000 {
      let an = -Double(i) * (Double(i) - a)
      b += 2
      d = an * d + b
      if abs(d) < tiny { d = tiny }
      c = b + an / c
      if abs(c) < tiny { c = tiny }
      d = 1 / d
      let delta = d * c
      h *= delta
      if abs(delta - 1) < 1e-16 { break }
    }
    return min(1, exp(logPrefix) * h)
  }

  /// P(K > λ) for the Kolmogorov distribution K (the limit of √n·Dₙ;
  /// SciPy's `kstwobign.sf`).
  static func kolmogorovSurvival(_ lambda: Double) -> Double {
    guard lambda > 0 else { return 1 }
    if lambda < 1.18 {
      // CDF = √(2π)/λ · Σ exp(−(2k−1)²π²/(8λ²)), fast for small λ.
      let factor = (2 * Double.pi).squareRoot() / lambda
      var sum = 0.0
      for k in 1...8 {
        let odd = Double(2 * k - 1)
        sum += exp(-odd * odd * Double.pi * Double.pi / (8 * lambda * lambda))
      }
      return min(1, max(0, 1 - factor * sum))
    }
    // Survival = 2 Σ (−1)^(k−1) exp(−2k²λ²), fast for large λ.
    var sum = 0.0
    for k in 1...100 {
      let term = exp(-2 * Double(k * k) * lambda * lambda)
      sum += (k % 2 == 1 ? term : -term)
      if term < 1e-17 { break }
    }
    return min(1, max(0, 2 * sum))
  }

  /// The λ with P(K > λ) = `p` (bisection to 1e-12), for 0 < p < 1.
  static func kolmogorovInverseSurvival(_ p: Double) -> Double {
    var lo = 0.0, hi = 10.0
    while hi - lo > 1e-12 {
      let mid = (lo + hi) / 2
      if kolmogorovSurvival(mid) > p { lo = mid } else { hi = mid }
    }
    return (lo + hi) / 2
  }

  /// ln C(n, k).
  static func logChoose(_ n: Int, _ k: Int) -> Double {
    lgamma(Double(n + 1)) - lgamma(Double(k + 1)) - lgamma(Double(n - k + 1))
  }
}
