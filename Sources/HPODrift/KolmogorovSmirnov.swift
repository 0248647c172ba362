import Foundation
import Synchronization

/// The two-sample Kolmogorov–Smirnov test, two-sided, as SciPy's
/// `ks_2samp(method="auto")` computes it: the exact p-value when both samples
/// hold at most ``exactLimit`` values (the lattice-path recursions of Hodges
/// as SciPy implements them: `_compute_prob_outside_square` for equal sizes,
/// Viehmann's numerically stable form of the inside method otherwise), and the
/// asymptotic one above that: P(K > √(nm/(n+m))·D) for the Kolmogorov limit
/// distribution K (SciPy's `kstwobign`; SciPy's own asymptotic branch uses
/// the finite-n distribution `kstwo` at n = round(nm/(n+m)), which differs by
/// a few parts in a thousand at the sizes where it applies here).
public struct KolmogorovSmirnov: Sendable, Equatable {
  /// Largest sample size for the exact p-value (SciPy's `MAX_AUTO_N`).
  public static let exactLimit = 10_000

  /// sup |F₁ − F₂|, in [0, 1].
  public var statistic: Double
  /// Two-sided p-value, in [0, 1].
  public var pValue: Double
  /// Whether ``pValue`` is exact (else asymptotic).
  public var exact: Bool

  /// The test of two sorted samples; both must be non-empty.
  public init(sorted a: [Double], _ b: [Double]) {
    precondition(!a.isEmpty && !b.isEmpty, "a KS test needs values on both sides")
    let n = a.count, m = b.count
    let g = Self.gcd(n, m)
    let h = Self.latticeStatistic(a, b) / g  // D · lcm(n, m), an integer
    let lcm = (n / g) * m
    statistic = Double(h) / Double(lcm)
    if max(n, m) <= Self.exactLimit {
      if h == 0 {
        pValue = 1
        exact = true
        return
      }
      let p = Self.exactPValue(n, m, g: g, h: h)
      if p.isFinite, p >= 0, p <= 1 {
        pValue = p
        exact = true
        return
      }
    }
    let en = Double(n) * Double(m) / Double(n + m)
    pValue = min(1, max(0, Probability.kolmogorovSurvival(en.squareRoot() * statistic)))
    exact = false
  }

  /// The exact p-value of the lattice statistic `h` for sample sizes `n` and
  /// `m`. It depends on nothing else, and simulations and wide files ask for
  /// the same few values again and again, so the last ``exactCacheLimit``
  /// are kept (the cache starts over when full).
  static func exactPValue(_ n: Int, _ m: Int, g: Int, h: Int) -> Double {
    let key = ExactKey(n: n, m: m, h: h)
    if let p = exactCache.locked({ $0[key] }) { return p }
    let p = n == m ? probabilityOutsideSquare(n, h) : probabilityOutsideBand(n, m, g: g, h: h)
    exactCache.locked { cache in
      if cache.count >= exactCacheLimit { cache.removeAll(keepingCapacity: true) }
      cache[key] = p
    }
    return p
  }

  struct ExactKey: Hashable {
    var n: Int
    var m: Int
    var h: Int
  }

  static let exactCacheLimit = 4096
  private static let exactCache = Mutex<[ExactKey: Double]>([:])

  /// max |i·m − j·n| over the merged sorted samples (ties stepped together):
  /// n·m times the KS statistic, exactly.
  static func latticeStatistic(_ a: [Double], _ b: [Double]) -> Int {
    let n = a.count, m = b.count
    return a.withUnsafeBufferPointer { a in
      b.withUnsafeBufferPointer { b in
        var i = 0, j = 0, best = 0
        while i < n && j < m {
          let x = min(a[i], b[j])
          while i < n && a[i] <= x { i += 1 }
          while j < m && b[j] <= x { j += 1 }
          best = max(best, abs(i * m - j * n))
        }
        return best
      }
    }
  }

  static func gcd(_ a: Int, _ b: Int) -> Int {
    var (a, b) = (a, b)
    while b != 0 { (a, b) = (b, a % b) }
    return a
  }

  /// P(D ≥ h/n) for two samples of size n: 2·Σ (−1)^(k−1) C(2n, n−kh)/C(2n, n),
  /// evaluated with Horner's scheme to avoid cancellation.
  static func probabilityOutsideSquare(_ n: Int, _ h: Int) -> Double {
    var p = 0.0
    var k = n / h
    while k >= 0 {
      var p1 = 1.0
      for j in 0..<h { p1 = Double(n - k * h - j) * p1 / Double(n + k * h + j + 1) }
      p = p1 * (1 - p)
      k -= 1
    }
    return 2 * p
  }

  /// The share of lattice paths from (0, 0) to (m, n) that leave the band
  /// |x/m − y/n| < h/lcm(m, n): P(D ≥ h/lcm) (Viehmann's recursion for 1 − p).
  static func probabilityOutsideBand(_ m0: Int, _ n0: Int, g: Int, h: Int) -> Double {
    let (m, n) = m0 < n0 ? (n0, m0) : (m0, n0)
    let mg = m / g, ng = n / g
    var minj = 0
    var maxj = min((h + mg - 1) / mg, n + 1)
    var curlen = maxj - minj
    let lenA = min(2 * maxj + 2, n + 1)
    var column = [Double](repeating: 1, count: lenA)
    // One pass per x over a sliding window of y: the hot loop of the exact
    // p-value, on a raw buffer (array subscripts cost several times more in
    // debug builds, which the tests run).
    return column.withUnsafeMutableBufferPointer { buffer -> Double in
      // lenA ≥ 1 (n ≥ 1), so the buffer has an address; indices stay below lenA (as in SciPy's code).
      guard let a = buffer.baseAddress else { return .nan }
      for k in minj..<min(maxj, lenA) { a[k] = 0 }
      var i = 1
      while i <= m {
        let lastminj = minj, lastlen = curlen
        // ⌊(ng·i − h)/mg⌋ + 1 and ⌈(ng·i + h)/mg⌉, in integers.
        let low = ng * i - h
        minj = min(max((low >= 0 ? low / mg : -((-low + mg - 1) / mg)) + 1, 0), n)
        maxj = min((ng * i + h + mg - 1) / mg, n + 1)
        if maxj <= minj { return 1 }
        var value = minj == 0 ? 0.0 : 1.0
        let di = Double(i)
        let offset = minj - lastminj, width = maxj - minj
        var dj = Double(minj)
        var jj = 0
        while jj < width {
          value = (a[jj + offset] * di + value * dj) / (di + dj)
          a[jj] = value
          dj += 1
          jj += 1
        }
        curlen = width
        var k = curlen
        while k < min(lastlen, lenA) {
          a[k] = 1
          k += 1
        }
        i += 1
      }
      return a[maxj - minj - 1]
    }
  }
}
