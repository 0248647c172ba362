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

  /// The one-walk count over sorted values (what `hpo drift` uses) is the
  /// binary-search count, ties on the edges included.
  @Test func binCountsOfSortedValues_matchTheUnsortedCount() {
    #expect(DriftStatistics.binCounts(sorted: [0.5, 1, 1.5, 2, 2.5, 3, 3.5], missing: 1, edges: [1, 2, 3]) == [2, 2, 2, 1, 1])
    #expect(DriftStatistics.binCounts(sorted: [], missing: 0, edges: [1]) == [0, 0, 0])
    #expect(DriftStatistics.binCounts(sorted: [4, 5], missing: 2, edges: []) == [2, 2])
    var rng = SeededGenerator(seed: 9)
    for _ in 0..<200 {
      let edges = (0..<Int(rng.next() % 6)).map { _ in Double(rng.next() % 10) }.sorted()
      let values = (0..<Int(rng.next() % 40)).map { _ in rng.next() % 8 == 0 ? Double.nan : Double(rng.next() % 12) - 1 }
      let present = values.filter { !$0.isNaN }.sorted()
      #expect(
        DriftStatistics.binCounts(sorted: present, missing: values.count - present.count, edges: edges)
          == DriftStatistics.binCounts(values, edges: edges), "\(values) at \(edges)")
    }
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

  @Test func ksTest_handComputedWithAndWithoutTies() {
    // F_a(2) = 0.5, F_b(2) = 0; F_a(4) = 1, F_b(4) = 0.5.
    #expect(KolmogorovSmirnov(sorted: [1, 2, 3, 4], [3, 4, 5, 6]).statistic == 0.5)
    // At 1: 2/3 against 1/3; at 2: both 1.
    #expect(abs(KolmogorovSmirnov(sorted: [1, 1, 2], [1, 2, 2]).statistic - 1.0 / 3) < 1e-15)
    let same = KolmogorovSmirnov(sorted: [1, 2, 3], [1, 2, 3])
    #expect(same.statistic == 0 && same.pValue == 1 && same.exact)
    // Disjoint samples of 2 and 3: D = 1; 2 of the C(5, 2) = 10 orderings are that extreme.
    let apart = KolmogorovSmirnov(sorted: [1, 2], [5, 6, 7])
    #expect(apart.statistic == 1 && abs(apart.pValue - 0.2) < 1e-12)
  }

  @Test func ksTest_isExactUpTo10000ValuesASide_andAsymptoticAbove() {
    let a = (0..<50).map(Double.init), b = (0..<10_000).map { Double($0) / 200 }
    #expect(KolmogorovSmirnov(sorted: a, b).exact)
    #expect(!KolmogorovSmirnov(sorted: a, b + [60]).exact)
  }
}

/// The radix sort of large columns against the standard library's sort.
struct RadixSortTests {
  @Test func sortsLikeTheStandardLibrary_negativesZerosAndTies() {
    var rng = SeededGenerator(seed: 3)
    var values = (0..<20_000).map { _ in (Double(rng.next() % 2001) - 1000) / 7 }
    values += [0, -0.0, .infinity, -.infinity, 1e300, -1e-300, .leastNonzeroMagnitude]
    let sorted = RadixSort.sorted(values)
    #expect(sorted.count == values.count)
    #expect(zip(sorted, sorted.dropFirst()).allSatisfy { $0 <= $1 })
    #expect(sorted == values.sorted() || zip(sorted, values.sorted()).allSatisfy { $0 == $1 })
    #expect(RadixSort.sorted([3, 1, 2]) == [1, 2, 3])
  }
}
