import Foundation
import HPOCore
import HPOData
import HPOModels

/// Stress tests of a model on inputs the data rarely shows: each feature at its
/// training minimum and maximum and at mean ± 10 standard deviations (the others
/// at their means), missing values (imputed as the model was trained), and the
/// same rows in another order.
extension PreparedSplits {
  func stress(_ model: ModelCheckpoint, seed: UInt64) -> [GateResult] {
    [extremes(model), missing(model), rowOrder(model, seed: seed)]
  }

  /// Rows of the training means with feature `j` set to each of `values`.
  private func probes(_ values: (FeatureStatistics) -> [Double]) -> (rows: [[Double]], labels: [String]) {
    let means = statistics.map { $0.mean.isFinite ? $0.mean : 0 }
    var rows: [[Double]] = []
    var labels: [String] = []
    for (j, s) in statistics.enumerated() {
      for v in values(s) {
        var row = means
        row[j] = v
        rows.append(row)
        labels.append("\(s.name) = \(formatted(v))")
      }
    }
    return (rows, labels)
  }

  private func predict(_ model: ModelCheckpoint, _ rows: [[Double]]) throws -> Prediction {
    try model.predict(features: rows.flatMap { $0.map { D($0) } }, rows: rows.count)
  }

  /// The first problem of each probe row's prediction, or `nil`.
  private func problem(_ p: Prediction, row i: Int, targetRange: ClosedRange<Double>?) -> String? {
    switch p.task {
    case .classification:
      let k = p.outputs.columns
      let probabilities = Array(p.outputs.elements[(i * k)..<(i * k + k)])
      if probabilities.contains(where: { !$0.isFinite || $0 < 0 || $0 > 1 }) { return "probabilities \(probabilities.map(formatted)) are not all in [0, 1]" }
      let total = probabilities.reduce(0, +)
      if abs(total - 1) > 1e-6 { return "probabilities sum to \(total)" }
      if !(0..<k).contains(p.classes[i]) { return "class \(p.classes[i]) is not one of 0..<\(k)" }
    case .regression:
      let v = p.values[i]
      if !v.isFinite { return "prediction \(v) is not finite" }
      if let r = targetRange, !r.contains(v) {
        return "prediction \(formatted(v)) is outside [\(formatted(r.lowerBound)), \(formatted(r.upperBound))] (the training targets' range widened by its span on each side)"
      }
    }
    return nil
  }

  private func extremes(_ model: ModelCheckpoint) -> GateResult {
    let name = "stress.extremes", threshold = "finite, in range"
    let span = (train.labels.max() ?? 0) - (train.labels.min() ?? 0)
    let range = ((train.labels.min() ?? 0) - span)...((train.labels.max() ?? 0) + span)
    let edges = probes { [$0.min, $0.max] }
    let far = probes { [$0.mean - 10 * $0.std, $0.mean + 10 * $0.std] }
    do {
      let pe = try predict(model, edges.rows), pf = try predict(model, far.rows)
      for i in edges.rows.indices { if let why = problem(pe, row: i, targetRange: range) {
        return GateResult(name: name, kind: .stress, passed: false, threshold: threshold, detail: "at \(edges.labels[i]): \(why)")
      } }
      for i in far.rows.indices { if let why = problem(pf, row: i, targetRange: nil) {
        return GateResult(name: name, kind: .stress, passed: false, threshold: threshold, detail: "at \(far.labels[i]): \(why)")
      } }
    } catch {
      return GateResult(name: name, kind: .stress, passed: false, threshold: threshold, detail: "prediction failed: \(error)")
    }
    return GateResult(
      name: name, kind: .stress, passed: true, threshold: threshold,
      detail: "\(edges.rows.count + far.rows.count) probe rows (each feature at its training min, max and mean ± 10 std) predict finite\(model.task == .classification ? " probabilities" : " values")")
  }

  private func missing(_ model: ModelCheckpoint) -> GateResult {
    let name = "stress.missing", threshold = "finite when imputed"
    guard let imputation = preprocessing.imputation else {
      return GateResult(
        name: name, kind: .stress, passed: true, threshold: threshold,
        detail: manifest.missing == .mean || manifest.missing == .median
          ? "not applicable: data.missing is \"\(manifest.missing.rawValue)\" but the training split had no missing values, so the model holds no imputation values; rows with missing values must be refused at input"
          : "not applicable: trained with data.missing \"\(manifest.missing.rawValue)\"; rows with missing values must be refused at input")
    }
    var rows = probes { _ in [.nan] }.rows
    rows.append([Double](repeating: .nan, count: statistics.count))
    do {
      let p = try predict(model, rows)
      for i in rows.indices { if let why = problem(p, row: i, targetRange: nil) {
        let which = i < statistics.count ? statistics[i].name : "every feature"
        return GateResult(name: name, kind: .stress, passed: false, threshold: threshold, detail: "with \(which) missing: \(why)")
      } }
    } catch {
      return GateResult(name: name, kind: .stress, passed: false, threshold: threshold, detail: "prediction failed: \(error)")
    }
    return GateResult(
      name: name, kind: .stress, passed: true, threshold: threshold,
      detail: "each feature missing, and all of them, predict finite values (imputed with the training \(imputation.strategy.rawValue))")
  }

  private func rowOrder(_ model: ModelCheckpoint, seed: UInt64) -> GateResult {
    let name = "stress.row_order", threshold = model.precision == .float64 ? "≤ 1e-9" : "≤ 1e-4"
    let tolerance = model.precision == .float64 ? 1e-9 : 1e-4
    var generator = SeededGenerator(seed: seed, stream: 0x0DE2)
    let order = Array(0..<test.rowCount).shuffled(using: &generator)
    do {
      let a = try model.predict(test), b = try model.predict(test.rows(order))
      let k = a.outputs.columns
      var worst = 0.0
      for (position, row) in order.enumerated() {
        for c in 0..<k {
          let x = a.outputs.elements[row * k + c], y = b.outputs.elements[position * k + c]
          worst = max(worst, abs(x - y) / max(1, abs(x)))
        }
      }
      let passed = worst <= tolerance
      return GateResult(
        name: name, kind: .stress, passed: passed, value: worst, threshold: threshold,
        detail: "the \(test.rowCount) test rows shuffled: largest relative change of an output \(String(format: "%.3g", worst))")
    } catch {
      return GateResult(name: name, kind: .stress, passed: false, threshold: threshold, detail: "prediction failed: \(error)")
    }
  }
}
