import HPOCore

/// Summary statistics of one feature over a set of rows, kept with the
/// training split so that later data can be checked for drift against it.
///
/// Missing values (NaN) are counted and left out of everything else. `std` is
/// the population standard deviation (divisor n), as standardisation uses.
/// Quantiles interpolate linearly between order statistics (NumPy's default,
/// "type 7"). For a feature with no values every number is NaN (null in JSON).
public struct FeatureStatistics: Sendable, Equatable {
  /// The quantile levels of ``quantiles``: 1, 5, 25, 50, 75, 95 and 99 %.
  public static let quantileLevels: [Double] = [0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99]

  public var name: String
  /// Values present (not NaN).
  public var count: Int
  /// Values missing (NaN).
  public var missing: Int
  public var mean: Double
  public var std: Double
  public var min: Double
  public var max: Double
  /// One value per entry of ``quantileLevels``.
  public var quantiles: [Double]

  public init(
    name: String, count: Int, missing: Int, mean: Double, std: Double, min: Double, max: Double,
    quantiles: [Double]
  ) {
    self.name = name
    self.count = count
    self.missing = missing
    self.mean = mean
    self.std = std
    self.min = min
    self.max = max
    self.quantiles = quantiles
  }

  /// The median (the 50 % quantile).
  public var median: Double { quantiles[3] }

  /// Statistics of `values`, NaN counted as missing.
  public init(name: String, values: [Double]) {
    var present = values.filter { !$0.isNaN }
    let n = present.count
    self.name = name
    count = n
    missing = values.count - n
    guard n > 0 else {
      mean = .nan
      std = .nan
      min = .nan
      max = .nan
      quantiles = Self.quantileLevels.map { _ in .nan }
      return
    }
    present.sort()
    var sum = 0.0
    for v in present { sum += v }
    let mean = sum / Double(n)
    var squares = 0.0
    for v in present { squares += (v - mean) * (v - mean) }
    self.mean = mean
    std = (squares / Double(n)).squareRoot()
    min = present[0]
    max = present[n - 1]
    quantiles = Self.quantileLevels.map { level in
      let h = Double(n - 1) * level
      let lower = Int(h.rounded(.down))
      let upper = Swift.min(lower + 1, n - 1)
      return present[lower] + (h - Double(lower)) * (present[upper] - present[lower])
    }
  }

  /// Statistics of every feature of `dataset`, in column order.
  public static func compute<Scalar: DataScalar>(_ dataset: Dataset<Scalar>) -> [FeatureStatistics] {
    dataset.features.withUnsafeBytes { bytes in
      dataset.featureNames.enumerated().map { j, name in
        FeatureStatistics(
          name: name,
          values: RawMatrix.column(
            bytes, type: Scalar.dataType, rows: dataset.rowCount, columns: dataset.featureCount, j))
      }
    }
  }
}

extension FeatureStatistics {
  /// The statistics file: `{"format": "hpo-feature-statistics", "version": 1,
  /// "rows": n, "quantile_levels": [...], "features": [{name, count, missing,
  /// mean, std, min, max, quantiles}, ...]}`; NaN is written as null.
  public static func json(_ statistics: [FeatureStatistics], rows: Int) -> String {
    JSONWriter.pretty(JSONValue(.object([
      member("format", .string("hpo-feature-statistics")),
      member("version", .number(JSONNumber(1))),
      member("rows", .number(JSONNumber(rows))),
      member("quantile_levels", .array(quantileLevels.map(number))),
      member("features", .array(statistics.map { s in
        JSONValue(.object([
          member("name", .string(s.name)),
          member("count", .number(JSONNumber(s.count))),
          member("missing", .number(JSONNumber(s.missing))),
          member("mean", number(s.mean).kind),
          member("std", number(s.std).kind),
          member("min", number(s.min).kind),
          member("max", number(s.max).kind),
          member("quantiles", .array(s.quantiles.map(number))),
        ]))
      })),
    ])))
  }

  /// Reads a file written by ``json(_:rows:)``.
  public static func parse(_ text: String, file: String) throws(DataError) -> [FeatureStatistics] {
    let root = try JSONDocument.parse(text, file: file)
    let reader = JSONFieldReader(file: file)
    guard reader.string(root["format"]) == "hpo-feature-statistics" else {
      throw reader.error("is not a statistics file (\"format\" is not \"hpo-feature-statistics\")")
    }
    var out: [FeatureStatistics] = []
    for item in try reader.array(root["features"], "features") {
      out.append(FeatureStatistics(
        name: try reader.requiredString(item["name"], "name"),
        count: try reader.int(item["count"], "count"),
        missing: try reader.int(item["missing"], "missing"),
        mean: try reader.double(item["mean"], "mean"),
        std: try reader.double(item["std"], "std"),
        min: try reader.double(item["min"], "min"),
        max: try reader.double(item["max"], "max"),
        quantiles: try reader.array(item["quantiles"], "quantiles").map { v throws(DataError) in
          try reader.double(v, "quantiles")
        }))
    }
    return out
  }
}
