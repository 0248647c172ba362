import Foundation
import HPOCore
import HPOData
import HPOLinearAlgebra
import HPOModels

/// The winner against the model in production, on the same test rows.
public struct ChampionComparison: Sendable {
  /// The registry entry (`REGISTRY/NAME`).
  public var entry: String
  /// The version `current` pointed at.
  public var version: String
  public var metric: Metric
  public var champion: Double
  public var winner: Double
  /// McNemar's test of paired correctness (when the metric is accuracy).
  public var mcNemar: PairedTests.McNemar?
  /// Paired bootstrap 95% interval of winner − champion (other metrics).
  public var bootstrap: PairedTests.Interval?
  /// Why there is no paired test, when none can be made (a command's
  /// `evaluate` reports metrics, not per-row predictions).
  public var unpaired: String? = nil

  /// The paired test in one sentence.
  public var testSummary: String {
    if let unpaired { return "no paired test: \(unpaired)" }
    if let m = mcNemar {
      return "McNemar \(m.exact ? "exact" : "χ²") p = \(String(format: "%.4g", m.pValue)) (winner alone right on \(m.winnerOnly) rows, champion alone on \(m.championOnly))"
    }
    if let b = bootstrap {
      return "paired bootstrap 95% interval of winner − champion [\(formatted(b.low)), \(formatted(b.high))] over \(b.resamples) resamples"
    }
    return "no paired test (the metric is undefined on the resamples)"
  }

  var json: JSONValue {
    var members: [(String, JSONValue)] = [
      ("entry", .string(entry)), ("version", .string(version)), ("metric", .string(metric.rawValue)),
      ("champion", .number(champion)), ("winner", .number(winner)), ("difference", .number(winner - champion)),
    ]
    if let m = mcNemar {
      members.append(("mcnemar", .object([
        ("winner_only", .int(m.winnerOnly)), ("champion_only", .int(m.championOnly)), ("p_value", .number(m.pValue)),
        ("exact", JSONValue(.bool(m.exact))),
      ])))
    }
    if let b = bootstrap {
      members.append(("bootstrap", .object([
        ("estimate", .number(b.estimate)), ("low", .number(b.low)), ("high", .number(b.high)), ("resamples", .int(b.resamples)),
      ])))
    }
    return .object(members)
  }
}

extension PreparedSplits {
  /// Loads the champion `entry/current/model.hpoc`, scores it on the test split
  /// and compares it with the winner on the objective metric. `nil` when the
  /// entry has no `current` link (nothing in production yet).
  /// - Throws: ``ReleaseError`` when the entry is damaged (a dangling or
  ///   malformed `current`) or the champion cannot be read: never compared
  ///   against nothing.
  func compare(winner: ModelCheckpoint, championEntry entry: String, spec: ExperimentSpec) throws -> ChampionComparison? {
    let (registry, name) = Registry.entry(entry)
    guard let number = try registry.current(name) else { return nil }
    let version = "versions/\(number)"
    let file = URL(fileURLWithPath: entry).appendingPathComponent("current/model.hpoc").path
    guard let bytes = FileManager.default.contents(atPath: file) else { throw ReleaseError("cannot read the champion \(file)") }
    let champion: ModelCheckpoint
    do { champion = try ModelCheckpoint(decoding: Array(bytes)) } catch {
      throw ReleaseError("the champion \(file) is not a model checkpoint: \(error.message)")
    }
    guard champion.inputFeatureCount == test.featureCount, champion.task == test.task else {
      throw ReleaseError("the champion \(file) reads \(champion.inputFeatureCount) \(champion.task.rawValue) features; the test split has \(test.featureCount) \(test.task.rawValue) features")
    }
    let metric = spec.releaseObjective.metric
    let w: Prediction, c: Prediction
    do {
      w = try winner.predict(test)
      c = try champion.predict(test)
    } catch {
      throw ReleaseError("predicting the test split failed: \(error.message)")
    }
    let labels = test.labels
    func score(_ p: Prediction, _ rows: [Int]) -> Double? {
      let y = rows.map { labels[$0] }
      switch p.task {
      case .classification:
        let k = p.outputs.columns
        let elements = rows.flatMap { r in p.outputs.elements[(r * k)..<(r * k + k)] }
        // Matrix(rows:columns:elements:) fails only on a count mismatch, impossible here (rows × k elements);
        // nil would make the metric undefined, which the caller reports.
        guard let m = try? Matrix(rows: rows.count, columns: k, elements: elements) else { return nil }
        return Metrics.classification(probabilities: m, labels: y.map { Int($0) })[metric]
      case .regression:
        return Metrics.regression(predictions: rows.map { p.values[$0] }, targets: y)[metric]
      }
    }
    let all = Array(0..<labels.count)
    guard let winnerValue = score(w, all), let championValue = score(c, all) else {
      throw ReleaseError("\(metric.rawValue) is undefined on the test split; the champion cannot be compared")
    }
    var comparison = ChampionComparison(
      entry: entry, version: version, metric: metric, champion: championValue, winner: winnerValue)
    if metric == .accuracy {
      comparison.mcNemar = PairedTests.mcNemar(
        winnerCorrect: zip(w.classes, labels).map { $0 == Int($1) }, championCorrect: zip(c.classes, labels).map { $0 == Int($1) })
    } else {
      comparison.bootstrap = PairedTests.pairedBootstrap(rows: labels.count, seed: spec.search.seed) { rows in
        guard let a = score(w, rows), let b = score(c, rows) else { return nil }
        return a - b
      }
    }
    return comparison
  }
}
