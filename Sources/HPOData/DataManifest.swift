import HPOCore

/// The index of a prepared data directory: where the data came from, how it
/// was split, and the name, row count and SHA-256 of every file written.
///
/// Written last and atomically (`manifest.json`), so a directory with a
/// manifest is complete; readers verify each file's hash against it.
public struct DataManifest: Sendable, Equatable {
  public static let fileName = "manifest.json"
  public static let version = 1

  /// The source file's last path component.
  public var sourceFile: String
  /// SHA-256 of the source file's bytes.
  public var sourceSHA256: String
  public var task: LearningTask
  public var labelName: String
  public var classCount: Int?
  public var featureNames: [String]
  public var dataType: DataType
  public var missing: MissingPolicy
  public var split: SplitSpec
  /// The training split's shards, in order.
  public var train: [ShardInfo]
  public var validation: ShardInfo
  public var test: ShardInfo
  /// The per-feature statistics of the training split (`rows` is 0 for JSON files).
  public var statistics: ShardInfo
  /// The preprocessing fitted on the training split.
  public var preprocessing: ShardInfo

  public init(
    sourceFile: String, sourceSHA256: String, task: LearningTask, labelName: String, classCount: Int?,
    featureNames: [String], dataType: DataType, missing: MissingPolicy, split: SplitSpec,
    train: [ShardInfo], validation: ShardInfo, test: ShardInfo, statistics: ShardInfo,
    preprocessing: ShardInfo
  ) {
    self.sourceFile = sourceFile
    self.sourceSHA256 = sourceSHA256
    self.task = task
    self.labelName = labelName
    self.classCount = classCount
    self.featureNames = featureNames
    self.dataType = dataType
    self.missing = missing
    self.split = split
    self.train = train
    self.validation = validation
    self.test = test
    self.statistics = statistics
    self.preprocessing = preprocessing
  }

  /// The manifest as deterministic, indented JSON.
  public var json: String {
    func entry(_ s: ShardInfo) -> JSONValue.Kind {
      .object([
        member("file", .string(s.file)),
        member("rows", .number(JSONNumber(s.rows))),
        member("sha256", .string(s.sha256)),
      ])
    }
    func file(_ s: ShardInfo) -> JSONValue.Kind {
      .object([member("file", .string(s.file)), member("sha256", .string(s.sha256))])
    }
    return JSONWriter.pretty(JSONValue(.object([
      member("format", .string("hpo-data-manifest")),
      member("version", .number(JSONNumber(Self.version))),
      member("source", .object([
        member("file", .string(sourceFile)),
        member("sha256", .string(sourceSHA256)),
      ])),
      member("task", .string(task.rawValue)),
      member("label", .string(labelName)),
      member("class_count", classCount.map { .number(JSONNumber($0)) } ?? .null),
      member("dtype", .string(dataType.rawValue)),
      member("missing", .string(missing.rawValue)),
      member("split", .object([
        member("seed", .number(JSONNumber(literal: String(split.seed), double: Double(split.seed), int: Int(exactly: split.seed)))),
        member("validation", .number(JSONNumber(split.validation))),
        member("test", .number(JSONNumber(split.test))),
      ])),
      member("features", .array(featureNames.map { JSONValue(.string($0)) })),
      member("train", .array(train.map { JSONValue(entry($0)) })),
      member("validation", entry(validation)),
      member("test", entry(test)),
      member("statistics", file(statistics)),
      member("preprocessing", file(preprocessing)),
    ])))
  }

  /// Reads `manifest.json` in `directory`.
  public static func read(directory: String) throws(DataError) -> DataManifest {
    let path = directory + "/" + fileName
    let text = try readText(path)
    let root = try JSONDocument.parse(text, file: path)
    let r = JSONFieldReader(file: path)
    guard r.string(root["format"]) == "hpo-data-manifest" else {
      throw r.error("is not a data manifest (\"format\" is not \"hpo-data-manifest\")")
    }
    let version = try r.int(root["version"], "version")
    guard version == Self.version else {
      throw DataError(.unsupportedVersion, file: path, message: "has version \(version); this hpo reads version \(Self.version)")
    }
    func info(_ v: JSONValue?, _ name: String) throws(DataError) -> ShardInfo {
      ShardInfo(
        file: try r.requiredString(v?["file"], name + ".file"),
        rows: v?["rows"] == nil ? 0 : try r.int(v?["rows"], name + ".rows"),
        sha256: try r.requiredString(v?["sha256"], name + ".sha256"))
    }
    guard let task = LearningTask(rawValue: try r.requiredString(root["task"], "task")),
      let type = DataType(rawValue: try r.requiredString(root["dtype"], "dtype")),
      let missing = MissingPolicy(rawValue: try r.requiredString(root["missing"], "missing"))
    else { throw r.error("fields \"task\", \"dtype\" and \"missing\" must name known values") }
    let split = root["split"]
    guard case .number(let seed)? = split?["seed"]?.kind, let seedValue = UInt64(seed.literal) else {
      throw r.error("field \"split.seed\" must be an unsigned integer")
    }
    var train: [ShardInfo] = []
    for item in try r.array(root["train"], "train") { train.append(try info(item, "train")) }
    var features: [String] = []
    for item in try r.array(root["features"], "features") { features.append(try r.requiredString(item, "features")) }
    return DataManifest(
      sourceFile: try r.requiredString(root["source"]?["file"], "source.file"),
      sourceSHA256: try r.requiredString(root["source"]?["sha256"], "source.sha256"),
      task: task, labelName: try r.requiredString(root["label"], "label"),
      classCount: root["class_count"]?.kind == .null ? nil : try r.int(root["class_count"], "class_count"),
      featureNames: features, dataType: type, missing: missing,
      split: SplitSpec(
        validation: try r.double(split?["validation"], "split.validation"),
        test: try r.double(split?["test"], "split.test"), seed: seedValue),
      train: train, validation: try info(root["validation"], "validation"), test: try info(root["test"], "test"),
      statistics: try info(root["statistics"], "statistics"),
      preprocessing: try info(root["preprocessing"], "preprocessing"))
  }

  /// Which split to load.
  public enum Split: String, Sendable, CaseIterable { case train, validation, test }

  /// Loads one split from `directory` (the training split: all its shards,
  /// in order), verifying every shard against its recorded SHA-256.
  public func load<Scalar: DataScalar>(
    _ split: Split, directory: String, as type: Scalar.Type = Scalar.self
  ) throws(DataError) -> Dataset<Scalar> {
    let infos: [ShardInfo]
    switch split {
    case .train: infos = train
    case .validation: infos = [validation]
    case .test: infos = [test]
    }
    var features: [Scalar] = []
    var labels: [Double] = []
    for info in infos {
      let path = directory + "/" + info.file
      let shard = try ShardReader.read(path: path, as: Scalar.self, expectedSHA256: info.sha256)
      guard shard.featureCount == featureNames.count, shard.rowCount == info.rows else {
        throw DataError(
          .shapeMismatch, file: path,
          message: "has \(shard.rowCount) rows × \(shard.featureCount) features; the manifest says \(info.rows) × \(featureNames.count)")
      }
      features += shard.features
      labels += shard.labels
    }
    return Dataset(
      features: features, labels: labels, featureNames: featureNames, labelName: labelName, task: task,
      classCount: classCount)
  }

  /// Reads and verifies the preprocessing file.
  public func loadPreprocessing(directory: String) throws(DataError) -> Preprocessing {
    let path = directory + "/" + preprocessing.file
    let text = try Self.readVerified(path, sha256: preprocessing.sha256)
    return try Preprocessing(json: text, file: path)
  }

  /// Reads and verifies the training split's feature statistics.
  public func loadStatistics(directory: String) throws(DataError) -> [FeatureStatistics] {
    let path = directory + "/" + statistics.file
    return try FeatureStatistics.parse(try Self.readVerified(path, sha256: statistics.sha256), file: path)
  }

  static func readText(_ path: String) throws(DataError) -> String {
    let mapped = try MappedFile(path: path)
    defer { mapped.close() }
    return String(decoding: mapped.bytes, as: UTF8.self)
  }

  static func readVerified(_ path: String, sha256: String) throws(DataError) -> String {
    let text = try readText(path)
    let digest = SHA256Hex.of(Array(text.utf8))
    guard digest == sha256 else {
      throw DataError(.hashMismatch, file: path, message: "has SHA-256 \(digest) but the manifest names \(sha256)")
    }
    return text
  }
}
