import HPOCore

/// The Sobol sequence in up to 128 dimensions with Owen scrambling, as a pure
/// function of (index, dimension).
///
/// Points are in natural (not Gray-code) order, so the first 2^k points are a
/// (t, k, s)-net: in every one-dimensional projection each interval
/// [j/2^k, (j+1)/2^k) holds exactly one of them. The scramble is Burley's
/// hash-based nested uniform (Owen) scramble ("Practical hash-based Owen
/// scrambling", JCGT 2020) seeded per dimension, which keeps that property
/// while removing the sequence's correlations and its point at the origin.
public struct SobolSequence: Sendable {
  /// The largest number of dimensions.
  public static let maximumDimensions = SobolDirectionNumbers.rows.count + 1

  public let dimensions: Int
  private let directions: [UInt32]  // dimensions × 32
  private let seeds: [UInt32]

  /// The first `dimensions` dimensions, scrambled by `seed`.
  /// - Precondition: `1 ≤ dimensions ≤ maximumDimensions`.
  public init(dimensions: Int, seed: UInt64) {
    precondition(dimensions >= 1 && dimensions <= Self.maximumDimensions)
    self.dimensions = dimensions
    var v = [UInt32](repeating: 0, count: dimensions * 32)
    for j in 0..<32 { v[j] = 1 << (31 - UInt32(j)) }
    for d in 1..<dimensions {
      let row = SobolDirectionNumbers.rows[d - 1]
      let s = Int(row[0])
      let a = row[1]
      for j in 0..<32 {
        if j < s {
          v[d * 32 + j] = row[2 + j] << (31 - UInt32(j))
        } else {
          var x = v[d * 32 + j - s] ^ (v[d * 32 + j - s] >> UInt32(s))
          for k in 1..<s where (a >> UInt32(s - 1 - k)) & 1 == 1 {
            x ^= v[d * 32 + j - k]
          }
          v[d * 32 + j] = x
        }
      }
    }
    directions = v
    var sm = SplitMix64(state: seed ^ 0x5EED_50B0_1000_0000)
    seeds = (0..<dimensions).map { _ in UInt32(truncatingIfNeeded: sm.next() >> 32) }
  }

  /// The unscrambled 32-bit coordinate of point `index` in dimension `d`.
  public func rawCoordinate(_ index: UInt32, _ d: Int) -> UInt32 {
    var x: UInt32 = 0
    var i = index
    var j = 0
    while i != 0 {
      if i & 1 == 1 { x ^= directions[d * 32 + j] }
      i >>= 1
      j += 1
    }
    return x
  }

  /// Coordinate `d` of point `index`, scrambled, in [0, 1).
  public func coordinate(_ index: UInt32, _ d: Int) -> Double {
    let x = Self.scramble(rawCoordinate(index, d), seed: seeds[d])
    return (Double(x) + 0.5) * 0x1.0p-32
  }

  /// Point `index` in every dimension.
  public func point(_ index: UInt32) -> [Double] {
    (0..<dimensions).map { coordinate(index, $0) }
  }

  /// Nested uniform scramble of the bits of `x`: each bit is flipped by a hash
  /// of the bits above it.
  static func scramble(_ x: UInt32, seed: UInt32) -> UInt32 {
    var v = x.bitReversed
    v ^= v &* 0x3D20_ADEA
    v &+= seed
    v &*= (seed >> 16) | 1
    v ^= v &* 0x0552_6C56
    v ^= v &* 0x53A2_2864
    return v.bitReversed
  }
}

extension UInt32 {
  fileprivate var bitReversed: UInt32 {
    var x = self
    x = ((x >> 1) & 0x5555_5555) | ((x & 0x5555_5555) << 1)
    x = ((x >> 2) & 0x3333_3333) | ((x & 0x3333_3333) << 2)
    x = ((x >> 4) & 0x0F0F_0F0F) | ((x & 0x0F0F_0F0F) << 4)
    x = ((x >> 8) & 0x00FF_00FF) | ((x & 0x00FF_00FF) << 8)
    return (x >> 16) | (x << 16)
  }
}
