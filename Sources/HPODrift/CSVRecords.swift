/// A small CSV splitter for files checked against a data profile: records of
/// text fields with the 1-based line each starts on. Accepts a UTF-8 BOM, LF
/// or CRLF line ends, a missing final newline, blank lines (skipped) and
/// fields in double quotes (`""` for a quote inside, line breaks allowed).
/// Fields are trimmed of surrounding spaces and tabs (inside quotes too, as
/// HPOData's reader does for numbers).
struct CSVRecords {
  struct Record {
    var line: Int
    var fields: [String]
  }

  /// Calls `body` with each record in order, without keeping them; returns
  /// the line of a quoted field that never closes (after the records before it).
  static func forEach(_ bytes: [UInt8], _ body: (Record) -> Void) -> UnterminatedQuote? {
    var fields: [String] = []
    var field: [UInt8] = []
    var quoted = false
    var wasQuoted = false
    var line = 1
    var recordLine = 1
    var quoteLine = 1
    var i = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0

    func finishField() {
      fields.append(String(decoding: field, as: UTF8.self).trimmingSpaces)
      field.removeAll(keepingCapacity: true)
      wasQuoted = false
    }
    func finishRecord() {
      finishField()
      if !(fields.count == 1 && fields[0].isEmpty) { body(Record(line: recordLine, fields: fields)) }
      fields.removeAll(keepingCapacity: true)
    }

    while i < bytes.count {
      let c = bytes[i]
      if quoted {
        if c == 0x22 {
          if i + 1 < bytes.count && bytes[i + 1] == 0x22 {
            field.append(0x22)
            i += 2
            continue
          }
          quoted = false
        } else {
          if c == 0x0A { line += 1 }
          field.append(c)
        }
        i += 1
        continue
      }
      switch c {
      case 0x22 where field.allSatisfy({ $0 == 0x20 || $0 == 0x09 }):
        field.removeAll(keepingCapacity: true)
        quoted = true
        wasQuoted = true
        quoteLine = line
      case 0x2C:
        finishField()
      case 0x0A:
        finishRecord()
        line += 1
        recordLine = line
      case 0x0D:
        break
      default:
        if !(wasQuoted && (c == 0x20 || c == 0x09)) { field.append(c) }
      }
      i += 1
    }
    if quoted { return UnterminatedQuote(line: quoteLine) }
    if !field.isEmpty || !fields.isEmpty || wasQuoted { finishRecord() }
    return nil
  }

  struct UnterminatedQuote: Error {
    var line: Int
  }
}

extension String {
  /// Without leading and trailing spaces and tabs.
  var trimmingSpaces: String {
    var s = Substring(self)
    while let f = s.first, f == " " || f == "\t" { s = s.dropFirst() }
    while let l = s.last, l == " " || l == "\t" { s = s.dropLast() }
    return String(s)
  }
}
