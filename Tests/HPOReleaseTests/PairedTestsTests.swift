import Testing
@testable import HPORelease

@Suite struct PairedTestsTests {
  static func pairs(winnerOnly b: Int, championOnly c: Int, both: Int) -> ([Bool], [Bool]) {
    let w = [Bool](repeating: true, count: b) + [Bool](repeating: false, count: c) + [Bool](repeating: true, count: both)
    let ch = [Bool](repeating: false, count: b) + [Bool](repeating: true, count: c) + [Bool](repeating: true, count: both)
    return (w, ch)
  }

  @Test func mcNemar_smallDiscordantCountUsesTheExactBinomial() {
    let (w, c) = Self.pairs(winnerOnly: 10, championOnly: 2, both: 30)
    let m = PairedTests.mcNemar(winnerCorrect: w, championCorrect: c)
    #expect(m.exact && m.winnerOnly == 10 && m.championOnly == 2)
    // 2 · P(X ≤ 2), X ~ Binomial(12, ½) = 2 · (1 + 12 + 66) / 4096.
    #expect(abs(m.pValue - 158.0 / 4096) < 1e-12)
  }

  @Test func mcNemar_largeDiscordantCountUsesChiSquareWithContinuityCorrection() {
    let (w, c) = Self.pairs(winnerOnly: 30, championOnly: 10, both: 5)
    let m = PairedTests.mcNemar(winnerCorrect: w, championCorrect: c)
    #expect(!m.exact)
    // χ² = (|30 − 10| − 1)² / 40 = 9.025; p = erfc(√(χ²/2)) (Python: math.erfc(math.sqrt(9.025 / 2)) = 0.0026631193)
    #expect(abs(m.pValue - 0.0026631193) < 1e-9)
  }

  @Test func mcNemar_identicalModelsHavePValueOne() {
    let (w, c) = Self.pairs(winnerOnly: 0, championOnly: 0, both: 9)
    #expect(PairedTests.mcNemar(winnerCorrect: w, championCorrect: c).pValue == 1)
    let (w7, c7) = Self.pairs(winnerOnly: 7, championOnly: 0, both: 0)
    // 2 · (½)^7
    #expect(abs(PairedTests.mcNemar(winnerCorrect: w7, championCorrect: c7).pValue - 2.0 / 128) < 1e-12)
  }

  @Test func bootstrap_isSeededAndCoversTheMeanDifference() throws {
    // Paired differences: 0.1 on every row plus alternating ±0.05 noise.
    let diffs = (0..<200).map { 0.1 + ($0 % 2 == 0 ? 0.05 : -0.05) }
    let mean: ([Int]) -> Double? = { rows in rows.map { diffs[$0] }.reduce(0, +) / Double(rows.count) }
    let a = try #require(PairedTests.pairedBootstrap(rows: 200, seed: 3, statistic: mean))
    let b = try #require(PairedTests.pairedBootstrap(rows: 200, seed: 3, statistic: mean))
    let c = try #require(PairedTests.pairedBootstrap(rows: 200, seed: 4, statistic: mean))
    #expect(a == b)
    #expect(a != c)
    #expect(abs(a.estimate - 0.1) < 1e-12)
    #expect(a.low < 0.1 && a.high > 0.1 && a.low > 0.09 && a.high < 0.11)
    #expect(a.resamples == 1000)
  }

  @Test func bootstrap_skipsUndefinedResamples() throws {
    var calls = 0
    let interval = try #require(PairedTests.pairedBootstrap(rows: 10, resamples: 50, seed: 1) { rows in
      calls += 1
      return calls % 2 == 0 ? nil : Double(rows.count)
    })
    #expect(interval.resamples == 25)
  }
}
