import HPOCore

/// The preprocessing fitted on the training split and applied unchanged to
/// every split and, later, to serving data: imputation of missing values
/// (when the data spec's policy is `mean` or `median`), then standardisation.
///
/// Fitting looks only at the rows it is given, so fitting on the training
/// split keeps validation and test data out of the model. Stored as JSON with
/// numbers in their shortest round-trip form: reading it back gives the same
/// `Double`s bit for bit.
public struct Preprocessing: Sendable, Equatable {
  /// Per-feature fill values for NaN, or nil when nothing is imputed.
  public var imputation: Imputation?
  /// Per-feature centring and scaling.
  public var standardization: Standardization

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

  public init(imputation: Imputation?, standardization: Standardization) {
    self.imputation = imputation
    self.standardization = standardization
  }

  /// Fits on `train`: imputation values per `missing` (`.mean`/`.median`;
  /// none otherwise), then means and scales of the imputed data.
  ///
  /// - Throws: `.emptyTrainingColumn` when a feature has no value in `train`
  ///   to impute from.
  public static func fit<Scalar: DataScalar>(
    _ train: Dataset<Scalar>, missing: MissingPolicy = .reject, file: String = "training split"
  ) throws(DataError) -> Preprocessing {
    try fit(train, statistics: FeatureStatistics.compute(train), missing: missing, file: file)
  }

  /// As ``fit(_:missing:file:)``, reusing statistics already computed on `train`.
  public static func fit<Scalar: DataScalar>(
    _ train: Dataset<Scalar>, statistics: [FeatureStatistics], missing: MissingPolicy,
    file: String = "training split"
  ) throws(DataError) -> Preprocessing {
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
    return Preprocessing(imputation: imputation, standardization: Standardization(means: means, scales: scales))
  }

  /// `dataset` imputed and standardised. Precondition: same feature count as fitted.
  public func apply<Scalar: DataScalar>(to dataset: Dataset<Scalar>) -> Dataset<Scalar> {
    var out = dataset
    apply(to: &out)
    return out
  }

  /// Imputes and standardises `dataset` in place.
  public func apply<Scalar: DataScalar>(to dataset: inout Dataset<Scalar>) {
    precondition(dataset.featureCount == standardization.means.count, "feature count differs from the fitted one")
    dataset.transform(fill: imputation?.values, shift: standardization.means, scale: standardization.scales)
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
  /// {"strategy", "values"}, "standardization": {"means", "scales"}}`.
  public var json: String {
    JSONWriter.pretty(JSONValue(.object([
      member("format", .string("hpo-preprocessing")),
      member("version", .number(JSONNumber(1))),
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
    ])))
  }

  /// Reads what ``json`` wrote.
  public init(json text: String, file: String) throws(DataError) {
    let root = try JSONDocument.parse(text, file: file)
    let reader = JSONFieldReader(file: file)
    guard reader.string(root["format"]) == "hpo-preprocessing" else {
      throw reader.error("is not a preprocessing file (\"format\" is not \"hpo-preprocessing\")")
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
    self.init(imputation: imputation, standardization: Standardization(means: means, scales: scales))
  }
}
