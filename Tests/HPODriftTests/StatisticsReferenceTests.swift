import Foundation
import HPOCore
import HPOTestSupport
import Testing

@testable import HPODrift

/// The reference values of `Fixtures/statistics-reference.json`, written by
/// `Fixtures/statistics_reference.py` from SciPy and statsmodels.
struct StatisticsReference: Decodable {
  struct KS: Decodable {
    var a: [Double]
    var b: [Double]
    var statistic: Double
    var p_value: Double
    var exact: Bool
  }
  struct Point: Decodable {
    var x: Double?
    var p: Double?
    var z: Double?
    var df: Int?
    var sf: Double?
  }
  struct Table: Decodable {
    var reference: [Int]
    var new: [Int]
    var statistic: Double
    var df: Int
    var p_value: Double
  }
  struct Fisher: Decodable {
    var table: [[Int]]
    var p_value: Double
  }
  struct Proportions: Decodable {
    var x1: Int
    var n1: Int
    var x2: Int
    var n2: Int
    var statistic: Double
    var p_value: Double
  }
  struct Holm: Decodable {
    var p: [Double]
    var corrected: [Double]
  }
  var ks: [KS]
  var kolmogorov_sf: [Point]
  var kolmogorov_isf: [Point]
  var chi_square_sf: [Point]
  var chi_square: [Table]
  var fisher: [Fisher]
  var proportions: [Proportions]
  var holm: [Holm]
  var normal_sf: [Point]

  static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

  static func load() throws -> StatisticsReference {
    let data = try Data(contentsOf: directory.appendingPathComponent("statistics-reference.json"))
    return try JSONDecoder().decode(StatisticsReference.self, from: data)
  }
}

/// Every drift statistic against SciPy and statsmodels to 1e-9 (absolute, and
/// relative for p-values under 1e-3).
struct StatisticsReferenceTests {
  func close(_ x: Double, _ y: Double, _ what: String) {
    let tolerance = max(1e-9, 1e-9 * abs(y))
    #expect(abs(x - y) <= tolerance, "\(what): \(x) vs reference \(y)")
  }

  @Test func ks_exactAndAsymptotic_matchScipy() throws {
    let reference = try StatisticsReference.load()
    #expect(reference.ks.contains { $0.exact } && reference.ks.contains { !$0.exact })
    for c in reference.ks {
      let test = KolmogorovSmirnov(sorted: c.a, c.b)
      let name = "KS \(c.a.count)×\(c.b.count)"
      #expect(test.exact == c.exact, "\(name): exact")
      close(test.statistic, c.statistic, "\(name) statistic")
      close(test.pValue, c.p_value, "\(name) p-value")
    }
  }

  @Test func kolmogorovDistribution_matchesScipyKstwobign() throws {
    let reference = try StatisticsReference.load()
    for point in reference.kolmogorov_sf {
      close(Probability.kolmogorovSurvival(point.x ?? 0), point.sf ?? -1, "kstwobign.sf(\(point.x ?? 0))")
    }
    for point in reference.kolmogorov_isf {
      let x = Probability.kolmogorovInverseSurvival(point.p ?? 0)
      #expect(abs(x - (point.x ?? 0)) < 1e-9, "kstwobign.isf(\(point.p ?? 0)): \(x)")
    }
  }

  @Test func chiSquare_survivalAndContingencyTables_matchScipy() throws {
    let reference = try StatisticsReference.load()
    for point in reference.chi_square_sf {
      close(Probability.chiSquareSurvival(point.x ?? 0, df: point.df ?? 1), point.sf ?? -1, "chi2.sf(\(point.x ?? 0), \(point.df ?? 0))")
    }
    for c in reference.chi_square {
      let test = CategoryTest.homogeneity(reference: c.reference, new: c.new)
      #expect(test.method == .chiSquare && test.merged == 0 && test.degreesOfFreedom == c.df)
      close(test.statistic ?? -1, c.statistic, "chi-square statistic of \(c.reference) vs \(c.new)")
      close(test.pValue, c.p_value, "chi-square p of \(c.reference) vs \(c.new)")
    }
  }

  @Test func fisherExact_matchesScipy() throws {
    for c in try StatisticsReference.load().fisher {
      let t = c.table
      close(CategoryTest.fisherExact(t[0][0], t[0][1], t[1][0], t[1][1]), c.p_value, "fisher_exact(\(t))")
    }
  }

  @Test func twoProportionTest_matchesStatsmodels() throws {
    for c in try StatisticsReference.load().proportions {
      let test = CategoryTest.proportions(c.x1, of: c.n1, against: c.x2, of: c.n2)
      #expect(test.method == .twoProportion)
      close(test.statistic ?? 0, c.statistic, "z of \(c.x1)/\(c.n1) vs \(c.x2)/\(c.n2)")
      close(test.pValue, c.p_value, "p of \(c.x1)/\(c.n1) vs \(c.x2)/\(c.n2)")
    }
  }

  @Test func holm_matchesStatsmodels() throws {
    for c in try StatisticsReference.load().holm {
      for (x, y) in zip(MultipleTesting.holm(c.p), c.corrected) { close(x, y, "holm(\(c.p))") }
    }
  }

  @Test func normalSurvival_matchesScipy() throws {
    for point in try StatisticsReference.load().normal_sf {
      close(Probability.normalSurvival(point.z ?? 0), point.sf ?? -1, "norm.sf(\(point.z ?? 0))")
    }
  }

  /// The committed fixture is what the committed script computes now with
  /// the venv's SciPy and statsmodels (so neither can go stale unnoticed).
  @Test func fixture_isWhatTheScriptComputes() throws {
    let script = StatisticsReference.directory.appendingPathComponent("statistics_reference.py").path
    let output = try runPython(
      "import runpy, sys; sys.argv = ['statistics_reference.py', '--check']; runpy.run_path('\(script)', run_name='__main__')",
      input: "")
    #expect(output.contains("matches SciPy"))
  }
}
