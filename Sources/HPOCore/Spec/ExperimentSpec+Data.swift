/// Where the data is and how to cut it.
public struct DataSpec: Sendable, Equatable, Codable {
  /// The CSV file, relative to the experiment file.
  public var path: String
  /// The label column's name; `nil` means the last column.
  public var label: String?
  public var task: LearningTask
  public var split: SplitSpec
  /// How many shard files the training split is written as (≥ 1).
  public var shards: Int
  public var missing: MissingPolicy
  /// Feature columns holding category codes (any numbers), one-hot encoded by
  /// the preprocessing instead of standardised. Distinct, non-empty names;
  /// whether each is a feature column of the file is checked by HPOData.
  public var categorical: [String]

  public init(
    path: String, label: String? = nil, task: LearningTask, split: SplitSpec = SplitSpec(),
    shards: Int = 1, missing: MissingPolicy = .reject, categorical: [String] = []
  ) {
    self.path = path
    self.label = label
    self.task = task
    self.split = split
    self.shards = shards
    self.missing = missing
    self.categorical = categorical
  }

  enum CodingKeys: String, CodingKey {
    case path, label, task, split, shards, missing, categorical
  }

  /// Specs stored before `categorical` existed decode with none.
  public init(from decoder: any Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    self.init(
      path: try c.decode(String.self, forKey: .path), label: try c.decodeIfPresent(String.self, forKey: .label),
      task: try c.decode(LearningTask.self, forKey: .task), split: try c.decode(SplitSpec.self, forKey: .split),
      shards: try c.decode(Int.self, forKey: .shards), missing: try c.decode(MissingPolicy.self, forKey: .missing),
      categorical: try c.decodeIfPresent([String].self, forKey: .categorical) ?? [])
  }

  /// `categorical` is written only when non-empty, so the canonical JSON (and
  /// the spec hash the store keeps) of a spec without it is unchanged.
  public func encode(to encoder: any Encoder) throws {
    var c = encoder.container(keyedBy: CodingKeys.self)
    try c.encode(path, forKey: .path)
    try c.encodeIfPresent(label, forKey: .label)
    try c.encode(task, forKey: .task)
    try c.encode(split, forKey: .split)
    try c.encode(shards, forKey: .shards)
    try c.encode(missing, forKey: .missing)
    if !categorical.isEmpty { try c.encode(categorical, forKey: .categorical) }
  }
}

/// Fractions of the rows held out for validation (what the search optimises)
/// and test (what only the winner sees), and the seed of the shuffle.
/// Invariant: each in (0, 1), their sum < 1.
public struct SplitSpec: Sendable, Equatable, Codable {
  public var validation: Double
  public var test: Double
  public var seed: UInt64

  public init(validation: Double = 0.2, test: Double = 0.2, seed: UInt64 = 0) {
    self.validation = validation
    self.test = test
    self.seed = seed
  }
}

/// Supervised learning task.
public enum LearningTask: String, Sendable, Codable, CaseIterable {
  case classification, regression
}

/// What to do with missing or non-finite feature values.
public enum MissingPolicy: String, Sendable, Codable, CaseIterable {
  /// Refuse the data, naming the first bad cell (the default).
  case reject
  /// Impute the training split's mean or median.
  case mean, median
  /// Drop rows with a missing value.
  case drop
}
