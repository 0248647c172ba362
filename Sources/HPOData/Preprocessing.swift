import HPOCore

/// The preprocessing fitted on the training split and applied unchanged to
/// every split and, later, to serving data: imputation of missing values
/// (when the data spec's policy is `mean` or `median`), then standardisation
/// of the ordinary columns and one-hot encoding of the declared categorical
/// ones (see `Preprocessing+OneHot.swift`). Output columns: the standardised
/// ordinary columns in their order, then one 0/1 column per category of each
/// categorical column (named `column=value`), in column order.
///
/// Fitting looks only at the rows it is given, so fitting on the training
/// split keeps validation and test data out of the model. Stored as JSON with
/// numbers in their shortest round-trip form: reading it back gives the same
/// `Double`s bit for bit.
public struct Preprocessing: Sendable, Equatable {
  /// Per-feature fill values for NaN, or nil when nothing is imputed.
  public var imputation: Imputation?
  /// Per-feature centring and scaling. One entry per input feature; the
  /// entries of categorical columns are 0 and 1 and unused.
  public var standardization: Standardization
  /// The categorical columns, ascending by column, with the categories the
  /// training split holds; empty when there are none.
  public var categorical: [CategoricalColumn]

  /// Values that replace NaN in each feature.
  public struct Imputation: Sendable, Equatable {
    /// `.mean` or `.median`.
    public var strategy: MissingPolicy
    public var values: [Double]

    public init(strategy: MissingPolicy, values: [Double]) {
      self.strategy = strategy
      self.values = values
    }
  }

  /// x ↦ (x − mean) / scale per feature. `scale` is the population standard
  /// deviation, or 1 for a constant feature (which then maps to 0), as
  /// scikit-learn's StandardScaler does.
  public struct Standardization: Sendable, Equatable {
    public var means: [Double]
    public var scales: [Double]

    public init(means: [Double], scales: [Double]) {
      self.means = means
      self.scales = scales
    }
  }

  public init(imputation: Imputation?, standardization: Standardization, categorical: [CategoricalColumn] = []) {
    self.imputation = imputation
    self.standardization = standardization
    self.categorical = categorical
  }

  /// Fits on `train`: imputation values per `missing` (`.mean`/`.median`;
  /// none otherwise; a categorical column's is its most frequent value), then
  /// means and scales of the imputed ordinary columns and the distinct values
  /// of the `categorical` ones.
  ///
  /// - Throws: `.emptyTrainingColumn` when a feature has no value in `train`
  ///   to impute from; `.invalidArgument` naming `file` and the column when a
  ///   `categorical` name is not a feature column (or is the label, or repeats).
  public static func fit<Scalar: DataScalar>(
    _ train: Dataset<Scalar>, missing: MissingPolicy = .reject, categorical: [String] = [],
    file: String = "training split"
  ) throws(DataError) -> Preprocessing {
    try checkCategorical(categorical, of: train, file: file)
    return try fit(
      train, statistics: FeatureStatistics.compute(train), missing: missing, categorical: categorical, file: file)
  }

  /// As ``fit(_:missing:categorical:file:)``, reusing statistics already computed on `train`.
  public static func fit<Scalar: DataScalar>(
    _ train: Dataset<Scalar>, statistics: [FeatureStatistics], missing: MissingPolicy,
    categorical: [String] = [], file: String = "training split"
  ) throws(DataError) -> Preprocessing {
    let categoricalIndices = try checkCategorical(categorical, of: train, file: file)
    let columns = learnCategories(train, columns: categoricalIndices)
    var imputation: Imputation?
    if missing == .mean || missing == .median, statistics.contains(where: { $0.missing > 0 }) {
      var values: [Double] = []
      for s in statistics {
        guard s.count > 0 else {
          throw DataError(
            .emptyTrainingColumn, file: file, column: s.name,
            message: "has no values in the training split; a column needs values to impute from")
        }
        values.append(missing == .mean ? s.mean : s.median)
      }
      for c in columns { values[c.column.column] = c.mostFrequent }
      imputation = Imputation(strategy: missing, values: values)
    }
    var means: [Double]
    var scales: [Double]
    if imputation?.strategy == .median {
      var imputed = train
      imputed.transform(fill: imputation?.values, shift: nil, scale: nil)
      let refit = FeatureStatistics.compute(imputed)
      means = refit.map(\.mean)
      scales = refit.map(\.std)
    } else if imputation != nil {
      // Filling with the mean keeps the mean; the spread shrinks by the
      // filled share: var' = var · count / rows.
      means = statistics.map(\.mean)
      scales = statistics.map { ($0.std * $0.std * Double($0.count) / Double(train.rowCount)).squareRoot() }
    } else {
      means = statistics.map(\.mean)
      scales = statistics.map(\.std)
    }
    scales = scales.map { $0 > 0 && $0.isFinite ? $0 : 1 }
    for c in columns {
      means[c.column.column] = 0
      scales[c.column.column] = 1
    }
    return Preprocessing(
      imputation: imputation, standardization: Standardization(means: means, scales: scales),
      categorical: columns.map(\.column))
  }

  /// `dataset` imputed, standardised and one-hot encoded (``outputCount``
  /// features). Precondition: ``inputCount`` features, as fitted.
  public func apply<Scalar: DataScalar>(to dataset: Dataset<Scalar>) -> Dataset<Scalar> {
    var out = dataset
    apply(to: &out)
    return out
  }

  /// Imputes, standardises and one-hot encodes `dataset` in place.
  public func apply<Scalar: DataScalar>(to dataset: inout Dataset<Scalar>) {
    precondition(dataset.featureCount == standardization.means.count, "feature count differs from the fitted one")
    if categorical.isEmpty {
      dataset.transform(fill: imputation?.values, shift: standardization.means, scale: standardization.scales)
    } else {
      // Categorical columns are only imputed here (shift 0, scale 1 leave them exact).
      var means = standardization.means
      var scales = standardization.scales
      for c in categorical {
        means[c.column] = 0
        scales[c.column] = 1
      }
      dataset.transform(fill: imputation?.values, shift: means, scale: scales)
      dataset = oneHotEncoded(dataset)
    }
  }
}

extension Dataset {
  mutating func transform(fill: [Double]?, shift: [Double]?, scale: [Double]?) {
    let rows = rowCount
    let columns = featureCount
    features.withUnsafeMutableBytes { bytes in
      RawMatrix.transform(bytes, type: Scalar.dataType, rows: rows, columns: columns, fill: fill, shift: shift, scale: scale)
    }
  }
}

extension Preprocessing {
  /// `{"format": "hpo-preprocessing", "version": 1, "imputation": null |
  /// {"strategy", "values"}, "standardization": {"means", "scales"}}`; with
  /// categorical columns, version 2 and a last member `"categorical":
  /// [{"column", "name", "values"}, …]`. Without them the text is exactly
  /// version 1's, so existing side files and their hashes are unchanged.
  public var json: String {
    var members = [
      member("format", .string("hpo-preprocessing")),
      member("version", .number(JSONNumber(categorical.isEmpty ? 1 : 2))),
      member("imputation", imputation.map { i in
        .object([
          member("strategy", .string(i.strategy.rawValue)),
          member("values", .array(i.values.map(number))),
        ])
      } ?? .null),
      member("standardization", .object([
        member("means", .array(standardization.means.map(number))),
        member("scales", .array(standardization.scales.map(number))),
      ])),
    ]
    if !categorical.isEmpty {
      members.append(member("categorical", .array(categorical.map { c in
        JSONValue(.object([
          member("column", .number(JSONNumber(c.column))),
          member("name", .string(c.name)),
          member("values", .array(c.values.map(number))),
        ]))
      })))
    }
    return JSONWriter.pretty(JSONValue(.object(members)))
  }

  /// Reads what ``json`` wrote.
  public init(json text: String, file: String) throws(DataError) {
    let root = try JSONDocument.parse(text, file: file)
    let reader = JSONFieldReader(file: file)
    guard reader.string(root["format"]) == "hpo-preprocessing" else {
      throw reader.error("is not a preprocessing file (\"format\" is not \"hpo-preprocessing\")")
    }
    if let v = root["version"] {
      let version = try reader.int(v, "version")
      guard version == 1 || version == 2 else {
        throw reader.error("preprocessing format version \(version); this build reads versions 1 and 2")
      }
    }
    func doubles(_ v: JSONValue?, _ name: String) throws(DataError) -> [Double] {
      var out: [Double] = []
      for item in try reader.array(v, name) { out.append(try reader.double(item, name)) }
      return out
    }
    var imputation: Imputation?
    if let i = root["imputation"], i.kind != .null {
      guard let strategy = MissingPolicy(rawValue: try reader.requiredString(i["strategy"], "strategy")) else {
        throw reader.error("field \"strategy\" must be \"mean\" or \"median\"")
      }
      imputation = Imputation(strategy: strategy, values: try doubles(i["values"], "values"))
    }
    let s = root["standardization"]
    let means = try doubles(s?["means"], "means")
    let scales = try doubles(s?["scales"], "scales")
    guard means.count == scales.count, imputation.map({ $0.values.count == means.count }) ?? true else {
      throw reader.error("means, scales and imputation values must have one entry per feature")
    }
    var categorical: [CategoricalColumn] = []
    if let c = root["categorical"], c.kind != .null {
      for item in try reader.array(c, "categorical") {
        categorical.append(CategoricalColumn(
          column: try reader.int(item["column"], "column"), name: try reader.requiredString(item["name"], "name"),
          values: try doubles(item["values"], "values")))
      }
    }
    self.init(
      imputation: imputation, standardization: Standardization(means: means, scales: scales), categorical: categorical)
    if let problem = inconsistency { throw reader.error(problem) }
  }
}
