import HPOData
/// The error of package checks, data profiles, input schemas and drift
/// checks: what kind of problem (a stable ``Code``) and each problem found,
/// located by file, 1-based line and column name where it has them.
///
/// Its `description` is the text users see, one problem per line, in the
/// format of HPOData's issues: `FILE:LINE: column 'NAME': MESSAGE`. Every
/// case is bad input to the command that hit it (exit code 2).
public struct DriftError: Error, Sendable, Equatable, CustomStringConvertible {
  /// What went wrong, for programs and tests.
  public enum Code: String, Sendable, Equatable, CaseIterable {
    /// A package file is missing, not listed in `SHA256SUMS`, or does not match its checksum.
    case packageIntegrity = "package-integrity"
    /// `data-profile.json` is not a profile this build reads.
    case badProfile = "bad-profile"
    /// The input CSV does not fit the profile's schema.
    case schema = "schema"
    /// A file cannot be read.
    case unreadable = "unreadable"
  }

  /// One problem, located.
  public struct Problem: Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var line: Int?
    public var column: String?
    public var message: String

    public init(file: String, line: Int? = nil, column: String? = nil, message: String) {
      self.file = file
      self.line = line
      self.column = column
      self.message = message
    }

    /// `FILE:LINE: column 'NAME': MESSAGE` (unknown parts left out), as data problems read.
    public var description: String { DataIssue.located(message, file: file, line: line, column: column) }
  }

  public var code: Code
  /// At least one, the most important first.
  public var problems: [Problem]

  public init(_ code: Code, problems: [Problem]) {
    self.code = code
    self.problems = problems
  }

  /// A single problem.
  public init(_ code: Code, file: String, line: Int? = nil, column: String? = nil, message: String) {
    self.init(code, problems: [Problem(file: file, line: line, column: column, message: message)])
  }

  public var description: String { problems.map(\.description).joined(separator: "\n") }
}
