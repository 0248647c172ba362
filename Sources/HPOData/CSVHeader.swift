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

  /// Parses the header at the start of `bytes` (after a UTF-8 byte-order mark,
  /// if any). Throws `.emptyFile` for a file with no header, `.unterminatedQuote`
  /// for a quoted name that never closes.
  static func parse(_ bytes: UnsafeRawBufferPointer, file: String) throws(DataError) -> CSVHeader {
    let data = bytes.bindMemory(to: UInt8.self)
    var i = 0
    if data.count >= 3 && data[0] == 0xEF && data[1] == 0xBB && data[2] == 0xBF { i = 3 }
    // Leading blank lines are skipped, as blank lines are everywhere.
    var line = 1
    while i < data.count && (data[i] == 0x0A || data[i] == 0x0D) {
      if data[i] == 0x0A { line += 1 }
      i += 1
    }
    guard i < data.count else {
      throw DataError(
        .emptyFile, file: file,
        message: "file is empty; expected a header row naming the columns and at least one data row")
    }
    var names: [String] = []
    var field: [UInt8] = []
    var quoted = false
    var atFieldStart = true
    var quotedLineBreaks = 0
    while i < data.count {
      let c = data[i]
      if quoted {
        if c == 0x22 {
          if i + 1 < data.count && data[i + 1] == 0x22 {
            field.append(0x22)
            i += 2
            continue
          }
          quoted = false
        } else {
          if c == 0x0A { quotedLineBreaks += 1 }
          field.append(c)
        }
        i += 1
        continue
      }
      if c == 0x22 && atFieldStart {
        quoted = true
        atFieldStart = false
        i += 1
        continue
      }
      if c == 0x2C {
        names.append(trimmed(field))
        field.removeAll(keepingCapacity: true)
        atFieldStart = true
        i += 1
        continue
      }
      if c == 0x0A || c == 0x0D {
        break
      }
      if !(atFieldStart && (c == 0x20 || c == 0x09)) { atFieldStart = false }
      field.append(c)
      i += 1
    }
    if quoted {
      throw DataError(
        .unterminatedQuote, file: file, line: line,
        message: "quoted field is never closed; a field that starts with \" must end with \" (write \"\" for a quote inside)")
    }
    names.append(trimmed(field))
    if i < data.count && data[i] == 0x0D { i += 1 }
    if i < data.count && data[i] == 0x0A { i += 1 }
    return CSVHeader(names: names, dataOffset: i, line: line, dataLine: line + quotedLineBreaks + 1)
  }

  private static func trimmed(_ field: [UInt8]) -> String {
    var lower = 0
    var upper = field.count
    while lower < upper && (field[lower] == 0x20 || field[lower] == 0x09) { lower += 1 }
    while upper > lower && (field[upper - 1] == 0x20 || field[upper - 1] == 0x09) { upper -= 1 }
    return String(decoding: field[lower..<upper], as: UTF8.self)
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
