import HPOCore

/// The rows of each split, as indices into the dataset that was split.
public struct SplitIndices: Sendable, Equatable {
  /// Training rows, in a seeded random order (so that shards mix classes).
  public var train: [Int]
  /// Validation rows, ascending.
  public var validation: [Int]
  /// Test rows, ascending.
  public var test: [Int]

  public init(train: [Int], validation: [Int], test: [Int]) {
    self.train = train
    self.validation = validation
    self.test = test
  }
}

/// Deterministic train/validation/test splits.
///
/// The same labels, task and ``SplitSpec`` give the same indices on every
/// machine and run: the only randomness is a ``SeededGenerator`` seeded with
/// `spec.seed`, drawn in a fixed order with an unbiased bounded draw written
/// here (not the standard library's, whose algorithm may change).
public enum DataSplitter {
  /// Splits `dataset` by `spec`. Classification is stratified: each class is
  /// cut on its own, so every split has every class in about the data's
  /// proportions. Each group of n rows (a class, or all rows for regression)
  /// gives round(n·test) test and round(n·validation) validation rows, at least
  /// 1 each, leaving at least 1 for training.
  ///
  /// - Throws: `.classTooSmall` / `.tooFewRows` when a group has fewer than 3 rows.
  public static func split<Scalar: DataScalar>(
    _ dataset: Dataset<Scalar>, spec: SplitSpec, file: String = "dataset"
  ) throws(DataError) -> SplitIndices {
    try split(labels: dataset.labels, classCount: dataset.classCount, spec: spec, file: file)
  }

  /// Splits rows given only their labels; `classCount` nil means regression
  /// (no stratification). See ``split(_:spec:file:)``.
  public static func split(
    labels: [Double], classCount: Int?, spec: SplitSpec, file: String = "dataset"
  ) throws(DataError) -> SplitIndices {
    var rng = SeededGenerator(seed: spec.seed)
    var groups: [[Int]]
    if let classCount {
      groups = Array(repeating: [], count: classCount)
      for (i, label) in labels.enumerated() { groups[Int(label)].append(i) }
    } else {
      groups = [Array(labels.indices)]
    }
    var train: [Int] = []
    var validation: [Int] = []
    var test: [Int] = []
    for (k, group) in groups.enumerated() {
      guard group.count >= 3 else {
        if classCount != nil {
          throw DataError(
            .classTooSmall, file: file,
            message: "class \(k) has \(group.count) rows; each class needs at least 3 so that the training, validation and test splits each get one")
        }
        throw DataError(
          .tooFewRows, file: file,
          message: "has \(group.count) data rows; at least 3 are needed so that the training, validation and test splits each get one")
      }
      var shuffled = group
      shuffle(&shuffled, &rng)
      let (nv, nt) = allocation(group.count, validation: spec.validation, test: spec.test)
      test += shuffled[0..<nt]
      validation += shuffled[nt..<(nt + nv)]
      train += shuffled[(nt + nv)...]
    }
    shuffle(&train, &rng)
    return SplitIndices(train: train, validation: validation.sorted(), test: test.sorted())
  }

  /// Validation and test counts for a group of `n` ≥ 3 rows.
  static func allocation(_ n: Int, validation: Double, test: Double) -> (Int, Int) {
    var nt = max(1, Int((Double(n) * test).rounded()))
    var nv = max(1, Int((Double(n) * validation).rounded()))
    while nt + nv > n - 1 {
      if nv >= nt && nv > 1 { nv -= 1 } else if nt > 1 { nt -= 1 } else { break }
    }
    return (nv, nt)
  }

  /// Fisher–Yates, from the last element down.
  static func shuffle(_ items: inout [Int], _ rng: inout SeededGenerator) {
    guard items.count > 1 else { return }
    for i in stride(from: items.count - 1, to: 0, by: -1) {
      let j = Int(bounded(UInt64(i + 1), &rng))
      items.swapAt(i, j)
    }
  }

  /// A uniform draw in 0..<n (Lemire's multiply-and-reject).
  static func bounded(_ n: UInt64, _ rng: inout SeededGenerator) -> UInt64 {
    var m = rng.next().multipliedFullWidth(by: n)
    if m.low < n {
      let threshold = (0 &- n) % n
      while m.low < threshold { m = rng.next().multipliedFullWidth(by: n) }
    }
    return m.high
  }
}
