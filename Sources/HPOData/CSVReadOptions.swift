import HPOCore

/// What the CSV reader needs besides the file: which column is the label, the
/// task, and what to do with missing values.
public struct CSVReadOptions: Sendable, Equatable {
  /// The label column's name; nil means the last column.
  public var label: String?
  /// The task; nil infers it: classification when the labels are exactly the
  /// integers 0..K-1 (every one present, 2 ≤ K ≤ min(1000, rows/2)), else regression.
  public var task: LearningTask?
  /// Missing and non-finite features: `.reject` (default) refuses them, naming
  /// the first; `.mean`/`.median` keep them as NaN for ``Preprocessing`` to
  /// impute from the training split; `.drop` removes their rows.
  public var missing: MissingPolicy

  public init(label: String? = nil, task: LearningTask? = nil, missing: MissingPolicy = .reject) {
    self.label = label
    self.task = task
    self.missing = missing
  }

  /// The options a data spec asks for.
  public init(spec: DataSpec) {
    self.init(label: spec.label, task: spec.task, missing: spec.missing)
  }
}
