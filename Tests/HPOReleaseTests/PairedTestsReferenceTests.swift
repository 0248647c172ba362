import Foundation
import Testing

@testable import HPORelease

/// McNemar's test of the champion gate against statsmodels'
/// `mcnemar(exact=b + c < 25, correction=True)`, from the reference file the
/// drift tests share (`Tests/HPODriftTests/Fixtures/statistics-reference.json`,
/// written by `statistics_reference.py` beside it).
struct PairedTestsReferenceTests {
  struct Case: Decodable {
    var b: Int
    var c: Int
    var exact: Bool
    var p_value: Double
  }

  struct Reference: Decodable {
    var mcnemar: [Case]
  }

  @Test func mcNemar_matchesStatsmodels() throws {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .appendingPathComponent("HPODriftTests/Fixtures/statistics-reference.json")
    let cases = try JSONDecoder().decode(Reference.self, from: Data(contentsOf: url)).mcnemar
    #expect(cases.contains { $0.exact } && cases.contains { !$0.exact })
    for c in cases {
      // 50 rows both right, 50 both wrong, b only the winner right, c only the champion.
      let winner = [Bool](repeating: true, count: 50) + [Bool](repeating: false, count: 50)
        + [Bool](repeating: true, count: c.b) + [Bool](repeating: false, count: c.c)
      let champion = [Bool](repeating: true, count: 50) + [Bool](repeating: false, count: 50)
        + [Bool](repeating: false, count: c.b) + [Bool](repeating: true, count: c.c)
      let test = PairedTests.mcNemar(winnerCorrect: winner, championCorrect: champion)
      #expect(test.exact == c.exact && test.winnerOnly == c.b && test.championOnly == c.c)
      #expect(abs(test.pValue - c.p_value) <= max(1e-9, 1e-9 * c.p_value), "b = \(c.b), c = \(c.c): \(test.pValue) vs \(c.p_value)")
    }
  }
}
