#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// libm, and fast vectorisable replacements for the hot loops of TPE and GP.
enum Math {
  @inline(__always) static func log(_ x: Double) -> Double { Glibc.log(x) }
  @inline(__always) static func exp(_ x: Double) -> Double { Glibc.exp(x) }
  @inline(__always) static func log1p(_ x: Double) -> Double { Glibc.log1p(x) }
  @inline(__always) static func expm1(_ x: Double) -> Double { Glibc.expm1(x) }
  @inline(__always) static func cos(_ x: Double) -> Double { Glibc.cos(x) }
  @inline(__always) static func erfc(_ x: Double) -> Double { Glibc.erfc(x) }

  static let logSqrt2Pi = 0.918_938_533_204_672_8
  static let sqrt2 = 1.414_213_562_373_095_1
  static let invSqrt2 = 0.707_106_781_186_547_5
  static let invSqrt2Pi = 0.398_942_280_401_432_7

  /// e^x for x ≤ 0 within ~2 ulp; x below -708 gives a tiny positive number
  /// instead of 0 (callers sum these against a term equal to 1). Branch-free,
  /// so loops over it vectorise.
  @inline(__always)
  static func fastExpNonPositive(_ x: Double) -> Double {
    let x = Swift.max(x, -708.0)
    // n = round(x / ln 2) via the 1.5·2^52 shifter; r = x − n·ln 2 (Cody–Waite).
    let shifter = 6_755_399_441_055_744.0
    let t = x * 1.442_695_040_888_963_4 + shifter
    let n = t - shifter
    let r = (x - n * 0.693_147_180_369_123_8) - n * 1.908_214_929_270_587_7e-10
    // Taylor polynomial of e^r on |r| ≤ ln2/2, degree 12.
    var p = 2.087_675_698_786_810e-9
    p = p * r + 2.505_210_838_544_172e-8
    p = p * r + 2.755_731_922_398_589e-7
    p = p * r + 2.755_731_922_398_589e-6
    p = p * r + 2.480_158_730_158_730e-5
    p = p * r + 1.984_126_984_126_984e-4
    p = p * r + 1.388_888_888_888_889e-3
    p = p * r + 8.333_333_333_333_333e-3
    p = p * r + 4.166_666_666_666_666e-2
    p = p * r + 1.666_666_666_666_666_6e-1
    p = p * r + 0.5
    p = p * r + 1
    p = p * r + 1
    // 2^n from the low bits of t (n + 1023 lies in [1, 2046]).
    let bits = (t.bitPattern &+ 1023) << 52
    return p * Double(bitPattern: bits)
  }

  /// Φ(x), the standard normal CDF, to 1.5e-7 absolute (Abramowitz–Stegun
  /// 7.1.26); only for the normalising mass of kernels, which is at least a
  /// third, so the relative error stays below 5e-7.
  @inline(__always)
  static func fastNormalCDF(_ x: Double) -> Double {
    let z = Swift.abs(x) * invSqrt2
    let t = 1 / (1 + 0.327_591_1 * z)
    var p = 1.061_405_429
    p = p * t - 1.453_152_027
    p = p * t + 1.421_413_741
    p = p * t - 0.284_496_736
    p = p * t + 0.254_829_592
    let tail = 0.5 * p * t * fastExpNonPositive(-z * z)
    return x >= 0 ? 1 - tail : tail
  }

  /// Φ(x) to full precision (libm erfc).
  static func normalCDF(_ x: Double) -> Double { 0.5 * erfc(-x * invSqrt2) }

  /// log Φ(x), accurate far into both tails.
  static func logNormalCDF(_ x: Double) -> Double {
    if x > 5 { return log1p(-0.5 * erfc(x * invSqrt2)) }
    if x > -30 { return log(0.5 * erfc(-x * invSqrt2)) }
    // Asymptotic series of the Mills ratio: Φ(x) ≈ φ(x)/|x| · (1 − 1/x² + 3/x⁴ − 15/x⁶).
    let x2 = x * x
    let series = 1 - 1 / x2 + 3 / (x2 * x2) - 15 / (x2 * x2 * x2)
    return -0.5 * x2 - logSqrt2Pi - log(-x) + log(series)
  }

  /// log(Φ(b) − Φ(a)) for a < b, accurate when both lie in the same tail.
  static func logNormalMass(_ a: Double, _ b: Double) -> Double {
    if b <= a { return -.infinity }
    if a > 0 {
      // Mirror into the left tail: Φ(−a) − Φ(−b).
      return logNormalMass(-b, -a)
    }
    if b <= 0 {
      let lb = logNormalCDF(b)
      let la = logNormalCDF(a)
      return lb + log1p(-exp(la - lb))
    }
    // a ≤ 0 < b: 1 − Φ(a) − Φ(−b), both terms at most one half.
    return log1p(-normalCDF(a) - normalCDF(-b))
  }

  /// log Σ exp(values[i]) over a buffer; −∞ for an empty buffer.
  ///
  /// Terms more than 40 below the largest are skipped: each is below 4·10⁻¹⁸
  /// of it, so even 10⁵ of them change the sum by less than 10⁻¹². In a
  /// mixture of thousands of narrow kernels nearly every term is such, and the
  /// skip (a well-predicted branch) saves almost all the exponentials.
  @inline(__always)
  static func logSumExp(_ values: UnsafeMutableBufferPointer<Double>) -> Double {
    guard let base = values.baseAddress, values.count > 0 else { return -.infinity }
    let n = values.count
    var m0 = -Double.infinity, m1 = -Double.infinity
    var i = 0
    while i + 2 <= n {
      m0 = Swift.max(m0, base[i])
      m1 = Swift.max(m1, base[i + 1])
      i += 2
    }
    if i < n { m0 = Swift.max(m0, base[i]) }
    let m = Swift.max(m0, m1)
    if !m.isFinite { return m }
    let cutoff = m - 40
    var sum = 0.0
    for i in 0..<n where base[i] > cutoff {
      sum += fastExpNonPositive(base[i] - m)
    }
    return m + log(sum)
  }
}
