import HPOCore

/// A table of numeric features with one label per row, ready for training.
///
/// Invariants: `features.count == rowCount × featureCount` (row-major: row `i`
/// is `features[i*featureCount ..< (i+1)*featureCount]`) and
/// `labels.count == rowCount`. For classification every label is an integer
/// in `0..<classCount!` stored exactly as a `Double`; for regression
/// `classCount` is nil and labels are finite. Features may hold NaN only when
/// the data spec's missing policy is `mean` or `median` (they are imputed by
/// ``Preprocessing``). A value type: copies are cheap until written.
public struct Dataset<Scalar: DataScalar>: Sendable, Equatable {
  public var features: [Scalar]
  public var labels: [Double]
  public var featureNames: [String]
  public var labelName: String
  public var task: LearningTask
  /// K for classification (classes are 0..K-1); nil for regression.
  public var classCount: Int?

  /// Makes a dataset. Precondition: the counts match as the type's invariants say.
  public init(
    features: [Scalar], labels: [Double], featureNames: [String], labelName: String, task: LearningTask,
    classCount: Int?
  ) {
    precondition(features.count == labels.count * featureNames.count, "features must be rows × featureNames")
    self.features = features
    self.labels = labels
    self.featureNames = featureNames
    self.labelName = labelName
    self.task = task
    self.classCount = classCount
  }

  public var rowCount: Int { labels.count }
  public var featureCount: Int { featureNames.count }

  /// The features of row `i`.
  public func row(_ i: Int) -> ArraySlice<Scalar> {
    features[i * featureCount..<(i + 1) * featureCount]
  }

  /// The labels as class indices (classification), truncated toward zero otherwise.
  public var classIndices: [Int] { labels.map { Int($0) } }

  /// Rows rows of a given list, in that order (repeats allowed). Precondition: each index < rowCount.
  public func rows(_ indices: [Int]) -> Dataset {
    let width = featureCount
    var gathered = [Scalar]()
    gathered.reserveCapacity(indices.count * width)
    features.withUnsafeBufferPointer { source in
      for i in indices {
        precondition(i >= 0 && i < rowCount, "row index out of range")
        gathered.append(contentsOf: source[i * width..<(i + 1) * width])
      }
    }
    return Dataset(
      features: gathered, labels: indices.map { labels[$0] }, featureNames: featureNames,
      labelName: labelName, task: task, classCount: classCount)
  }

  /// Rows per class (index = class); empty for regression.
  public var classCounts: [Int] {
    guard let k = classCount else { return [] }
    var counts = Array(repeating: 0, count: k)
    for label in labels { counts[Int(label)] += 1 }
    return counts
  }

  /// Feature `j` of every row, as `Double`.
  public func column(_ j: Int) -> [Double] {
    var out = [Double]()
    out.reserveCapacity(rowCount)
    var i = j
    for _ in 0..<rowCount {
      out.append(features[i].doubleValue)
      i += featureCount
    }
    return out
  }
}
