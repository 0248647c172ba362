import Foundation

extension DriftReport {
  /// One column's distribution on both sides, over the buckets the check
  /// counted: each bucket's share of the training rows (`reference`) and of
  /// the new rows (`new`). JSON: `histogram` of a feature, with `labels`,
  /// `edges` (numeric only), `reference` and `new`.
  ///
  /// Buckets: a numeric feature — the profile's PSI bins (`≤ e₀`, `(e₀, e₁]`,
  /// …, `> eₖ`, a value `x` in the first bin with `x ≤ edge`) and `missing`;
  /// a categorical feature — each training level, `unseen` (values training
  /// never saw) and `missing`; the model's classes — one bucket per class;
  /// its regression outputs — the bins cut at the deciles of the outputs on
  /// the test split. The training side of a feature is recovered from the
  /// profile's smoothed fractions and row count (``DataProfile``).
  ///
  /// Each side's fractions sum to 1 (up to rounding), or are all 0 when that
  /// side has no rows.
  public struct Histogram: Sendable, Equatable, Codable {
    /// One per bucket, as a reader sees it (`(0.5, 1.2]`, `3`, `unseen`, `missing`, `class 1`).
    public var labels: [String]
    /// Numeric buckets: the cut points between the bins, ascending; nil for categories and classes.
    public var edges: [Double]?
    /// The training (or test-split) share of each bucket.
    public var reference: [Double]
    /// The new data's share of each bucket.
    public var new: [Double]

    public init(labels: [String], edges: [Double]?, reference: [Double], new: [Double]) {
      precondition(labels.count == reference.count && labels.count == new.count, "one label and two fractions per bucket")
      self.labels = labels
      self.edges = edges
      self.reference = reference
      self.new = new
    }

    /// Each count's share of their sum; all 0 when the sum is 0.
    public static func fractions(_ counts: [Int]) -> [Double] {
      let total = counts.reduce(0, +)
      guard total > 0 else { return counts.map { _ in 0 } }
      return counts.map { Double($0) / Double(total) }
    }

    /// Numeric bins cut at `edges`, then the missing bucket (counts as
    /// ``DriftStatistics/binCounts(_:edges:)`` gives them: `edges.count + 2`).
    static func bins(edges: [Double], reference: [Int], new: [Int]) -> Histogram {
      Histogram(labels: binLabels(edges) + ["missing"], edges: edges, reference: fractions(reference), new: fractions(new))
    }

    /// Categorical levels, then `unseen` and `missing` (counts as
    /// ``DriftStatistics/levelCounts(_:levels:)`` gives them).
    static func levels(_ levels: [Double], reference: [Int], new: [Int]) -> Histogram {
      Histogram(
        labels: levels.map(DriftReport.level) + ["unseen", "missing"], edges: nil, reference: fractions(reference),
        new: fractions(new))
    }

    /// Predicted classes, one bucket each.
    static func classes(reference: [Int], new: [Int]) -> Histogram {
      Histogram(labels: reference.indices.map { "class \($0)" }, edges: nil, reference: fractions(reference), new: fractions(new))
    }

    /// Regression outputs (finite, `reference` sorted) in the bins cut at the
    /// deciles of `reference`; no missing bucket.
    static func values(reference: [Double], new: [Double]) -> Histogram {
      let edges = DataProfile.quantileEdges(reference, bins: DataProfile.psiBinCount)
      let bins = edges.count + 1
      return Histogram(
        labels: binLabels(edges), edges: edges,
        reference: fractions(Array(DriftStatistics.binCounts(reference, edges: edges).prefix(bins))),
        new: fractions(Array(DriftStatistics.binCounts(new, edges: edges).prefix(bins))))
    }

    /// `≤ e₀`, `(e₀, e₁]`, …, `> eₖ` with 4 significant digits (``edges``
    /// holds the exact cut points); one bucket `all values` without edges.
    static func binLabels(_ edges: [Double]) -> [String] {
      guard let first = edges.first, let last = edges.last else { return ["all values"] }
      func short(_ x: Double) -> String { String(format: "%.4g", x) }
      let inner = zip(edges, edges.dropFirst()).map { "(\(short($0)), \(short($1))]" }
      return ["≤ \(short(first))"] + inner + ["> \(short(last))"]
    }
  }
}
