import HPOCore

/// One problem found in a data file: what kind, where (file, 1-based line,
/// column name) and a message that says what was found and what is accepted.
///
/// Issues are values: the reader collects them into a ``DataReport`` and throws
/// them as a ``DataError`` when any has severity `.error`. Their `description`
/// is the exact text shown to users and asserted by tests:
/// `FILE:LINE: column 'NAME': MESSAGE` (parts that are unknown are left out).
public struct DataIssue: Sendable, Equatable, CustomStringConvertible {
  /// Whether the issue stops the data from being used.
  public enum Severity: String, Sendable, Equatable {
    /// The data is refused.
    case error
    /// The data is usable but probably not what was meant.
    case warning
  }

  /// A stable name for the kind of problem, for programs and tests.
  public enum Code: String, Sendable, Equatable, CaseIterable {
    case fileUnreadable = "file-unreadable"
    case emptyFile = "empty-file"
    case noDataRows = "no-data-rows"
    case unnamedColumn = "unnamed-column"
    case duplicateColumn = "duplicate-column"
    case labelColumnMissing = "label-column-missing"
    case noFeatureColumns = "no-feature-columns"
    case raggedRow = "ragged-row"
    case unterminatedQuote = "unterminated-quote"
    case loneCarriageReturn = "lone-carriage-return"
    case nonNumericCell = "non-numeric-cell"
    case missingValue = "missing-value"
    case nonFiniteNumber = "non-finite-number"
    case missingLabel = "missing-label"
    case invalidClassLabel = "invalid-class-label"
    case missingClass = "missing-class"
    case classTooSmall = "class-too-small"
    case nonFiniteTarget = "non-finite-target"
    case tooFewRows = "too-few-rows"
    case emptyTrainingColumn = "empty-training-column"
    case constantColumn = "constant-column"
    case rowsDropped = "rows-dropped"
    case valuesImputed = "values-imputed"
    case badMagic = "bad-magic"
    case unsupportedVersion = "unsupported-version"
    case badHeader = "bad-header"
    case truncated = "truncated"
    case corrupt = "corrupt"
    case trailingData = "trailing-data"
    case hashMismatch = "hash-mismatch"
    case shapeMismatch = "shape-mismatch"
    case writeFailed = "write-failed"
    case invalidArgument = "invalid-argument"
  }

  public var severity: Severity
  public var code: Code
  /// The file as the caller named it.
  public var file: String
  /// The 1-based line where the problem is (the header is line 1), when it has one.
  public var line: Int?
  /// The column's name, when the problem belongs to one column.
  public var column: String?
  /// What was found and what is accepted, without the location prefix.
  public var message: String

  public init(
    _ severity: Severity, _ code: Code, file: String, line: Int? = nil, column: String? = nil,
    message: String
  ) {
    self.severity = severity
    self.code = code
    self.file = file
    self.line = line
    self.column = column
    self.message = message
  }

  /// `FILE:LINE: column 'NAME': MESSAGE`, the text users see.
  public var description: String { Self.located(message, file: file, line: line, column: column) }

  /// `FILE:LINE: column 'NAME': MESSAGE`, unknown parts left out: how every
  /// data problem is shown.
  public static func located(_ message: String, file: String, line: Int?, column: String?) -> String {
    var text = file
    if let line { text += ":\(line)" }
    text += ": "
    if let column { text += "column '\(column)': " }
    return text + message
  }
}

/// The error thrown by every reader and writer in HPOData: one or more issues
/// of severity `.error` (first the one that matters most), plus any warnings
/// found on the way.
public struct DataError: Error, Sendable, Equatable, CustomStringConvertible {
  /// All issues found, errors first, in the order found.
  public var issues: [DataIssue]

  public init(_ issues: [DataIssue]) {
    self.issues = issues.filter { $0.severity == .error } + issues.filter { $0.severity == .warning }
  }

  /// A single error.
  public init(
    _ code: DataIssue.Code, file: String, line: Int? = nil, column: String? = nil, message: String
  ) {
    self.init([DataIssue(.error, code, file: file, line: line, column: column, message: message)])
  }

  /// A file that could not be written (``DataIssue/Code/writeFailed``).
  public init(_ failure: FileWriteError) {
    self.init(.writeFailed, file: failure.path, message: failure.reason)
  }

  /// The issues of severity `.error`.
  public var errors: [DataIssue] { issues.filter { $0.severity == .error } }

  /// The first error: the one a one-line message shows.
  public var first: DataIssue? { errors.first }

  /// One issue per line, errors first.
  public var description: String { issues.map(\.description).joined(separator: "\n") }
}
