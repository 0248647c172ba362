import HPOCore

/// What validation found in a data file that can be used: its shape, task,
/// classes, missing values and warnings. (A file that cannot be used throws a
/// ``DataError`` instead, whose issues say why.)
public struct DataReport: Sendable, Equatable {
  /// The file as the caller named it.
  public var file: String
  /// Data rows kept (after `drop`, if asked).
  public var rowCount: Int
  /// Data rows read from the file.
  public var rowsRead: Int
  public var featureNames: [String]
  public var labelName: String
  public var task: LearningTask
  /// True when the task was not given and was inferred from the labels.
  public var taskInferred: Bool
  /// Rows per class for classification; empty for regression.
  public var classCounts: [Int]
  /// Per feature: missing or non-finite cells among the rows read.
  public var missingCounts: [Int]
  /// Warnings (severity `.warning`), in the order found.
  public var issues: [DataIssue]

  public init(
    file: String, rowCount: Int, rowsRead: Int, featureNames: [String], labelName: String, task: LearningTask,
    taskInferred: Bool, classCounts: [Int], missingCounts: [Int], issues: [DataIssue]
  ) {
    self.file = file
    self.rowCount = rowCount
    self.rowsRead = rowsRead
    self.featureNames = featureNames
    self.labelName = labelName
    self.task = task
    self.taskInferred = taskInferred
    self.classCounts = classCounts
    self.missingCounts = missingCounts
    self.issues = issues
  }

  /// A few lines for people: shape, task, classes, then each warning.
  public var text: String {
    var lines: [String] = []
    lines.append("\(file): \(rowCount) rows, \(featureNames.count) features, label '\(labelName)'")
    var task = "task: \(self.task.rawValue)" + (taskInferred ? " (inferred from the labels)" : "")
    if !classCounts.isEmpty {
      task += ", \(classCounts.count) classes: "
        + classCounts.enumerated().map { "\($0.offset): \($0.element)" }.joined(separator: ", ")
    }
    lines.append(task)
    let missing = missingCounts.reduce(0, +)
    lines.append("missing or non-finite feature values: \(missing)")
    if issues.isEmpty {
      lines.append("no warnings")
    } else {
      lines.append("warnings:")
      lines += issues.map { "  " + $0.description }
    }
    return lines.joined(separator: "\n") + "\n"
  }
}

/// A dataset read from a file together with its validation report.
public struct LoadedData<Scalar: DataScalar>: Sendable {
  public var dataset: Dataset<Scalar>
  public var report: DataReport
  /// The 1-based line in the file of each row of `dataset`.
  public var sourceLines: [Int]

  public init(dataset: Dataset<Scalar>, report: DataReport, sourceLines: [Int]) {
    self.dataset = dataset
    self.report = report
    self.sourceLines = sourceLines
  }
}
