import Foundation
import HPOCore
import Testing
@testable import HPOData

/// The numeric reader (training) and the text records (`hpo predict`, `hpo
/// drift`) read the same file the same way: the same header, the same rows
/// on the same lines, the same value in every cell, the same syntax errors.
@Suite struct CSVTokenizerTests {
  let directory = TemporaryDirectory()

  /// What the numeric reader made of a file: names, each stored row's line
  /// and values (NaN for every cell that is not a number), the syntax error
  /// and ragged-row count, and per column the cells that were not numbers.
  struct NumericView: Equatable {
    var names: [String] = []
    var lines: [Int] = []
    var rows: [[Double]] = []
    var syntaxError: CSVSyntaxError?
    var raggedRows = 0
    var nonNumeric: [Int: Int] = [:]
    var missing: [Int: Int] = [:]
  }

  /// The numeric reader's row loop on `text` (every column read as a
  /// feature but the last, the label), missing values kept as NaN.
  func numericView(_ text: String) -> NumericView {
    let path = directory.write("view.csv", text)
    var view = NumericView()
    guard let mapped = try? MappedFile(path: path) else { return view }  // The file was just written.
    defer { mapped.close() }
    let header: CSVHeader
    do {
      header = try CSVHeader.parse(mapped.bytes, file: path)
    } catch {
      let issue = error.issues[0]
      switch issue.code {
      case .unterminatedQuote: view.syntaxError = CSVSyntaxError(.unterminatedQuote, line: issue.line ?? 0)
      case .loneCarriageReturn: view.syntaxError = CSVSyntaxError(.loneCarriageReturn, line: issue.line ?? 0)
      default: break  // An empty file: the text view has no records either.
      }
      return view
    }
    view.names = header.names
    let columns = header.names.count
    let maxRows = CSVReader.lineEnds(in: mapped, from: header.dataOffset) + 1
    var parser = CSVRowParser(
      file: path, names: header.names, labelIndex: columns - 1, task: .regression, missing: .mean, dataType: .float64)
    defer { parser.deallocate() }
    var features = [Double](repeating: 0, count: maxRows * max(columns - 1, 1))
    var labels = [Double](repeating: 0, count: maxRows)
    let count = features.withUnsafeMutableBytes { f in
      labels.withUnsafeMutableBufferPointer { l in
        parser.parse(
          mapped, from: header.dataOffset, firstLine: header.dataLine, maxRows: maxRows,
          features: f.baseAddress!, labels: l.baseAddress!)
      }
    }
    view.lines = parser.rowLines.map { Int($0) }
    view.rows = (0..<count).map { i in Array(features[(i * (columns - 1))..<((i + 1) * (columns - 1))]) + [labels[i]] }
    for (key, entry) in parser.problems.entries {
      switch key.code {
      case .unterminatedQuote: view.syntaxError = CSVSyntaxError(.unterminatedQuote, line: entry.firstLine)
      case .loneCarriageReturn: view.syntaxError = CSVSyntaxError(.loneCarriageReturn, line: entry.firstLine)
      case .raggedRow: view.raggedRows = entry.count
      case .nonNumericCell, .invalidClassLabel: view.nonNumeric[key.column, default: 0] += entry.count
      case .missingLabel, .nonFiniteTarget: view.missing[key.column, default: 0] += entry.count
      default: break
      }
    }
    for (j, n) in parser.missingCounts.enumerated() where n > 0 { view.missing[j, default: 0] += n }
    return view
  }

  /// The same, from the text records and ``CSVCell``.
  func textView(_ text: String) -> NumericView {
    var view = NumericView()
    var header: CSVRecord?
    view.syntaxError = CSVTokenizer.forEachRecord(in: Array(text.utf8)) { record in
      guard let header else {
        header = record
        view.names = record.fields
        return
      }
      // The numeric reader streams: it has judged a ragged row's cells (those
      // with a column) before it sees that the row is ragged.
      let values = record.fields.prefix(header.fields.count).enumerated().map { j, field in
        switch CSVCell(field) {
        case .number(let v): return v
        case .missing, .nonFinite:
          view.missing[j, default: 0] += 1
          return Double.nan
        case .nonNumeric:
          view.nonNumeric[j, default: 0] += 1
          return Double.nan
        }
      }
      guard record.fields.count == header.fields.count else {
        view.raggedRows += 1
        return
      }
      view.lines.append(record.line)
      view.rows.append(values)
    }
    return view
  }

  /// One record as the cell reader gives it, or as the text reader and
  /// ``CSVCell`` give it: its line, field texts and cells (numbers by bit pattern).
  struct CellRecordView: Equatable {
    var line: Int
    var texts: [String]
    var cells: [String]

    static func describe(_ cell: CSVCell) -> String {
      if case .number(let v) = cell { return "number \(v.bitPattern)" }
      return "\(cell)"
    }
  }

  /// The cell reader's records and syntax error, against the text reader's.
  func cellReadings(_ text: String) -> (cells: [CellRecordView], texts: [CellRecordView], cellError: CSVSyntaxError?, textError: CSVSyntaxError?) {
    let bytes = Array(text.utf8)
    var cells: [CellRecordView] = []
    let cellError = bytes.withUnsafeBytes { raw in
      CSVTokenizer.forEachCellRecord(in: raw) { record in
        cells.append(CellRecordView(
          line: record.line, texts: (0..<record.count).map(record.text), cells: record.cells.map(CellRecordView.describe)))
      }
    }
    var texts: [CellRecordView] = []
    let textError = CSVTokenizer.forEachRecord(in: bytes) { record in
      texts.append(CellRecordView(
        line: record.line, texts: record.fields, cells: record.fields.map { CellRecordView.describe(CSVCell($0)) }))
    }
    return (cells, texts, cellError, textError)
  }

  func expectSameReading(_ text: String, _ comment: Comment? = nil, sourceLocation: SourceLocation = #_sourceLocation) {
    let readings = cellReadings(text)
    #expect(readings.cells == readings.texts, comment, sourceLocation: sourceLocation)
    #expect(readings.cellError == readings.textError, comment, sourceLocation: sourceLocation)
    let numeric = numericView(text)
    let textual = textView(text)
    #expect(numeric.names == textual.names, comment, sourceLocation: sourceLocation)
    #expect(numeric.lines == textual.lines, comment, sourceLocation: sourceLocation)
    #expect(numeric.syntaxError == textual.syntaxError, comment, sourceLocation: sourceLocation)
    #expect(numeric.raggedRows == textual.raggedRows, comment, sourceLocation: sourceLocation)
    if numeric.syntaxError == nil {
      // (A syntax error stops the numeric reader inside a record whose first cells it has judged.)
      #expect(numeric.nonNumeric == textual.nonNumeric, comment, sourceLocation: sourceLocation)
      #expect(numeric.missing == textual.missing, comment, sourceLocation: sourceLocation)
    }
    let bits = { (rows: [[Double]]) in rows.map { $0.map { $0.isNaN ? UInt64.max : $0.bitPattern } } }
    #expect(bits(numeric.rows) == bits(textual.rows), comment, sourceLocation: sourceLocation)
  }

  static let trickyFiles: [(String, String)] = [
    ("BOM and CRLF", "\u{FEFF}a,b,y\r\n1,2,3\r\n4,5,6\r\n"),
    ("quoted everywhere", "\"a\",\"b\",\"y\"\n\"1\",\"-2.5e1\",\"3\"\n\"4\",\" 5 \",\"\"\"6\"\"\"\n"),
    ("quoted header with comma, quote and line break", "\"len, cm\",\"say \"\"hi\"\"\",\"y\nz\"\n1,2,3\n4,5,6\n"),
    ("blanks around values and before quotes", "a , b,\ty\n 1 ,\t2\t, \"3\" \n  \" 4\",5 ,6\n"),
    ("blank and whitespace-only lines", "\n  \na,b,y\n\n1,2,3\n \t \r\n\r\n4,5,6\n   "),
    ("no final newline, CR at the end", "a,b,y\n1,2,3\n4,5,6\r"),
    ("missing and non-finite cells, quoted or not", "a,b,y\nNA,\"\",1\n\"null\",inf,2\n N/A ,\"-Infinity\",3\n"),
    ("text after a closing quote", "a,b,y\n1,\"2\"x,3\n\"4\" \"5\",5,6\n"),
    ("hexadecimal and other text", "a,b,y\n0x10,abc,1\n-0X1p3,1e,2\n"),
    ("quoted line breaks in data", "a,b,y\n\"1\n\",2,3\n4,\"5\r\n\",6\n7,8,9\n"),
    ("ragged rows", "a,b,y\n1,2\n3,4,5,6\n7,8,9\n"),
    ("unterminated quote in the data", "a,b,y\n1,2,3\n4,\"5,6\n7,8,9\n"),
    ("unterminated quote after a multi-line field", "a,b,y\n\"1\n2\",\"3,4\n"),
    ("unterminated quote in the header", "a,\"b,y\n1,2,3\n"),
    ("lone CR in the data", "a,b,y\n1,2,3\r4,5,6\n"),
    ("lone CR in a blank line", "a,b,y\n1,2,3\n\r\r\n4,5,6\n"),
    ("lone CR after the header", "a,b,y\r1,2,3\r"),
    ("only a BOM and blank lines", "\u{FEFF}\n \r\n"),
  ]

  @Test(arguments: trickyFiles)
  func trickyFile_readsTheSameBothWays(_ id: String, _ text: String) {
    expectSameReading(text, "\(id)")
  }

  @Test func trickyFiles_readAsAUserExpects() {
    let crlf = textView("\u{FEFF}a,b,y\r\n1,2,3\r\n4,5,6\r\n")
    #expect(crlf.names == ["a", "b", "y"] && crlf.rows == [[1, 2, 3], [4, 5, 6]] && crlf.lines == [2, 3])
    let quoted = textView("\"len, cm\",\"say \"\"hi\"\"\",\"y\nz\"\n1,2,3\n4,5,6\n")
    #expect(quoted.names == ["len, cm", "say \"hi\"", "y\nz"] && quoted.lines == [3, 4])
    let blanks = textView("a , b,\ty\n 1 ,\t2\t, \"3\" \n  \" 4\",5 ,6\n")
    #expect(blanks.names == ["a", "b", "y"] && blanks.rows == [[1, 2, 3], [4, 5, 6]])
    let blankLines = textView("\n  \na,b,y\n\n1,2,3\n \t \r\n\r\n4,5,6\n   ")
    #expect(blankLines.lines == [5, 8] && blankLines.rows == [[1, 2, 3], [4, 5, 6]])
    let after = textView("a,b,y\n1,\"2\"x,3\n")
    #expect(after.nonNumeric == [1: 1])
    #expect(textView("a,b,y\n1,2,3\n4,\"5,6\n7,8,9\n").syntaxError == CSVSyntaxError(.unterminatedQuote, line: 3))
    #expect(textView("a,b,y\n\"1\n2\",\"3,4\n").syntaxError == CSVSyntaxError(.unterminatedQuote, line: 3))
    #expect(textView("a,b,y\n1,2,3\r4,5,6\n").syntaxError == CSVSyntaxError(.loneCarriageReturn, line: 2))
  }

  /// Random files of the troublesome pieces (quotes, commas, CR, LF, blanks,
  /// numbers, missing tokens, text) read the same both ways.
  @Test func randomFiles_readTheSameBothWays() {
    let pieces = [
      "1", "-2.5", "3e2", ".5", " 4 ", "\t7", "\"5\"", " \"6\" ", "\"7\"x", "\"a,b\"", "\"\"", "\"\"\"\"", "NA", "",
      "inf", "x", "\"li\nne\"", "0x1", "1e", "+8", "\"9", "\"", ",", "\n", "\r\n", "\r", " ", "\n\n", "  \n",
    ]
    var rng = SeededGenerator(seed: 2024)
    for trial in 0..<600 {
      var text = trial % 3 == 0 ? "\u{FEFF}" : ""
      let columns = 2 + Int(rng.next() % 3)
      text += (0..<columns).map { "c\($0)" }.joined(separator: ",") + (rng.next() % 4 == 0 ? "\r\n" : "\n")
      for _ in 0..<(1 + Int(rng.next() % 6)) {
        for j in 0..<columns {
          if j > 0 { text += "," }
          text += rng.next() % 3 == 0 ? pieces[Int(rng.next() % UInt64(pieces.count))] : String(rng.next() % 100)
        }
        text += ["\n", "\r\n", "", "\n\n"][Int(rng.next() % 4)]
      }
      expectSameReading(text, "trial \(trial): \(text.debugDescription)")
    }
  }

  /// The cell reader parses plain numbers from the bytes and keeps the text
  /// of everything else; a user's file means what it meant before.
  @Test func cellReader_givesCellsAndTexts() {
    let readings = cellReadings("a, b ,\"c,d\"\n1,-2.5e1, 3 \nNA,\"4\",x\n")
    #expect(readings.cellError == nil)
    #expect(readings.cells.map(\.line) == [1, 2, 3])
    #expect(readings.cells.map(\.texts) == [["a", "b", "c,d"], ["1", "-2.5e1", "3"], ["NA", "4", "x"]])
    #expect(readings.cells[1].cells == [1.0, -25, 3].map { CellRecordView.describe(.number($0)) })
    #expect(readings.cells[2].cells == [.missing, .number(4), .nonNumeric].map(CellRecordView.describe))
  }

  @Test func csvCell_followsTheNumericReader() {
    #expect(CSVCell("3") == .number(3))
    #expect(CSVCell("-0.5") == .number(-0.5))
    #expect(CSVCell("1e-3") == .number(1e-3))
    #expect(CSVCell(" 7 ") == .number(7))
    #expect(CSVCell("") == .missing && CSVCell("NA") == .missing && CSVCell("N/A") == .missing)
    #expect(CSVCell("null") == .missing && CSVCell("NULL") == .missing)
    #expect(CSVCell("-inf") == .nonFinite && CSVCell("NaN") == .nonFinite && CSVCell("1e999") == .nonFinite)
    #expect(CSVCell("0x10") == .nonNumeric && CSVCell("-0X1p3") == .nonNumeric)
    #expect(CSVCell("abc") == .nonNumeric && CSVCell("1 2") == .nonNumeric && CSVCell("\"2\"x") == .nonNumeric)
  }
}
