import HPOCore

extension ReportInput {
  /// The packaged model and the data it learned from: what the model card
  /// (``ModelCard``) says beyond the winner, its metrics and the gates.
  public struct Package: Sendable, Equatable {
    /// The experiment's description, when it has one.
    public var description: String?
    public var kind: ModelKind
    public var precision: Precision
    public var parameters: Int
    public var task: LearningTask
    /// K for classification; nil for regression.
    public var classCount: Int?
    /// The label column's name.
    public var label: String
    /// The data's feature count.
    public var featureCount: Int
    /// The training split's statistics of each feature, in input order.
    public var features: [Feature]
    public var trainRows: Int
    public var testRows: Int
    /// The source file's name and SHA-256 (hex).
    public var sourceFile: String
    public var sourceSHA256: String
    /// The data's missing-value policy, and the imputation the model applies (`mean`/`median`), if any.
    public var missing: MissingPolicy
    public var imputation: MissingPolicy?

    public init(
      description: String?, kind: ModelKind, precision: Precision, parameters: Int, task: LearningTask,
      classCount: Int?, label: String, featureCount: Int, features: [Feature], trainRows: Int, testRows: Int,
      sourceFile: String, sourceSHA256: String, missing: MissingPolicy, imputation: MissingPolicy?
    ) {
      self.description = description
      self.kind = kind
      self.precision = precision
      self.parameters = parameters
      self.task = task
      self.classCount = classCount
      self.label = label
      self.featureCount = featureCount
      self.features = features
      self.trainRows = trainRows
      self.testRows = testRows
      self.sourceFile = sourceFile
      self.sourceSHA256 = sourceSHA256
      self.missing = missing
      self.imputation = imputation
    }
  }

  /// One feature's range on the training split.
  public struct Feature: Sendable, Equatable {
    public var name: String
    public var min: Double
    public var max: Double
    public var mean: Double
    public var std: Double

    public init(name: String, min: Double, max: Double, mean: Double, std: Double) {
      self.name = name
      self.min = min
      self.max = max
      self.mean = mean
      self.std = std
    }
  }
}
