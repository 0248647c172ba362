import HPOCore
import HPOData

extension DataProfile {
  /// The profile of `train` (raw rows: not imputed, not standardised, not
  /// one-hot encoded), as the package stores it.
  ///
  /// - Parameters:
  ///   - train: The training split.
  ///   - categorical: The data spec's categorical column names (each must be a
  ///     feature of `train`; names that are not are ignored, as
  ///     ``Preprocessing`` has refused them already).
  ///   - missing: The data spec's missing-value policy.
  ///   - seed: Seeds the KS samples (the data split's seed, by convention).
  public init<S: DataScalar>(training train: Dataset<S>, categorical: [String], missing: MissingPolicy, seed: UInt64) {
    let categoricalSet = Set(categorical)
    var features: [FeatureProfile] = []
    for (j, name) in train.featureNames.enumerated() {
      let column = train.column(j)
      features.append(
        categoricalSet.contains(name)
          ? Self.categoricalFeature(name: name, column: column)
          : Self.numericFeature(name: name, column: column, seed: seed, stream: UInt64(j)))
    }
    let classes = train.classCount.map { k in (0..<k).map(String.init) }
    self.init(
      rows: train.rowCount, label: Label(name: train.labelName, task: train.task, classes: classes),
      missing: missing, seed: seed, features: features)
  }

  /// The profile of the training split of `dataPath` as `spec` reads,
  /// validates and splits it (``DataPipeline``: the split every worker and
  /// `hpo train` use), seeded with the split's seed.
  ///
  /// - Throws: ``DataError`` for every problem the pipeline finds.
  public static func make(spec: DataSpec, dataPath: String) throws(DataError) -> DataProfile {
    let splits = try DataPipeline(spec: spec, dataPath: dataPath).splits(as: Double.self)
    return DataProfile(
      training: splits.train, categorical: spec.categorical, missing: spec.missing, seed: spec.split.seed)
  }

  static func moments(_ present: [Double]) -> (min: Double, max: Double, mean: Double, std: Double) {
    guard let lo = present.min(), let hi = present.max() else { return (0, 0, 0, 0) }
    let mean = present.reduce(0, +) / Double(present.count)
    let variance = present.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(present.count)
    return (lo, hi, mean, variance.squareRoot())
  }

  static func numericFeature(name: String, column: [Double], seed: UInt64, stream: UInt64) -> FeatureProfile {
    let present = column.filter { !$0.isNaN }.sorted()
    let m = moments(present)
    let edges = quantileEdges(present, bins: psiBinCount)
    let counts = DriftStatistics.binCounts(column, edges: edges)
    return FeatureProfile(
      name: name, kind: .numeric, count: present.count,
      missingFraction: column.isEmpty ? 0 : Double(column.count - present.count) / Double(column.count),
      min: m.min, max: m.max, mean: m.mean, std: m.std, levels: nil, binEdges: edges,
      fractions: DriftStatistics.smoothedFractions(counts), ksSample: sample(present, seed: seed, stream: stream))
  }

  static func categoricalFeature(name: String, column: [Double]) -> FeatureProfile {
    let present = column.filter { !$0.isNaN }
    let m = moments(present)
    // −0 and 0 are one level, as in the one-hot encoding.
    let levels = Array(Set(present.map { $0 == 0 ? 0 : $0 })).sorted()
    let counts = DriftStatistics.levelCounts(column, levels: levels)
    return FeatureProfile(
      name: name, kind: .categorical, count: present.count,
      missingFraction: column.isEmpty ? 0 : Double(column.count - present.count) / Double(column.count),
      min: m.min, max: m.max, mean: m.mean, std: m.std, levels: levels, binEdges: nil,
      fractions: DriftStatistics.smoothedFractions(counts), ksSample: nil)
  }

  /// The `bins − 1` inner quantiles of the sorted `values` (linear
  /// interpolation between order statistics, NumPy's default), repeated
  /// values merged; empty for no values.
  static func quantileEdges(_ sorted: [Double], bins: Int) -> [Double] {
    guard !sorted.isEmpty else { return [] }
    var edges: [Double] = []
    let n = sorted.count
    for k in 1..<bins {
      let h = Double(n - 1) * Double(k) / Double(bins)
      let lower = Int(h.rounded(.down))
      let upper = Swift.min(lower + 1, n - 1)
      let q = sorted[lower] + (h - Double(lower)) * (sorted[upper] - sorted[lower])
      if edges.last.map({ q > $0 }) ?? true { edges.append(q) }
    }
    return edges
  }

  /// At most ``ksSampleLimit`` of the sorted `values`, in order, chosen by
  /// selection sampling: each value is kept with probability
  /// (still needed)/(still left), so every subset of that size is equally likely.
  static func sample(_ sorted: [Double], seed: UInt64, stream: UInt64) -> [Double] {
    let limit = ksSampleLimit
    guard sorted.count > limit else { return sorted }
    var rng = SeededGenerator(seed: seed, stream: stream)
    var out: [Double] = []
    out.reserveCapacity(limit)
    for (i, v) in sorted.enumerated() where out.count < limit {
      let u = Double(rng.next() >> 11) * 0x1p-53
      if u * Double(sorted.count - i) < Double(limit - out.count) { out.append(v) }
    }
    return out
  }
}
