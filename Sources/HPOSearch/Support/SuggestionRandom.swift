import HPOCore

/// The random stream of one suggestion.
///
/// Every sampler draws one 64-bit word from the caller's generator and mixes it
/// with the size of the history into a ``SeededGenerator``, so that a caller who
/// hands the same generator state twice with a grown history (eight pending
/// trials suggested in a row) still gets different draws, and every answer stays
/// a pure function of (generator state, history).
enum SuggestionRandom {
  static func generator(from rng: inout some RandomNumberGenerator, historyCount: Int) -> SeededGenerator {
    SeededGenerator(seed: rng.next(), stream: UInt64(truncatingIfNeeded: historyCount))
  }
}

extension SeededGenerator {
  /// Uniform in [0, n) without modulo bias (Lemire's multiply-and-reject), with
  /// a fixed algorithm so that sequences never change with the standard library.
  @inline(__always)
  mutating func index(below n: Int) -> Int {
    precondition(n > 0)
    let bound = UInt64(n)
    var product = next().multipliedFullWidth(by: bound)
    if product.low < bound {
      let threshold = (0 &- bound) % bound
      while product.low < threshold {
        product = next().multipliedFullWidth(by: bound)
      }
    }
    return Int(product.high)
  }

  /// A standard normal deviate (Box–Muller, one of the pair).
  @inline(__always)
  mutating func normal() -> Double {
    // 1 - u lies in (0, 1], so the logarithm is finite.
    let u1 = 1 - nextUnit()
    let u2 = nextUnit()
    return (-2 * Math.log(u1)).squareRoot() * Math.cos(2 * Double.pi * u2)
  }
}
