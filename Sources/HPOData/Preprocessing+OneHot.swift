import HPOCore

/// One-hot encoding of the columns a data spec declares categorical
/// (`data.categorical`): each holds numeric category codes (any numbers).
///
/// Fitting learns, on the training split only, each such column's distinct
/// values (ascending); applying replaces the column by one 0/1 column per
/// value, named `column=value`, after the standardised ordinary columns. A
/// value the training split did not hold (NaN included) maps to all zeros.
/// Values are matched in the data's own precision, so categories learnt from
/// `Float` data match the same `Float` cells.
extension Preprocessing {
  /// A categorical input column and its categories.
  public struct CategoricalColumn: Sendable, Equatable {
    /// The column's index among the input features.
    public var column: Int
    /// The column's name in the training data (names the one-hot features).
    public var name: String
    /// Distinct finite values seen in the training split, strictly ascending
    /// (−0 is stored as 0).
    public var values: [Double]

    public init(column: Int, name: String, values: [Double]) {
      self.column = column
      self.name = name
      self.values = values
    }

    /// The one-hot features' names: `name=value` (integers without `.0`).
    public var featureNames: [String] { values.map { "\(name)=\(Self.format($0))" } }

    static func format(_ v: Double) -> String {
      v == v.rounded() && abs(v) < 1e15 ? String(Int64(v)) : "\(v)"
    }
  }

  /// Input features the preprocessing reads (the raw data's columns).
  public var inputCount: Int { standardization.means.count }

  /// Features it outputs: the ordinary columns plus one per category.
  public var outputCount: Int {
    inputCount - categorical.count + categorical.reduce(0) { $0 + $1.values.count }
  }

  /// The output features' names, given the input's.
  /// Precondition: `inputNames.count == inputCount`.
  public func outputNames(_ inputNames: [String]) -> [String] {
    precondition(inputNames.count == inputCount, "feature count differs from the fitted one")
    if categorical.isEmpty { return inputNames }
    let categoricalSet = Set(categorical.map(\.column))
    return inputNames.indices.filter { !categoricalSet.contains($0) }.map { inputNames[$0] }
      + categorical.flatMap(\.featureNames)
  }

  /// What makes the value unusable, or nil: the entry counts, and categorical
  /// columns that are out of range or order, or whose values are empty, not
  /// finite or not strictly ascending. Readers of stored forms check it.
  public var inconsistency: String? {
    let n = inputCount
    guard standardization.scales.count == n, imputation.map({ $0.values.count == n }) ?? true else {
      return "means, scales and imputation values must have one entry per feature"
    }
    var previous = -1
    for c in categorical {
      guard c.column > previous, c.column < n else {
        return "categorical column \(c.column) is out of range or order; accepted: ascending columns below \(n)"
      }
      previous = c.column
      guard !c.values.isEmpty, c.values.allSatisfy(\.isFinite), zip(c.values, c.values.dropFirst()).allSatisfy({ $0 < $1 })
      else {
        return "categorical column \(c.column) ('\(c.name)') needs finite, strictly ascending values"
      }
    }
    return nil
  }

  /// The indices of `names` among `data`'s features, ascending.
  /// - Throws: `.invalidArgument` naming `file` and the column when a name is
  ///   the label column, is not a feature column, or repeats.
  @discardableResult
  public static func checkCategorical<Scalar: DataScalar>(
    _ names: [String], of data: Dataset<Scalar>, file: String
  ) throws(DataError) -> [Int] {
    var indices: [Int] = []
    for (i, name) in names.enumerated() {
      if name == data.labelName {
        throw DataError(
          .invalidArgument, file: file, column: name,
          message: "is the label column and cannot be declared categorical; accepted: feature columns")
      }
      guard let index = data.featureNames.firstIndex(of: name) else {
        let shown = data.featureNames.prefix(20).map { "'\($0)'" }.joined(separator: ", ")
          + (data.featureCount > 20 ? ", …" : "")
        throw DataError(
          .invalidArgument, file: file, column: name,
          message: "is declared categorical but is not a column of the file; accepted: a feature column (\(shown))")
      }
      if names[..<i].contains(name) {
        throw DataError(
          .invalidArgument, file: file, column: name,
          message: "is declared categorical twice; accepted: distinct column names")
      }
      indices.append(index)
    }
    return indices.sorted()
  }

  /// The distinct values of each column in `columns` (ascending indices) and
  /// its most frequent value (the smallest on ties; 0 for a column without
  /// finite values).
  static func learnCategories<Scalar: DataScalar>(
    _ data: Dataset<Scalar>, columns: [Int]
  ) -> [(column: CategoricalColumn, mostFrequent: Double)] {
    guard !columns.isEmpty else { return [] }
    let width = data.featureCount
    let rows = data.rowCount
    return columns.map { j in
      var values: [Double] = []
      values.reserveCapacity(rows)
      data.features.withUnsafeBufferPointer { f in
        for i in 0..<rows {
          let v = f[i * width + j].doubleValue
          if v.isFinite { values.append(v + 0) }  // + 0 turns −0 into 0
        }
      }
      values.sort()
      var distinct: [Double] = []
      var best = (value: 0.0, count: 0)
      var start = 0
      while start < values.count {
        var end = start + 1
        while end < values.count && values[end] == values[start] { end += 1 }
        distinct.append(values[start])
        if end - start > best.count { best = (values[start], end - start) }
        start = end
      }
      return (CategoricalColumn(column: j, name: data.featureNames[j], values: distinct), best.value)
    }
  }

  /// `data` (already imputed and standardised) with each categorical column
  /// replaced by its one-hot block after the ordinary columns.
  func oneHotEncoded<Scalar: DataScalar>(_ data: Dataset<Scalar>) -> Dataset<Scalar> {
    let rows = data.rowCount
    let inWidth = data.featureCount
    let outWidth = outputCount
    let categoricalSet = Set(categorical.map(\.column))
    let ordinary = (0..<inWidth).filter { !categoricalSet.contains($0) }
    // Categories rounded to the data's precision, and each block's first output column.
    let tables = categorical.map { $0.values.map { Scalar($0).doubleValue } }
    var offsets: [Int] = []
    var next = ordinary.count
    for c in categorical {
      offsets.append(next)
      next += c.values.count
    }
    var out = [Scalar](repeating: 0, count: rows * outWidth)
    data.features.withUnsafeBufferPointer { f in
      out.withUnsafeMutableBufferPointer { o in
        for i in 0..<rows {
          let source = i * inWidth
          let target = i * outWidth
          for (k, j) in ordinary.enumerated() { o[target + k] = f[source + j] }
          for (b, c) in categorical.enumerated() {
            if let position = Self.position(of: f[source + c.column].doubleValue, in: tables[b]) {
              o[target + offsets[b] + position] = 1
            }
          }
        }
      }
    }
    return Dataset(
      features: out, labels: data.labels, featureNames: outputNames(data.featureNames), labelName: data.labelName,
      task: data.task, classCount: data.classCount)
  }

  /// The index of `value` in ascending `table`, or nil (NaN is never found).
  static func position(of value: Double, in table: [Double]) -> Int? {
    var low = 0
    var high = table.count
    while low < high {
      let mid = (low + high) / 2
      if table[mid] < value { low = mid + 1 } else { high = mid }
    }
    return low < table.count && table[low] == value ? low : nil
  }
}
