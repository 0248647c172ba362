import Crypto
import HPOCore
import HPOData

/// The checkpoint byte format, versions 1 and 2. All integers little-endian;
/// floating-point values as their IEEE bit patterns; strings as a u32 byte
/// count and UTF-8; `doubles`/`floats` as a u64 count and the values.
///
///     offset 0   magic "HPOMODEL" (8 bytes)
///            8   u32 format version (1, or 2 when the preprocessing has
///                categorical columns)
///           12   u64 payload length P
///           20   payload (P bytes):
///                  string kind, string precision, string task,
///                  i64 class count (−1: none), i64 feature count, u64 seed,
///                  i64 epochs completed, i64 total epochs, i64 steps completed,
///                  u32 hyperparameter count, then per name (ascending):
///                    string name, u8 tag (0 int i64, 1 float f64, 2 string, 3 bool u8), value
///                  u32 metric count, then per metric (in Metric.allCases order):
///                    string metric, f64 value
///                  bool preprocessing present; if so: bool imputation present
///                    [string strategy, doubles values], doubles means, doubles scales,
///                    version 2 only: u32 categorical column count (≥ 1), per
///                    column i64 index, string name, doubles values
///                  u32 layer count + i64 sizes, string activation ("" for none),
///                  f64 target shift, f64 target scale,
///                  tensors parameters,
///                  string optimizer ("" for none), i64 optimizer step,
///                  tensors first moments, tensors second moments,
///                  bool L-BFGS state present; if so: f64 objective, f64 data loss,
///                    bool converged, doubles gradient, u32 pairs, per pair doubles s, doubles y
///   20 + P   SHA-256 of bytes 0 ..< 20 + P (32 bytes)
///
/// where `tensors` is a u32 count and per tensor i64 rows, i64 columns,
/// u8 dtype (1 float32, 2 float64), then `floats` or `doubles`.
extension ModelCheckpoint {
  static let headerSize = 20
  static let digestSize = 32

  /// The checkpoint as bytes (see the format above). Deterministic: equal
  /// checkpoints give equal bytes.
  public func encoded() -> [UInt8] {
    var p = ByteWriter()
    p.string(kind.rawValue)
    p.string(precision.rawValue)
    p.string(task.rawValue)
    p.i64(classCount ?? -1)
    p.i64(featureCount)
    p.u64(seed)
    p.i64(epochsCompleted)
    p.i64(totalEpochs)
    p.i64(stepsCompleted)
    let config = hyperparameters.sorted
    p.u32(UInt32(config.count))
    for (name, value) in config {
      p.string(name)
      switch value {
      case .int(let v): p.u8(0); p.i64(v)
      case .float(let v): p.u8(1); p.f64(v)
      case .string(let v): p.u8(2); p.string(v)
      case .bool(let v): p.u8(3); p.bool(v)
      }
    }
    let metrics = Metric.allCases.compactMap { m in validationMetrics[m].map { (m, $0) } }
    p.u32(UInt32(metrics.count))
    for (m, v) in metrics {
      p.string(m.rawValue)
      p.f64(v)
    }
    p.bool(preprocessing != nil)
    if let pre = preprocessing {
      p.bool(pre.imputation != nil)
      if let imputation = pre.imputation {
        p.string(imputation.strategy.rawValue)
        p.doubles(imputation.values)
      }
      p.doubles(pre.standardization.means)
      p.doubles(pre.standardization.scales)
      if !pre.categorical.isEmpty {
        p.u32(UInt32(pre.categorical.count))
        for c in pre.categorical {
          p.i64(c.column)
          p.string(c.name)
          p.doubles(c.values)
        }
      }
    }
    p.u32(UInt32(layerSizes.count))
    for s in layerSizes { p.i64(s) }
    p.string(activation?.rawValue ?? "")
    p.f64(targetShift)
    p.f64(targetScale)
    Self.write(parameters, &p)
    p.string(optimizerKind?.rawValue ?? "")
    p.i64(optimizerStep)
    Self.write(optimizerFirst, &p)
    Self.write(optimizerSecond, &p)
    p.bool(lbfgs != nil)
    if let l = lbfgs {
      p.f64(l.objective)
      p.f64(l.dataLoss)
      p.bool(l.converged)
      p.doubles(l.gradient)
      p.u32(UInt32(l.s.count))
      for (s, y) in zip(l.s, l.y) {
        p.doubles(s)
        p.doubles(y)
      }
    }
    var out = ByteWriter()
    out.raw(Self.magic)
    out.u32(preprocessing?.categorical.isEmpty == false ? 2 : 1)
    out.u64(UInt64(p.bytes.count))
    out.raw(p.bytes)
    return Self.sealed(out.bytes)
  }

  /// `bytes` (header and payload) followed by their SHA-256.
  static func sealed(_ bytes: [UInt8]) -> [UInt8] {
    bytes + Array(SHA256.hash(data: bytes))
  }

  private static func write(_ tensors: [Tensor], _ p: inout ByteWriter) {
    p.u32(UInt32(tensors.count))
    for t in tensors {
      p.i64(t.rows)
      p.i64(t.columns)
      switch t.storage {
      case .float32(let v): p.u8(1); p.floats(v)
      case .float64(let v): p.u8(2); p.doubles(v)
      }
    }
  }

  /// Reads a checkpoint, checking magic, version, length and SHA-256 before
  /// anything else, then every field and the model's invariants.
  /// - Throws: `.unsupportedCheckpointVersion` for a format version other than 1 and 2;
  ///   `.corruptCheckpoint` naming what is wrong (and the byte offset) for
  ///   anything else: too short, bad magic, truncated, hash mismatch, an
  ///   unknown value, a non-canonical encoding, inconsistent shapes.
  public init(decoding bytes: [UInt8]) throws(ModelError) {
    let minimum = Self.headerSize + Self.digestSize
    guard bytes.count >= minimum else {
      throw ModelError(.corruptCheckpoint, "is \(bytes.count) bytes; a checkpoint has at least \(minimum)")
    }
    guard Array(bytes[0..<8]) == Self.magic else {
      throw ModelError(.corruptCheckpoint, "does not start with the checkpoint magic \"HPOMODEL\"; not an hpo model checkpoint")
    }
    var header = ByteReader(bytes, from: 8, to: Self.headerSize)
    let version = try header.u32("format version")
    guard (1...Self.formatVersion).contains(version) else {
      throw ModelError(
        .unsupportedCheckpointVersion,
        "format version \(version); this build reads versions 1 to \(Self.formatVersion)")
    }
    let length = try header.u64("payload length")
    let available = UInt64(bytes.count - minimum)
    guard length == available else {
      throw ModelError(
        .corruptCheckpoint,
        "the header announces a \(length)-byte payload but \(available) bytes are present (truncated or extended)")
    }
    let end = Self.headerSize + Int(length)
    let digest = Array(SHA256.hash(data: bytes[0..<end]))
    guard digest == Array(bytes[end...]) else {
      throw ModelError(.corruptCheckpoint, "SHA-256 mismatch: the bytes were altered after writing")
    }
    var r = ByteReader(bytes, from: Self.headerSize, to: end)
    kind = try r.choice("model kind", ModelKind.self)
    precision = try r.choice("precision", Precision.self)
    task = try r.choice("task", LearningTask.self)
    let k = try r.i64("class count")
    guard k == -1 || k >= 2 else { throw r.fail("class count \(k) is neither −1 nor ≥ 2") }
    classCount = k == -1 ? nil : k
    featureCount = try r.count("feature count", limit: 1 << 40)
    seed = try r.u64("seed")
    epochsCompleted = try r.count("epochs completed", limit: Int(Int32.max))
    totalEpochs = try r.count("total epochs", limit: Int(Int32.max))
    stepsCompleted = try r.count("steps completed", limit: Int.max)
    var config = Configuration()
    var previous: String?
    for _ in 0..<(try r.u32("hyperparameter count")) {
      let name = try r.string("hyperparameter name")
      guard previous.map({ $0 < name }) ?? true else { throw r.fail("hyperparameter \"\(name)\" is out of name order") }
      previous = name
      switch try r.u8("value tag") {
      case 0: config[name] = .int(try r.i64("integer value"))
      case 1: config[name] = .float(try r.f64("float value"))
      case 2: config[name] = .string(try r.string("string value"))
      case 3: config[name] = .bool(try r.bool("boolean value"))
      case let tag: throw r.fail("value tag \(tag) is not 0...3")
      }
    }
    hyperparameters = config
    var metrics: [Metric: Double] = [:]
    var lastMetric = -1
    for _ in 0..<(try r.u32("metric count")) {
      let m = try r.choice("metric", Metric.self)
      let index = Metric.allCases.firstIndex(of: m)!
      guard index > lastMetric else { throw r.fail("metric \(m.rawValue) is out of order") }
      lastMetric = index
      metrics[m] = try r.f64("metric value")
    }
    validationMetrics = metrics
    if try r.bool("preprocessing flag") {
      var imputation: Preprocessing.Imputation?
      if try r.bool("imputation flag") {
        let strategy = try r.choice("imputation strategy", MissingPolicy.self)
        imputation = .init(strategy: strategy, values: try r.doubles("imputation values"))
      }
      let means = try r.doubles("means")
      let scales = try r.doubles("scales")
      var categorical: [Preprocessing.CategoricalColumn] = []
      if version >= 2 {
        let count = Int(try r.u32("categorical column count"))
        // Version 2 exists for categorical columns: none would be version 1 (canonical form).
        guard count >= 1, count <= means.count else {
          throw r.fail("\(count) categorical columns; version 2 has 1 to \(means.count) (one per feature at most)")
        }
        for _ in 0..<count {
          let column = try r.count("categorical column", limit: 1 << 40)
          categorical.append(.init(
            column: column, name: try r.string("categorical column name"), values: try r.doubles("categories")))
        }
      }
      preprocessing = Preprocessing(
        imputation: imputation, standardization: .init(means: means, scales: scales), categorical: categorical)
    } else {
      preprocessing = nil
    }
    guard version == 1 || preprocessing?.categorical.isEmpty == false else {
      throw r.fail("a version 2 checkpoint without categorical columns; such checkpoints are version 1")
    }
    let layerCount = Int(try r.u32("layer count"))
    guard layerCount <= 64 else { throw r.fail("\(layerCount) layer sizes is more than 64") }
    var sizes: [Int] = []
    for _ in 0..<layerCount { sizes.append(try r.count("layer size", limit: 1 << 40)) }
    layerSizes = sizes
    let activationName = try r.string("activation")
    if activationName.isEmpty {
      activation = nil
    } else {
      guard let a = Activation(rawValue: activationName) else { throw r.fail("activation \"\(activationName)\" is unknown") }
      activation = a
    }
    targetShift = try r.f64("target shift")
    targetScale = try r.f64("target scale")
    parameters = try Self.readTensors(&r, "parameters")
    let optimizerName = try r.string("optimizer")
    if optimizerName.isEmpty {
      optimizerKind = nil
    } else {
      guard let o = OptimizerKind(rawValue: optimizerName) else { throw r.fail("optimizer \"\(optimizerName)\" is unknown") }
      optimizerKind = o
    }
    optimizerStep = try r.count("optimizer step", limit: Int.max)
    optimizerFirst = try Self.readTensors(&r, "first moments")
    optimizerSecond = try Self.readTensors(&r, "second moments")
    if try r.bool("L-BFGS flag") {
      var state = LBFGSState()
      state.objective = try r.f64("L-BFGS objective")
      state.dataLoss = try r.f64("L-BFGS data loss")
      state.converged = try r.bool("L-BFGS converged flag")
      state.gradient = try r.doubles("L-BFGS gradient")
      let pairs = Int(try r.u32("L-BFGS pair count"))
      guard pairs <= LBFGSState.historySize else { throw r.fail("\(pairs) L-BFGS pairs exceed the history of \(LBFGSState.historySize)") }
      for _ in 0..<pairs {
        state.s.append(try r.doubles("L-BFGS s"))
        state.y.append(try r.doubles("L-BFGS y"))
      }
      lbfgs = state
    } else {
      lbfgs = nil
    }
    guard r.remaining == 0 else { throw r.fail("\(r.remaining) unexpected bytes after the last field") }
    try validate()
  }

  private static func readTensors(_ r: inout ByteReader, _ what: String) throws(ModelError) -> [Tensor] {
    let count = Int(try r.u32("\(what) count"))
    guard count <= 128 else { throw r.fail("\(count) \(what) tensors is more than 128") }
    var out: [Tensor] = []
    for _ in 0..<count {
      let rows = try r.count("\(what) rows", limit: 1 << 40)
      let columns = try r.count("\(what) columns", limit: 1 << 40)
      let storage: TensorStorage
      switch try r.u8("\(what) dtype") {
      case 1: storage = .float32(try r.floats(what))
      case 2: storage = .float64(try r.doubles(what))
      case let code: throw r.fail("\(what) dtype \(code) is not 1 (float32) or 2 (float64)")
      }
      guard rows.multipliedReportingOverflow(by: columns) == (storage.count, false) else {
        throw r.fail("\(what): \(storage.count) values cannot fill \(rows)x\(columns)")
      }
      out.append(Tensor(rows: rows, columns: columns, storage: storage))
    }
    return out
  }
}
