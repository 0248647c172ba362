/// The header row of a CSV file: the column names, where the data starts, and
/// the checks on the names (none empty, none repeated, the label present).
struct CSVHeader {
  /// The names, trimmed of surrounding spaces, unquoted.
  var names: [String]
  /// Byte offset of the first data row (after the header's line end).
  var dataOffset: Int
  /// The 1-based line of the header (after any leading blank lines).
  var line: Int
  /// The 1-based line where the data starts (after quoted line breaks in the header).
  var dataLine: Int

  /// Parses the header: the first record of `bytes` by ``CSVTokenizer``'s
  /// rules (after a byte-order mark and blank lines). Throws `.emptyFile` for
  /// a file with no header, and the tokenizer's syntax errors.
  static func parse(_ bytes: UnsafeRawBufferPointer, file: String) throws(DataError) -> CSVHeader {
    guard var tokenizer = CSVTokenizer(file: bytes), let base = bytes.baseAddress else { throw emptyFile(file) }
    defer { tokenizer.deallocate() }
    switch tokenizer.nextRecord() {
    case .endOfInput: throw emptyFile(file)
    case .error(let error): throw error.dataError(file: file)
    case .record: break
    }
    let line = tokenizer.line
    var names: [String] = []
    if let error = tokenizer.textFields(into: &names) { throw error.dataError(file: file) }
    let dataOffset = base.distance(to: UnsafeRawPointer(tokenizer.p))
    return CSVHeader(names: names, dataOffset: dataOffset, line: line, dataLine: tokenizer.line)
  }

  private static func emptyFile(_ file: String) -> DataError {
    DataError(
      .emptyFile, file: file,
      message: "file is empty; expected a header row naming the columns and at least one data row")
  }

  /// Checks the names and finds the label column: `label` by name, or the last
  /// column when nil. Throws every header problem at once.
  func labelIndex(label: String?, file: String) throws(DataError) -> Int {
    var issues: [DataIssue] = []
    var firstIndex: [String: Int] = [:]
    var reported: Set<String> = []
    for (i, name) in names.enumerated() {
      if name.isEmpty {
        issues.append(DataIssue(
          .error, .unnamedColumn, file: file, line: line,
          message: "column \(i + 1) of the header has no name; every column needs a unique name"))
      } else if let first = firstIndex[name] {
        if reported.insert(name).inserted {
          issues.append(DataIssue(
            .error, .duplicateColumn, file: file, line: line, column: name,
            message: "appears twice in the header (columns \(first + 1) and \(i + 1)); column names must be unique"))
        }
      } else {
        firstIndex[name] = i
      }
    }
    var index = names.count - 1
    if let label {
      if let found = firstIndex[label] {
        index = found
      } else {
        let shown = names.prefix(10).map { "'\($0)'" }.joined(separator: ", ")
          + (names.count > 10 ? ", … (\(names.count) columns)" : "")
        issues.append(DataIssue(
          .error, .labelColumnMissing, file: file, line: line,
          message: "label column '\(label)' not found; the header has \(shown)"))
      }
    }
    if names.count < 2 && issues.isEmpty {
      issues.append(DataIssue(
        .error, .noFeatureColumns, file: file, line: line,
        message: "the header has only the label column '\(names[index])'; at least one feature column is needed"))
    }
    if !issues.isEmpty { throw DataError(issues) }
    return index
  }
}
