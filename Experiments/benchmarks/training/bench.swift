// The hpo side of the training benchmark, compiled by run.sh with swiftc
// against the release-built HPOModels (not a package target).
//
//   bench mlp DATASET_DIR EPOCHS   Fashion-MNIST MLP 784-256-128-10, Adam, batch 128
//   bench sgemm                    single-thread sgemm at the MLP's shapes
//   bench ridge DIR ROWS FEATURES ALPHA
//
// Each prints one JSON object. BLAS runs one thread.
import Foundation
import HPOCore
import HPOData
import HPOLinearAlgebra
import HPOModels

/// Layer widths of the benchmark network, and its batch size.
let widths = [784, 256, 128, 10]
let batch = 128

/// Multiply-add FLOPs of one training epoch over `rows` rows: forward (x·W),
/// weight gradients (aᵀ·δ) and input gradients (δ·Wᵀ) of every layer but the
/// first, 2 flops per multiply-add. Bias, activation, loss and optimizer
/// work is not counted (as for scikit-learn, which does the same gemms).
func epochFlops(rows: Int) -> Double {
  var perRow = 0.0
  for l in 0..<(widths.count - 1) {
    let mn = Double(widths[l] * widths[l + 1])
    perRow += 2 * mn + 2 * mn + (l > 0 ? 2 * mn : 0)
  }
  return perRow * Double(rows)
}

func median(_ v: [Double]) -> Double {
  let s = v.sorted()
  return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
}

func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) * 1e-9 }

func json(_ pairs: [(String, Any)]) -> String {
  func value(_ v: Any) -> String {
    switch v {
    case let d as Double: return d.isFinite ? String(format: "%.6g", d) : "null"
    case let i as Int: return String(i)
    case let s as String: return "\"" + s.replacingOccurrences(of: "\"", with: "\\\"") + "\""
    case let a as [Double]: return "[" + a.map(value).joined(separator: ", ") + "]"
    default: return "\"\(v)\""
    }
  }
  return "{" + pairs.map { "\"\($0.0)\": \(value($0.1))" }.joined(separator: ", ") + "}"
}

func scaled(_ d: Dataset<Float>) -> Dataset<Float> {
  var out = d
  out.features = d.features.map { $0 / 255 }
  return out
}

func mlp(_ dir: String, epochs: Int) throws {
  let train = scaled(try IDXReader.dataset(
    images: dir + "/train-images-idx3-ubyte.gz", labels: dir + "/train-labels-idx1-ubyte.gz", as: Float.self))
  let test = scaled(try IDXReader.dataset(
    images: dir + "/t10k-images-idx3-ubyte.gz", labels: dir + "/t10k-labels-idx1-ubyte.gz", as: Float.self))
  var h = Hyperparameters()
  h.optimizer = .adam
  h.learningRate = 1e-3
  h.batchSize = batch
  h.hiddenLayerSizes = Array(widths.dropFirst().dropLast())
  h.activation = .relu
  h.initialization = .he
  // scikit-learn's alpha = 1e-4 penalises (alpha/2)‖W‖²/batch on each batch's mean loss.
  h.l2 = 1e-4 / Double(batch)
  var epochSeconds: [Double] = []
  let outcome = try Trainer.train(
    model: ModelSpec(kind: .mlp, epochs: epochs, precision: .float32), hyperparameters: h, train: train,
    validation: test.rows(Array(0..<200)), seed: 0
  ) { report in
    epochSeconds.append(report.seconds)
    FileHandle.standardError.write("hpo epoch \(report.epoch): \(String(format: "%.3f", report.seconds)) s, loss \(report.trainingLoss)\n".data(using: .utf8)!)
    return true
  }
  let accuracy = try outcome.checkpoint.evaluate(test)[.accuracy]!
  let flops = epochFlops(rows: train.rowCount)
  let m = median(epochSeconds)
  print(json([
    ("side", "hpo"), ("dtype", "float32"), ("epoch_seconds", epochSeconds), ("median_epoch_seconds", m),
    ("test_accuracy", accuracy), ("gflop_per_epoch", flops / 1e9), ("gflops", flops / m / 1e9),
    ("blas", BLASInfo.current().description),
  ]))
}

/// The gemms of one training step at batch 128, timed over many steps.
func sgemm() throws {
  func random(_ r: Int, _ c: Int) -> Matrix<Float> {
    var rng = SeededGenerator(seed: UInt64(r * 1000 + c))
    return try! Matrix(rows: r, columns: c, elements: (0..<(r * c)).map { _ in Float(rng.nextUnit() - 0.5) })
  }
  let layers = widths.count - 1
  let acts = (0..<layers).map { random(batch, widths[$0]) }
  let weights = (0..<layers).map { random(widths[$0], widths[$0 + 1]) }
  let deltas = (0..<layers).map { random(batch, widths[$0 + 1]) }
  var z = (0..<layers).map { Matrix<Float>(rows: batch, columns: widths[$0 + 1]) }
  var dw = (0..<layers).map { Matrix<Float>(rows: widths[$0], columns: widths[$0 + 1]) }
  var dx = (0..<layers).map { Matrix<Float>(rows: batch, columns: widths[$0]) }
  func step() throws {
    for l in 0..<layers { try z[l].gemm(acts[l], weights[l], beta: 1) }
    for l in stride(from: layers - 1, through: 0, by: -1) {
      try dw[l].gemm(acts[l], deltas[l], transposeA: true)
      if l > 0 { try dx[l].gemm(deltas[l], weights[l], transposeB: true) }
    }
  }
  let steps = 60000 / batch
  for _ in 0..<50 { try step() }
  var rates: [Double] = []
  for _ in 0..<5 {
    let t = now()
    for _ in 0..<steps { try step() }
    rates.append(epochFlops(rows: steps * batch) / (now() - t) / 1e9)
  }
  print(json([("side", "sgemm"), ("gflops", median(rates)), ("runs", rates), ("blas", BLASInfo.current().description)]))
}

func readDoubles(_ path: String) throws -> [Double] {
  let data = try Data(contentsOf: URL(fileURLWithPath: path))
  return data.withUnsafeBytes { Array($0.bindMemory(to: Double.self)) }
}

func ridge(_ dir: String, rows: Int, features: Int, alpha: Double) throws {
  let x = try Matrix(rows: rows, columns: features, elements: try readDoubles(dir + "/x.f64"))
  let y = try Matrix(rows: rows, columns: 1, elements: try readDoubles(dir + "/y.f64"))
  var times: [Double] = []
  var solution: RidgeSolver.Solution?
  for _ in 0..<5 {
    let t = now()
    solution = try RidgeSolver.fit(x, y, alpha: alpha)
    times.append(now() - t)
  }
  let coefficients = solution!.coefficients.elements
  try coefficients.withUnsafeBytes { try Data($0).write(to: URL(fileURLWithPath: dir + "/hpo_coef.f64")) }
  print(json([
    ("side", "hpo"), ("fit_seconds", times), ("median_fit_seconds", median(times)),
    ("intercept", solution!.intercepts[0]), ("method", solution!.method.rawValue),
  ]))
}

BLASInfo.setThreadCount(1)
let args = CommandLine.arguments
do {
  switch args.count > 1 ? args[1] : "" {
  case "mlp": try mlp(args[2], epochs: Int(args[3])!)
  case "sgemm": try sgemm()
  case "ridge": try ridge(args[2], rows: Int(args[3])!, features: Int(args[4])!, alpha: Double(args[5])!)
  default:
    FileHandle.standardError.write("usage: bench mlp DIR EPOCHS | bench sgemm | bench ridge DIR ROWS FEATURES ALPHA\n".data(using: .utf8)!)
    exit(2)
  }
} catch {
  FileHandle.standardError.write("bench: \(error)\n".data(using: .utf8)!)
  exit(1)
}
