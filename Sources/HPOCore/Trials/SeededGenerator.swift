/// A fast, seedable random number generator (xoshiro256**, seeded through
/// SplitMix64), the only source of randomness in hpo. The same seed gives the
/// same sequence on every platform and run.
public struct SeededGenerator: RandomNumberGenerator, Sendable, Equatable {
  private var s0: UInt64, s1: UInt64, s2: UInt64, s3: UInt64

  /// A generator whose sequence is determined by `seed`.
  public init(seed: UInt64) {
    var sm = SplitMix64(state: seed)
    s0 = sm.next()
    s1 = sm.next()
    s2 = sm.next()
    s3 = sm.next()
  }

  /// A generator for a derived stream: `seed` mixed with `stream` (a trial
  /// number, a purpose tag), so that streams are independent but reproducible.
  public init(seed: UInt64, stream: UInt64) {
    var sm = SplitMix64(state: seed ^ (stream &* 0x9E37_79B9_7F4A_7C15))
    self.init(seed: sm.next())
  }

  public mutating func next() -> UInt64 {
    let result = rotl(s1 &* 5, 7) &* 9
    let t = s1 << 17
    s2 ^= s0
    s3 ^= s1
    s1 ^= s2
    s0 ^= s3
    s2 ^= t
    s3 = rotl(s3, 45)
    return result
  }

  /// A double uniform in [0, 1) with 53 random bits.
  public mutating func nextUnit() -> Double { Double(next() >> 11) * 0x1.0p-53 }

  private func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }
}

/// SplitMix64: used to expand one 64-bit seed into generator state.
public struct SplitMix64: RandomNumberGenerator, Sendable {
  public var state: UInt64

  public init(state: UInt64) { self.state = state }

  public mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}
