import Foundation
import HPOCore
import Testing

@testable import HPODrift

/// Under the null (new rows from the training distribution, never the rows the
/// profile was built from) the share of resamples flagged anywhere stays at
/// most alpha + 2 points, for 1 to 100 features and 30 to 10,000 rows. The
/// decisions use min_effect 0, so that it is the tests and Holm's correction
/// that hold the rate, not the effect floor. Seeded: the same figures every run.
struct DriftCalibrationTests {
  static let resamples = 500

  /// Flags at alpha 0.05 and 0.01 of one report checked at alpha 0.05 with min_effect 0.
  static func flags(_ report: DriftReport) -> (Bool, Bool) {
    let p = report.features.flatMap(\.tests).filter { $0.method != .none }.map(\.correctedPValue).min() ?? 1
    return (p < 0.05, p < 0.01)
  }

  static func check(_ counts: (Int, Int), _ what: String) {
    let (at05, at01) = (Double(counts.0) / Double(resamples), Double(counts.1) / Double(resamples))
    #expect(at05 <= 0.07, "\(what): \(counts.0) of \(resamples) flagged at alpha 0.05")
    #expect(at01 <= 0.03, "\(what): \(counts.1) of \(resamples) flagged at alpha 0.01")
  }

  @Test(arguments: [(30, 1), (30, 10), (30, 100), (100, 1), (100, 10), (100, 100), (1000, 1), (1000, 10), (10_000, 1)])
  func syntheticColumns_falseAlarmRate(rows: Int, features: Int) {
    let profile = SyntheticColumns.profile(features: features, rows: 600, seed: 7)
    let settings = DriftSettings(alpha: 0.05, minEffect: 0)
    var draws = Draws(seed: UInt64(rows * 1000 + features), stream: 2)
    var counts = (0, 0)
    for _ in 0..<Self.resamples {
      let report = DriftCheck.compare(
        profile: profile, columns: SyntheticColumns.columns(features: features, rows: rows, &draws), settings: settings)
      let (a, b) = Self.flags(report)
      counts = (counts.0 + (a ? 1 : 0), counts.1 + (b ? 1 : 0))
    }
    Self.check(counts, "\(features) synthetic features, \(rows) rows")
  }

  /// The bundled digits data (1,797 rows, 64 pixel features of 17 values
  /// each, many ties and constant columns): the profile from one random half,
  /// new rows drawn without replacement from the other half.
  @Test(arguments: [(30, 64), (100, 10), (100, 64)])
  func disjointHalvesOfDigits_falseAlarmRate(rows: Int, features: Int) throws {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().appendingPathComponent("Experiments/data/digits.csv")
    let lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n")
    let header = lines[0].split(separator: ",").map(String.init)
    let table = lines.dropFirst().map { $0.split(separator: ",").compactMap { Double($0) } }
    #expect(table.allSatisfy { $0.count == header.count })
    var draws = Draws(seed: 42, stream: 3)
    var order = Array(table.indices)
    order.shuffle(using: &draws.rng)
    let half = order.count / 2
    let (profileRows, otherRows) = (Array(order[..<half]), Array(order[half...]))
    let columns = Array(0..<features)  // the pixel columns; the label is the last one
    let profile = DataProfile(
      training: dataset(columns.map { j in (header[j], profileRows.map { table[$0][j] }) }), categorical: [],
      missing: .reject, seed: 1)
    let settings = DriftSettings(alpha: 0.05, minEffect: 0)
    var counts = (0, 0)
    for _ in 0..<Self.resamples {
      var pool = otherRows
      for i in 0..<rows { pool.swapAt(i, i + Int(draws.rng.next() % UInt64(pool.count - i))) }
      let sample = pool[..<rows]
      let report = DriftCheck.compare(
        profile: profile, columns: columns.map { j in sample.map { table[$0][j] } }, settings: settings)
      let (a, b) = Self.flags(report)
      counts = (counts.0 + (a ? 1 : 0), counts.1 + (b ? 1 : 0))
    }
    Self.check(counts, "\(features) digits features, \(rows) rows")
  }
}
