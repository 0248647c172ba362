import Foundation
import HPOCore
import HPOData
import HPOModels
import HPOONNX
import Testing

/// Paths, data and a trainer shared by the ONNX tests.
enum Fixtures {
  /// The repository root, from this file's path (Tests/HPOONNXTests/…).
  static let root: String = {
    var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
    parts.removeLast(3)
    return parts.joined(separator: "/")
  }()

  /// A bundled CSV (Experiments/data) as float32 rows, split 60/20/20 with seed 0.
  static func splits(
    _ file: String, task: LearningTask, missing: MissingPolicy = .reject
  ) throws -> (train: Dataset<Float>, validation: Dataset<Float>, test: Dataset<Float>) {
    try splits(path: root + "/Experiments/data/" + file, task: task, missing: missing)
  }

  static func splits(
    path: String, task: LearningTask, missing: MissingPolicy = .reject
  ) throws -> (train: Dataset<Float>, validation: Dataset<Float>, test: Dataset<Float>) {
    let d = try CSVReader.read(path: path, options: CSVReadOptions(task: task, missing: missing), as: Float.self).dataset
    let idx = try DataSplitter.split(d, spec: SplitSpec(validation: 0.2, test: 0.2, seed: 0))
    return (d.rows(idx.train), d.rows(idx.validation), d.rows(idx.test))
  }

  /// Trains `kind` with `config` on `train` (preprocessing fitted on it with
  /// `missing` and `categorical`), seed 0.
  static func train(
    _ kind: ModelKind, epochs: Int? = nil, _ config: [String: ParameterValue] = [:], train: Dataset<Float>,
    validation: Dataset<Float>, missing: MissingPolicy = .reject, categorical: [String] = []
  ) throws -> ModelCheckpoint {
    let preprocessing = try Preprocessing.fit(train, missing: missing, categorical: categorical)
    return try Trainer.train(
      model: ModelSpec(kind: kind, epochs: epochs), configuration: Configuration(config), train: train,
      validation: validation, preprocessing: preprocessing, seed: 0
    ).checkpoint
  }

  /// A fresh empty directory under the system's temporary directory.
  static func temporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("hpo-onnx-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }
}

/// Runs an ONNX model with Python's onnxruntime (CPU) in a `python3`
/// process: the model and the float32 rows go through a temporary
/// directory, the outputs come back as JSON.
enum ONNXRuntime {
  struct Failure: Error, CustomStringConvertible {
    var description: String
  }

  /// One graph output: its element type (numpy's name), shape and values, flattened row-major.
  struct Output {
    var dtype: String
    var shape: [Int]
    var values: [Double]
  }

  static let script = """
    import json, sys
    try:
        import numpy as np
        import onnxruntime as ort
    except ImportError as error:
        sys.stderr.write("%s\\n" % error)
        sys.exit(3)
    directory, width = sys.argv[1], int(sys.argv[2])
    x = np.fromfile(directory + "/input.f32", dtype="<f4").reshape(-1, width)
    session = ort.InferenceSession(directory + "/model.onnx", providers=["CPUExecutionProvider"])
    names = [o.name for o in session.get_outputs()]
    results = session.run(None, {session.get_inputs()[0].name: x})
    out = {n: {"dtype": str(r.dtype), "shape": list(r.shape), "values": r.reshape(-1).tolist()} for n, r in zip(names, results)}
    with open(directory + "/outputs.json", "w") as f:
        json.dump({"version": ort.__version__, "outputs": out}, f, allow_nan=False)
    """

  /// The outputs of `model` on `rows` (row-major, `width` columns), by output name.
  /// - Throws: ``Failure`` saying to run `Cluster/bootstrap --test` when
  ///   python3, numpy or onnxruntime is missing; with onnxruntime's message when it rejects the model.
  static func run(model: [UInt8], rows: [Float], width: Int) throws -> [String: Output] {
    let dir = try Fixtures.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    try Data(model).write(to: dir.appendingPathComponent("model.onnx"))
    var input = Data(capacity: rows.count * 4)
    for v in rows { withUnsafeBytes(of: v.bitPattern.littleEndian) { input.append(contentsOf: $0) } }
    try input.write(to: dir.appendingPathComponent("input.f32"))

    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", "-c", script, dir.path, String(width)]
    let stderr = Pipe()
    process.standardError = stderr
    process.standardOutput = FileHandle.nullDevice
    let setup = "onnxruntime and numpy are needed by the ONNX export tests; run `Cluster/bootstrap --test` to install them"
    do { try process.run() } catch { throw Failure(description: "cannot start python3 (\(error)); \(setup)") }
    let message = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    switch process.terminationStatus {
    case 0: break
    case 3: throw Failure(description: "python3 cannot import numpy and onnxruntime (\(message.trimmingCharacters(in: .whitespacesAndNewlines))); \(setup)")
    case 127: throw Failure(description: "python3 is not on PATH; \(setup)")
    case let status: throw Failure(description: "onnxruntime failed (exit \(status)): \(message)")
    }
    let json = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("outputs.json")))
    guard let outputs = (json as? [String: Any])?["outputs"] as? [String: [String: Any]] else {
      throw Failure(description: "unexpected outputs.json from the runner")
    }
    var result: [String: Output] = [:]
    for (name, o) in outputs {
      guard let dtype = o["dtype"] as? String, let shape = o["shape"] as? [Int], let values = o["values"] as? [NSNumber]
      else { throw Failure(description: "output \(name) is malformed in outputs.json") }
      result[name] = Output(dtype: dtype, shape: shape, values: values.map(\.doubleValue))
    }
    return result
  }
}

/// Runs `checkpoint`'s ONNX export on `rows` and checks it against
/// `checkpoint.predict` on the same float32 rows: for classification the same
/// labels and probabilities within `probabilityTolerance`; for regression
/// values within `relativeTolerance` of `predict`'s, relatively.
/// Returns the largest difference seen.
@discardableResult
func expectAgreement(
  _ checkpoint: ModelCheckpoint, rows: [Float], probabilityTolerance: Double = 1e-4,
  relativeTolerance: Double = 1e-4, sourceLocation: SourceLocation = #_sourceLocation
) throws -> Double {
  let width = checkpoint.inputFeatureCount
  let n = rows.count / width
  let model = try ONNXExport.modelData(for: checkpoint)
  let outputs = try ONNXRuntime.run(model: model, rows: rows, width: width)
  let expected = try checkpoint.predict(features: rows, rows: n)
  var worst = 0.0
  switch checkpoint.task {
  case .classification:
    let k = try #require(checkpoint.classCount)
    #expect(Set(outputs.keys) == ["label", "probabilities"], sourceLocation: sourceLocation)
    let label = try #require(outputs["label"], sourceLocation: sourceLocation)
    let p = try #require(outputs["probabilities"], sourceLocation: sourceLocation)
    #expect(label.dtype == "int64" && label.shape == [n], sourceLocation: sourceLocation)
    #expect(p.dtype == "float32" && p.shape == [n, k], sourceLocation: sourceLocation)
    #expect(label.values.map { Int($0) } == expected.classes, sourceLocation: sourceLocation)
    let want = expected.outputs.elements
    #expect(p.values.count == want.count, sourceLocation: sourceLocation)
    for (a, b) in zip(p.values, want) { worst = max(worst, abs(a - b)) }
    #expect(worst <= probabilityTolerance, "largest probability difference \(worst)", sourceLocation: sourceLocation)
  case .regression:
    #expect(Set(outputs.keys) == ["prediction"], sourceLocation: sourceLocation)
    let prediction = try #require(outputs["prediction"], sourceLocation: sourceLocation)
    #expect(prediction.dtype == "float32" && prediction.shape == [n], sourceLocation: sourceLocation)
    #expect(prediction.values.count == expected.values.count, sourceLocation: sourceLocation)
    for (a, b) in zip(prediction.values, expected.values) { worst = max(worst, abs(a - b) / max(abs(b), 1e-6)) }
    #expect(worst <= relativeTolerance, "largest relative difference \(worst)", sourceLocation: sourceLocation)
  }
  print(
    "onnxruntime vs predict, \(checkpoint.kind.rawValue) \(checkpoint.task.rawValue) (\(checkpoint.precision.rawValue)): "
      + "\(n) rows, largest \(checkpoint.task == .classification ? "probability" : "relative") difference \(worst)")
  return worst
}
