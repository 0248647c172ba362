import Foundation
import HPOCore
import HPOData
import HPOModels

/// Stress tests of a model on inputs the data rarely shows: real training rows
/// with one feature moved to its training minimum and maximum, and to its mean
/// ± 10 standard deviations; missing values (imputed as the model was
/// trained); and the same rows in another order.
///
/// Predictions must be finite (and class probabilities a distribution): a
/// hard gate. A regression range is a bound the user states
/// (`validation.output_range`); probes at the training extremes that leave it
/// are reported as a warning naming the input, not a failure.
extension PreparedSplits {
  /// Training rows the extreme probes start from.
  static var probeRowLimit: Int { 10 }

  func stress(_ model: ModelCheckpoint, seed: UInt64, outputRange: OutputRange? = nil) -> [GateResult] {
    [extremes(model, seed: seed, outputRange: outputRange), missing(model), rowOrder(model, seed: seed)]
  }

  /// Up to ``probeRowLimit`` training rows without missing cells (seeded
  /// choice), or the row of training means when there is none.
  private func baseRows(seed: UInt64) -> [(label: String, values: [Double])] {
    var generator = SeededGenerator(seed: seed, stream: 0x57E5)
    let complete = (0..<train.rowCount).filter { i in train.row(i).allSatisfy { Double($0).isFinite } }
    let chosen = complete.shuffled(using: &generator).prefix(Self.probeRowLimit).sorted()
    guard !chosen.isEmpty else {
      return [("the training means", statistics.map { $0.mean.isFinite ? $0.mean : 0 })]
    }
    return chosen.map { i in ("training row \(i + 1)", train.row(i).map { Double($0) }) }
  }

  /// The base rows with feature `j` set to each of `values`, for every feature.
  private func probes(seed: UInt64, _ values: (FeatureStatistics) -> [(Double, String)]) -> (rows: [[Double]], labels: [String]) {
    var rows: [[Double]] = []
    var labels: [String] = []
    for base in baseRows(seed: seed) {
      for (j, s) in statistics.enumerated() {
        for (v, what) in values(s) {
          var row = base.values
          row[j] = v
          rows.append(row)
          labels.append("\(base.label) with \(s.name) = \(formatted(v)) (\(what))")
        }
      }
    }
    return (rows, labels)
  }

  private func predict(_ model: ModelCheckpoint, _ rows: [[Double]]) throws -> Prediction {
    try model.predict(features: rows.flatMap { $0.map { D($0) } }, rows: rows.count)
  }

  /// What is wrong with a probe row's prediction, or `nil`: a non-finite
  /// value, or class probabilities that are not a distribution.
  private func problem(_ p: Prediction, row i: Int) -> String? {
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
    }
    return nil
  }

  private func extremes(_ model: ModelCheckpoint, seed: UInt64, outputRange: OutputRange?) -> GateResult {
    let name = "stress.extremes", threshold = "finite" + (outputRange.map { "; outside \($0.description): a warning" } ?? "")
    let edges = probes(seed: seed) { [($0.min, "its training minimum"), ($0.max, "its training maximum")] }
    let far = probes(seed: seed) { [($0.mean - 10 * $0.std, "mean − 10 sd"), ($0.mean + 10 * $0.std, "mean + 10 sd")] }
    var outside: [(index: Int, value: Double, distance: Double)] = []
    do {
      let pe = try predict(model, edges.rows), pf = try predict(model, far.rows)
      for i in edges.rows.indices {
        if let why = problem(pe, row: i) {
          return GateResult(name: name, kind: .stress, passed: false, threshold: threshold, detail: "at \(edges.labels[i]): \(why)")
        }
        if let range = outputRange, pe.task == .regression, !range.contains(pe.values[i]) {
          let v = pe.values[i]
          outside.append((i, v, max((range.min ?? v) - v, v - (range.max ?? v))))
        }
      }
      for i in far.rows.indices {
        if let why = problem(pf, row: i) {
          return GateResult(name: name, kind: .stress, passed: false, threshold: threshold, detail: "at \(far.labels[i]): \(why)")
        }
      }
    } catch {
      return GateResult(name: name, kind: .stress, passed: false, threshold: threshold, detail: "prediction failed: \(error)")
    }
    let probes = "\(edges.rows.count + far.rows.count) probe rows (real training rows with one feature at its training min, max and mean ± 10 sd) predict finite\(model.task == .classification ? " probabilities" : " values")"
    if let range = outputRange, let worst = outside.max(by: { $0.distance < $1.distance }) {
      return GateResult(
        name: name, kind: .stress, passed: true, threshold: threshold,
        detail: "warning: \(outside.count) of \(edges.rows.count) probes at the training extremes predict outside the stated output_range \(range.description); the furthest, \(edges.labels[worst.index]), predicts \(formatted(worst.value)); \(probes)")
    }
    return GateResult(name: name, kind: .stress, passed: true, threshold: threshold, detail: probes)
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
    let means = statistics.map { $0.mean.isFinite ? $0.mean : 0 }
    var rows = statistics.indices.map { j -> [Double] in
      var row = means
      row[j] = .nan
      return row
    }
    rows.append([Double](repeating: .nan, count: statistics.count))
    do {
      let p = try predict(model, rows)
      for i in rows.indices { if let why = problem(p, row: i) {
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
