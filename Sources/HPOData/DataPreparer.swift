import HPOCore

/// Everything ``DataPreparer/prepare(spec:dataPath:outputDirectory:as:)`` made.
public struct PreparedData<Scalar: DataScalar>: Sendable {
  /// The splits, not preprocessed (apply ``preprocessing`` to use them).
  public var train: Dataset<Scalar>
  public var validation: Dataset<Scalar>
  public var test: Dataset<Scalar>
  public var split: SplitIndices
  /// Statistics of the training split's features.
  public var statistics: [FeatureStatistics]
  /// Fitted on the training split only.
  public var preprocessing: Preprocessing
  public var report: DataReport
  public var manifest: DataManifest
}

/// The shard stage of the data pipeline: a data spec's ``DataPipeline``
/// (read, validate, split, fit on the training split), then the shards, the
/// JSON side files and the manifest written to a prepared directory.
public enum DataPreparer {
  /// Prepares `dataPath` (the spec's path, already resolved) into
  /// `outputDirectory` (created if needed).
  ///
  /// Files written: `train-<i>.shard` (i = 0..<spec.shards), `validation.shard`,
  /// `test.shard`, `statistics.json`, `preprocessing.json`, then
  /// `manifest.json`; each atomically. The same input and spec give
  /// byte-identical files.
  ///
  /// - Throws: ``DataError``: every problem with the data (see
  ///   ``CSVReader/read(path:options:as:)``), `.invalidArgument` when
  ///   `spec.shards` is not in 1...training rows or a `spec.categorical` name
  ///   is not a feature column, `.writeFailed`.
  public static func prepare<Scalar: DataScalar>(
    spec: DataSpec, dataPath: String, outputDirectory: String, as type: Scalar.Type = Scalar.self
  ) throws(DataError) -> PreparedData<Scalar> {
    let pipeline = DataPipeline(spec: spec, dataPath: dataPath)
    let splits = try pipeline.splits(as: Scalar.self)
    let (train, validation, test) = (splits.train, splits.validation, splits.test)
    guard spec.shards >= 1, spec.shards <= train.rowCount else {
      throw DataError(
        .invalidArgument, file: dataPath,
        message: "cannot write \(spec.shards) shards of a \(train.rowCount)-row training split; shards must be 1...\(train.rowCount)")
    }
    let fitted = try pipeline.fit(splits)
    let (statistics, preprocessing) = (fitted.statistics, fitted.preprocessing)

    do { try AtomicFile.makeDirectory(outputDirectory) } catch { throw DataError(error) }
    let directory = outputDirectory.hasSuffix("/") ? String(outputDirectory.dropLast()) : outputDirectory
    var shards: [ShardInfo] = []
    for (i, range) in shardRanges(rows: train.rowCount, count: spec.shards).enumerated() {
      shards.append(try ShardWriter.write(train.rows(Array(range)), to: "\(directory)/train-\(i).shard"))
    }
    let validationInfo = try ShardWriter.write(validation, to: directory + "/validation.shard")
    let testInfo = try ShardWriter.write(test, to: directory + "/test.shard")
    let statisticsInfo = try writeText(
      FeatureStatistics.json(statistics, rows: train.rowCount), directory: directory, name: "statistics.json")
    let preprocessingInfo = try writeText(preprocessing.json, directory: directory, name: "preprocessing.json")

    let source = try MappedFile(path: dataPath)
    let sourceHash = SHA256Hex.of(source.bytes)
    source.close()
    let manifest = DataManifest(
      sourceFile: dataPath.split(separator: "/").last.map(String.init) ?? dataPath, sourceSHA256: sourceHash,
      task: train.task, labelName: train.labelName, classCount: train.classCount,
      featureNames: train.featureNames, dataType: Scalar.dataType, missing: spec.missing, split: spec.split,
      train: shards, validation: validationInfo, test: testInfo, statistics: statisticsInfo,
      preprocessing: preprocessingInfo)
    do { try AtomicFile.write(manifest.json, to: directory + "/" + DataManifest.fileName) } catch { throw DataError(error) }
    return PreparedData(
      train: train, validation: validation, test: test, split: splits.indices, statistics: statistics,
      preprocessing: preprocessing, report: splits.report, manifest: manifest)
  }

  /// `count` contiguous ranges covering 0..<rows, sizes differing by at most
  /// one (the first ones are larger).
  public static func shardRanges(rows: Int, count: Int) -> [Range<Int>] {
    let base = rows / count
    let extra = rows % count
    var start = 0
    return (0..<count).map { i in
      let size = base + (i < extra ? 1 : 0)
      defer { start += size }
      return start..<(start + size)
    }
  }

  private static func writeText(_ text: String, directory: String, name: String) throws(DataError) -> ShardInfo {
    do { try AtomicFile.write(text, to: directory + "/" + name) } catch { throw DataError(error) }
    return ShardInfo(file: name, rows: 0, sha256: SHA256Hex.of(Array(text.utf8)))
  }
}
