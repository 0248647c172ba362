import Foundation
import HPOCore

@testable import HPODrift

/// Seeded draws for the calibration and power simulations.
struct Draws {
  var rng: SeededGenerator

  init(seed: UInt64, stream: UInt64 = 0) { rng = SeededGenerator(seed: seed, stream: stream) }

  /// Uniform in (0, 1).
  mutating func uniform() -> Double { (Double(rng.next() >> 11) + 0.5) * 0x1p-53 }

  /// Standard normal (Box–Muller, one of the pair).
  mutating func normal() -> Double {
    let u1 = uniform(), u2 = uniform()
    return (-2 * log(u1)).squareRoot() * cos(2 * .pi * u2)
  }

  /// An index drawn with the given probabilities (summing to 1).
  mutating func category(_ probabilities: [Double]) -> Double {
    var u = uniform()
    for (k, p) in probabilities.enumerated() {
      if u < p { return Double(k) }
      u -= p
    }
    return Double(probabilities.count - 1)
  }
}

/// Synthetic columns of known distributions: feature j is, by j mod 4, a
/// standard normal; an exponential; a category of 5 levels (40/30/15/10/5 %);
/// a normal rounded to one decimal (ties) with 5 % missing cells.
enum SyntheticColumns {
  static let levels = [0.4, 0.3, 0.15, 0.1, 0.05]

  static func isCategorical(_ j: Int) -> Bool { j % 4 == 2 }

  static func value(_ j: Int, _ draws: inout Draws) -> Double {
    switch j % 4 {
    case 0: return draws.normal()
    case 1: return -log(draws.uniform())
    case 2: return draws.category(levels)
    default:
      if draws.uniform() < 0.05 { return .nan }
      return (draws.normal() * 10).rounded() / 10
    }
  }

  static func columns(features: Int, rows: Int, _ draws: inout Draws) -> [[Double]] {
    (0..<features).map { j in (0..<rows).map { _ in value(j, &draws) } }
  }

  /// The profile of `rows` training rows (missing cells imputed by the model).
  static func profile(features: Int, rows: Int, seed: UInt64) -> DataProfile {
    var draws = Draws(seed: seed, stream: 1)
    let columns = Self.columns(features: features, rows: rows, &draws)
    let names = (0..<features).map { "f\($0)" }
    return DataProfile(
      training: dataset(Array(zip(names, columns))), categorical: names.indices.filter(isCategorical).map { names[$0] },
      missing: .median, seed: seed)
  }
}
