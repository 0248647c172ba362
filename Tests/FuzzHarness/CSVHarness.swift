import Foundation
import HPOCore
import HPOData

/// The CSV readers: ``CSVReader`` (training data, through a mapped file),
/// ``CSVTokenizer/forEachRecord(in:_:)`` (records as text) and
/// ``CSVTokenizer/forEachCellRecord(in:_:)`` (records as cells, what `hpo
/// predict` and `hpo drift` read).
///
/// Input: byte 0 picks the options (bits 0–1 the task: inferred,
/// classification, regression, inferred; bits 2–3 the missing-value policy:
/// reject, mean, median, drop; bit 4 Double instead of Float; bit 5 the label
/// column named "label" instead of the last one); the rest is the file.
///
/// Properties: both readers throw or return, never trap or read out of bounds
/// (the tokenizer works on raw pointers, hence AddressSanitizer); an accepted
/// dataset is consistent (a row of features and a source line per label,
/// class labels in 0..<K, finite regression targets), and its file tokenizes
/// without a syntax error; the cell reader gives, record for record, the
/// text reader's lines, field counts and texts, each cell `CSVCell(text)`,
/// and the same syntax error.
enum CSVHarness {
  static func run(_ bytes: [UInt8], in scratch: URL) -> FuzzTarget.Outcome {
    guard let flags = bytes.first else { return .refused("empty input") }
    let file = Array(bytes.dropFirst())
    let tasks: [LearningTask?] = [nil, .classification, .regression, nil]
    let policies: [MissingPolicy] = [.reject, .mean, .median, .drop]
    let options = CSVReadOptions(
      label: flags & 0x20 != 0 ? "label" : nil, task: tasks[Int(flags & 3)], missing: policies[Int(flags >> 2 & 3)])

    var emptyRecord: Int?
    var records: [CSVRecord] = []
    let syntaxError = CSVTokenizer.forEachRecord(in: file) { record in
      if record.fields.isEmpty, emptyRecord == nil { emptyRecord = record.line }
      records.append(record)
    }
    if let line = emptyRecord { return .violated("a record with no fields at line \(line)") }
    if let difference = cellReaderDifference(file, records: records, syntaxError: syntaxError) {
      return .violated(difference)
    }

    let url = scratch.appendingPathComponent("data.csv")
    writeScratch(file, to: url)
    return flags & 0x10 != 0
      ? check(url.path, options, as: Double.self, syntaxError: syntaxError)
      : check(url.path, options, as: Float.self, syntaxError: syntaxError)
  }

  static func check<Scalar: DataScalar>(
    _ path: String, _ options: CSVReadOptions, as type: Scalar.Type, syntaxError: CSVSyntaxError?
  ) -> FuzzTarget.Outcome {
    let loaded: LoadedData<Scalar>
    do {
      loaded = try CSVReader.read(path: path, options: options, as: Scalar.self)
    } catch {
      guard !error.issues.isEmpty else { return .violated("a refused CSV file names no issue") }
      return .refused(error.description)
    }
    if let syntaxError { return .violated("CSVReader accepts a file the tokenizer refuses: \(syntaxError.message)") }
    let d = loaded.dataset
    guard d.rowCount > 0 else { return .violated("an accepted dataset has no rows") }
    guard d.features.count == d.rowCount * d.featureCount else {
      return .violated("features hold \(d.features.count) values for \(d.rowCount) × \(d.featureCount)")
    }
    guard loaded.sourceLines.count == d.rowCount else {
      return .violated("\(loaded.sourceLines.count) source lines for \(d.rowCount) rows")
    }
    switch d.task {
    case .classification:
      let k = d.classCount ?? 0
      guard d.labels.allSatisfy({ $0 >= 0 && $0 < Double(k) && $0 == $0.rounded() }) else {
        return .violated("a class label outside 0..<\(k)")
      }
    case .regression:
      guard d.labels.allSatisfy(\.isFinite) else { return .violated("a non-finite regression target") }
    }
    return .accepted
  }

  /// Where the cell reader and the text reader disagree on `file`, or nil.
  static func cellReaderDifference(_ file: [UInt8], records: [CSVRecord], syntaxError: CSVSyntaxError?) -> String? {
    var index = 0
    var difference: String?
    let cellError = file.withUnsafeBytes { bytes in
      CSVTokenizer.forEachCellRecord(in: bytes) { cells in
        guard difference == nil else { return }
        guard index < records.count else {
          difference = "the cell reader gives a record at line \(cells.line) the text reader does not"
          return
        }
        let record = records[index]
        index += 1
        guard cells.line == record.line, cells.count == record.fields.count else {
          difference = "line \(record.line): the cell reader gives \(cells.count) fields at line \(cells.line), the text reader \(record.fields.count)"
          return
        }
        for (i, text) in record.fields.enumerated() {
          guard cells.text(i) == text else {
            difference = "line \(record.line) field \(i): text '\(cells.text(i))' against '\(text)'"
            return
          }
          let expected = CSVCell(text)
          let same: Bool
          switch (cells.cells[i], expected) {
          case (.number(let a), .number(let b)): same = a.bitPattern == b.bitPattern
          default: same = cells.cells[i] == expected
          }
          guard same else {
            difference = "line \(record.line) field \(i) '\(text)': cell \(cells.cells[i]) against CSVCell \(expected)"
            return
          }
        }
      }
    }
    if let difference { return difference }
    if index != records.count { return "the cell reader gives \(index) records, the text reader \(records.count)" }
    if cellError != syntaxError {
      return "the cell reader stops with \(String(describing: cellError)), the text reader with \(String(describing: syntaxError))"
    }
    return nil
  }
}
