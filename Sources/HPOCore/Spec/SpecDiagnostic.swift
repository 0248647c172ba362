/// One finding of experiment validation: where (JSON path and line/column) and what.
public struct SpecDiagnostic: Sendable, Equatable, CustomStringConvertible {
  public enum Severity: String, Sendable { case error, warning }

  public var severity: Severity
  /// Dotted JSON path of the offending value (`space.lr.low`, `validation.gates[0]`);
  /// empty for the document itself.
  public var path: String
  public var position: SourcePosition
  /// What is wrong, the bad value, and what is accepted.
  public var message: String

  public init(_ severity: Severity, path: String, position: SourcePosition, message: String) {
    self.severity = severity
    self.path = path
    self.position = position
    self.message = message
  }

  /// `path: message` (or just the message for the document itself).
  public var description: String { path.isEmpty ? message : "\(path): \(message)" }

  /// The line a compiler would print: `file:line:col: error: path: message`.
  public func rendered(file: String) -> String {
    let location = position.isKnown ? "\(file):\(position.line):\(position.column)" : file
    return "\(location): \(severity.rawValue): \(description)"
  }
}

/// An experiment file that cannot be run, with every problem found in it
/// (validation does not stop at the first). Users see ``rendered``; the CLI
/// exits with code 2.
public struct ExperimentError: Error, Sendable, Equatable, CustomStringConvertible {
  /// The file as the user named it.
  public var file: String
  /// Errors first, then warnings, each group in document order.
  public var diagnostics: [SpecDiagnostic]

  public init(file: String, diagnostics: [SpecDiagnostic]) {
    self.file = file
    self.diagnostics = diagnostics
  }

  /// Only the errors.
  public var errors: [SpecDiagnostic] { diagnostics.filter { $0.severity == .error } }

  /// One line per diagnostic, as a compiler prints them.
  public var rendered: String { diagnostics.map { $0.rendered(file: file) }.joined(separator: "\n") }

  public var description: String { rendered }
}
