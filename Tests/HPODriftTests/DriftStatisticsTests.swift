import Foundation
import HPOCore
import HPOTestSupport
import Testing

@testable import HPODrift

/// The drift statistics against cases worked out by hand (and, once, against scipy).
struct DriftStatisticsTests {
  @Test func binCounts_putEdgeValuesInTheLowerBinAndMissingLast() {
    let counts = DriftStatistics.binCounts([0.5, 1, 1.5, 2, 2.5, 3, 3.5, .nan], edges: [1, 2, 3])
    #expect(counts == [2, 2, 2, 1, 1])
  }

  @Test func levelCounts_countUnseenLevelsAndMissingValuesApart() {
    let counts = DriftStatistics.levelCounts([0, 1, 1, 5, -2, .nan, 2], levels: [0, 1, 2])
    #expect(counts == [1, 2, 1, 2, 1])
  }

  @Test func smoothedFractions_sumToOneWithNoneZero() {
    let f = DriftStatistics.smoothedFractions([3, 0, 1])
    // (3/4 + 1e-4) / (1 + 3e-4), (0 + 1e-4) / (1 + 3e-4), (1/4 + 1e-4) / (1 + 3e-4)
    #expect(abs(f[0] - 0.7501 / 1.0003) < 1e-15)
    #expect(abs(f[1] - 0.0001 / 1.0003) < 1e-15)
    #expect(abs(f[2] - 0.2501 / 1.0003) < 1e-15)
    #expect(abs(f.reduce(0, +) - 1) < 1e-12)
  }

  @Test func psi_ofAHandComputedShift() {
    // Training 50/50, new data 90/10. Unsmoothed PSI: 0.4·ln 1.8 + 0.4·ln 5 = 0.878890.
    let e = DriftStatistics.smoothedFractions([5, 5])
    let a = DriftStatistics.smoothedFractions([9, 1])
    let psi = DriftStatistics.psi(expected: e, actual: a)
    let a1 = 0.9001 / 1.0002, a2 = 0.1001 / 1.0002
    #expect(abs(psi - ((a1 - 0.5) * log(a1 / 0.5) + (a2 - 0.5) * log(a2 / 0.5))) < 1e-12)
    #expect(abs(psi - 0.878890) < 1e-3)
    #expect(DriftStatistics.psi(expected: e, actual: e) == 0)
  }

  @Test func ksStatistic_handComputedWithAndWithoutTies() {
    // F_a(2) = 0.5, F_b(2) = 0; F_a(4) = 1, F_b(4) = 0.5.
    #expect(DriftStatistics.ksStatistic([1, 2, 3, 4], [3, 4, 5, 6]) == 0.5)
    // At 1: 2/3 against 1/3; at 2: both 1.
    #expect(abs(DriftStatistics.ksStatistic([1, 1, 2], [1, 2, 2]) - 1.0 / 3) < 1e-15)
    #expect(DriftStatistics.ksStatistic([1, 2, 3], [1, 2, 3]) == 0)
    #expect(DriftStatistics.ksStatistic([1, 2], [5, 6, 7]) == 1)
    #expect(DriftStatistics.ksStatistic([], [1]) == 0)
  }

  @Test func kolmogorovSurvival_matchesScipyKstwobign() {
    // scipy.stats.kstwobign.sf(λ), scipy 1.17.1.
    let reference: [(Double, Double)] = [
      (0.3, 0.9999906941986655), (0.5, 0.9639452436648751), (1.0, 0.26999967167735456),
      (1.18, 0.1234538094297657), (1.36, 0.049485876755377876), (2.0, 0.0006709252557796953),
    ]
    for (lambda, p) in reference {
      #expect(abs(DriftStatistics.kolmogorovSurvival(lambda) - p) < 1e-12, "λ = \(lambda)")
    }
    #expect(DriftStatistics.kolmogorovSurvival(0) == 1)
    #expect(DriftStatistics.ksPValue(0.5, n: 4, m: 4) == DriftStatistics.kolmogorovSurvival(2.0.squareRoot() * 0.5))
  }

  /// The KS statistic and asymptotic p-value of seeded samples, against
  /// scipy's `ks_2samp` (statistic) and `kstwobign.sf` (p-value) run in
  /// python3. Needs scipy (in the venv of `Cluster/bootstrap --test`).
  @Test func ksStatisticAndPValue_agreeWithScipy() throws {
    var rng = SeededGenerator(seed: 11)
    func normal(_ shift: Double) -> Double {
      let u1 = Double(rng.next() >> 11) * 0x1p-53 + 0x1p-54, u2 = Double(rng.next() >> 11) * 0x1p-53
      return shift + (-2 * log(u1)).squareRoot() * cos(2 * .pi * u2)
    }
    // Rounded values so that ties occur too.
    let a = (0..<700).map { _ in (normal(0) * 10).rounded() / 10 }.sorted()
    let b = (0..<450).map { _ in (normal(0.15) * 10).rounded() / 10 }.sorted()
    let d = DriftStatistics.ksStatistic(a, b)
    let p = DriftStatistics.ksPValue(d, n: a.count, m: b.count)
    let script = """
      import json, math, sys
      from scipy.stats import ks_2samp, kstwobign
      a, b = json.load(sys.stdin)
      d = ks_2samp(a, b).statistic
      en = len(a) * len(b) / (len(a) + len(b))
      print(json.dumps([float(d), float(kstwobign.sf(math.sqrt(en) * d))]))
      """
    let json = "[[" + a.map { "\($0)" }.joined(separator: ",") + "],[" + b.map { "\($0)" }.joined(separator: ",") + "]]"
    let output = try runPython(script, input: json)
    let values = try JSONDecoder().decode([Double].self, from: Data(output.utf8))
    #expect(abs(d - values[0]) < 1e-12)
    #expect(abs(p - values[1]) < 1e-9)
    #expect(d > 0.03)
  }
}
