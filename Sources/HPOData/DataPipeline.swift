import HPOCore

/// The splits of one data file as ``DataPipeline`` cut them, not preprocessed.
public struct DataSplits<Scalar: DataScalar>: Sendable {
  public var train: Dataset<Scalar>
  public var validation: Dataset<Scalar>
  public var test: Dataset<Scalar>
  /// The rows of the file (after any dropped by `"missing": "drop"`) in each split.
  public var indices: SplitIndices
  /// The 1-based line of the file on which each row that `indices` counts starts.
  public var sourceLines: [Int]
  /// The reader's report: its warnings (constant columns, dropped rows, values to impute).
  public var report: DataReport
}

/// The splits and what was fitted on the training split alone.
public struct FittedSplits<Scalar: DataScalar>: Sendable {
  public var splits: DataSplits<Scalar>
  /// Statistics of the training split's features.
  public var statistics: [FeatureStatistics]
  /// Imputation, standardisation and one-hot encoding, fitted on the training split.
  public var preprocessing: Preprocessing
}

/// The one path from a data spec to training data: read → validate → split →
/// fit. Every user of a spec's data takes it — the coordinator and winner
/// evaluation (through ``DataPreparer``, which adds the shard stage), `hpo
/// train`, and a package's data profile — so a change to reading, validation
/// or splitting reaches all of them at once.
///
/// The stages:
/// 1. **read** the CSV and validate its contents (``CSVReader``, by the
///    spec's label, task and missing-value policy);
/// 2. **validate** the spec against the file's columns (every `categorical`
///    name a feature column);
/// 3. **split** by the spec's seed (``DataSplitter``);
/// 4. **fit** ``FeatureStatistics`` and ``Preprocessing`` on the training
///    split only.
///
/// The same file and spec give the same splits and fit on every machine.
public struct DataPipeline: Sendable {
  public var spec: DataSpec
  /// The data file: the spec's path, resolved.
  public var dataPath: String

  public init(spec: DataSpec, dataPath: String) {
    self.spec = spec
    self.dataPath = dataPath
  }

  /// Stages 1–3: read, validate, split.
  ///
  /// - Parameter read: Sees the reader's report as soon as the file is read,
  ///   before the later stages can fail (for commands that show its warnings).
  /// - Throws: ``DataError``: every problem with the data (see
  ///   ``CSVReader/read(path:options:as:)``), `.invalidArgument` for a
  ///   `categorical` name that is not a feature column, the splitter's errors.
  public func splits<Scalar: DataScalar>(
    as type: Scalar.Type = Scalar.self, read: (DataReport) -> Void = { _ in }
  ) throws(DataError) -> DataSplits<Scalar> {
    let loaded = try CSVReader.read(path: dataPath, options: CSVReadOptions(spec: spec), as: Scalar.self)
    read(loaded.report)
    let dataset = loaded.dataset
    try Preprocessing.checkCategorical(spec.categorical, of: dataset, file: dataPath)
    let indices = try DataSplitter.split(dataset, spec: spec.split, file: dataPath)
    return DataSplits(
      train: dataset.rows(indices.train), validation: dataset.rows(indices.validation),
      test: dataset.rows(indices.test), indices: indices, sourceLines: loaded.sourceLines, report: loaded.report)
  }

  /// Stage 4: statistics and preprocessing fitted on `splits.train` alone.
  /// - Throws: `.emptyTrainingColumn` when a feature has no value in the
  ///   training split to impute from.
  public func fit<Scalar: DataScalar>(_ splits: DataSplits<Scalar>) throws(DataError) -> FittedSplits<Scalar> {
    let statistics = FeatureStatistics.compute(splits.train)
    let preprocessing = try Preprocessing.fit(
      splits.train, statistics: statistics, missing: spec.missing, categorical: spec.categorical, file: dataPath)
    return FittedSplits(splits: splits, statistics: statistics, preprocessing: preprocessing)
  }

  /// Stages 1–4. See ``splits(as:read:)`` and ``fit(_:)``.
  public func fitted<Scalar: DataScalar>(
    as type: Scalar.Type = Scalar.self, read: (DataReport) -> Void = { _ in }
  ) throws(DataError) -> FittedSplits<Scalar> {
    try fit(splits(as: type, read: read))
  }
}
