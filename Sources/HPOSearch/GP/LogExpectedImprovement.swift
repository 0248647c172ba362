/// log EI for minimisation, stable far into the tail (Ament et al. 2023,
/// "Unexpected improvements to expected improvement"): with
/// z = (best − μ)/σ, EI = σ·h(z), h(z) = φ(z) + z·Φ(z).
enum LogExpectedImprovement {
  /// log h(z) and the ratios Φ(z)/h(z) and φ(z)/h(z) used by the gradient.
  static func logH(_ z: Double) -> (logH: Double, cdfRatio: Double, pdfRatio: Double) {
    if z >= -5 {
      let pdf = Math.invSqrt2Pi * Math.exp(-0.5 * z * z)
      let cdf = Math.normalCDF(z)
      let h = pdf + z * cdf
      return (Math.log(h), cdf / h, pdf / h)
    }
    let s = -z
    // R = Φ(−s)/φ(s) (Mills ratio); h = φ(s)·(1 − s·R).
    let r: Double
    let t: Double
    if s <= 26 {
      r = 0.5 * Math.erfc(s * Math.invSqrt2) * Math.exp(0.5 * s * s) / Math.invSqrt2Pi
      t = 1 - s * r
    } else {
      let s2 = s * s
      r = (1 - 1 / s2 + 3 / (s2 * s2) - 15 / (s2 * s2 * s2)) / s
      t = (1 - 3 / s2 + 15 / (s2 * s2) - 105 / (s2 * s2 * s2)) / s2
    }
    let logH = -0.5 * s * s - Math.logSqrt2Pi + Math.log(t)
    return (logH, r / t, 1 / t)
  }

  /// log EI at mean `mu` and standard deviation `sigma` against `best`, and its
  /// partial derivatives with respect to μ and σ.
  static func value(mu: Double, sigma: Double, best: Double) -> (value: Double, dMu: Double, dSigma: Double) {
    let z = (best - mu) / sigma
    let (lh, cdfRatio, pdfRatio) = logH(z)
    return (Math.log(sigma) + lh, -cdfRatio / sigma, pdfRatio / sigma)
  }
}
