import HPOCore

/// A data file's rows split exactly as ``DataPipeline`` splits them, kept as
/// the user wrote them: what a command experiment's code reads (`HPO_TRAIN`,
/// `HPO_VALIDATION`, and `HPO_TEST` for the winner's evaluation).
///
/// Each split is a CSV text: the file's header record, then its rows, each
/// the bytes of the record as in the file (quotes, spaces and all; a BOM and
/// blank lines left out), each followed by `\n`. The training rows come in
/// the built-in training split's (seeded) order, validation and test rows in
/// file order, as the built-in shards hold them. The same file and data spec
/// give the same bytes.
///
/// What hpo reads of the file for this, and what it leaves to the user's code:
/// - The structure is checked as for built-in models: the header (named,
///   distinct columns; the label column present), one field per column in
///   every row, quotes closed.
/// - The label column must be what the task needs (classes integers 0..K-1,
///   each with at least 3 rows; finite regression targets): the split is
///   stratified by class, as the built-in one.
/// - Feature cells are not read as numbers: text such as `red` is passed on.
///   `"missing": "drop"` leaves out the rows the built-in reader drops (a
///   feature cell empty, `NA`, `N/A`, `null`, `NULL` or non-finite, read as
///   float64); every other policy (`reject`, the default, `mean`, `median`)
///   keeps every row as it is, for the user's code to handle.
/// - `categorical` and `shards` play no part (the user's code encodes its
///   own features; each split is one file).
///
/// So whenever a built-in model can use the file with the same data spec,
/// both see the same rows in the same splits.
public struct RawCSVSplits: Sendable, Equatable {
  /// One split as CSV.
  public struct Split: Sendable, Equatable {
    /// The CSV text: header, then one row per line.
    public var bytes: [UInt8]
    /// The 1-based line of the source file on which each row starts, in the order written.
    public var lines: [Int]
  }

  public var train: Split
  public var validation: Split
  public var test: Split
  /// The rows kept after `"missing": "drop"`, as ``SplitIndices`` into them.
  public var indices: SplitIndices
  /// Data rows read from the file, and kept.
  public var rowsRead: Int
  public var rowsKept: Int
  /// The task (as the spec gives it) and its classes' count (nil for regression).
  public var task: LearningTask
  public var classCount: Int?
  /// Hex SHA-256 of the whole source file.
  public var sourceSHA256: String

  /// Reads `dataPath` (the spec's path, resolved) and splits it by `spec`.
  /// - Throws: ``DataError`` naming file, line and column: the structure
  ///   and label problems listed above, with the same messages as
  ///   ``CSVReader``; `.noDataRows` when no row is left.
  public static func split(spec: DataSpec, dataPath: String) throws(DataError) -> RawCSVSplits {
    let mapped = try MappedFile(path: dataPath)
    defer { mapped.close() }
    let bytes = mapped.bytes
    let header = try CSVHeader.parse(bytes, file: dataPath)
    let labelIndex = try header.labelIndex(label: spec.label, file: dataPath)
    let names = header.names
    let task = spec.task

    var log = CSVProblemLog()
    var headerRange = 0..<0
    var rows: [Range<Int>] = []
    var lines: [Int] = []
    var labels: [Double] = []
    var rowsRead = 0
    var isHeader = true
    let syntax = CSVTokenizer.forEachCellRecord(in: bytes) { record in
      let range = (record.spans.first?.lowerBound ?? 0)..<(record.spans.last?.upperBound ?? 0)
      if isHeader {
        isHeader = false
        headerRange = range
        return
      }
      rowsRead += 1
      guard record.count == names.count else {
        log.add(.raggedRow, column: -1, line: record.line, text: "", detail: record.count)
        return
      }
      let label: Double
      switch record.cells[labelIndex] {
      case .number(let value): label = value
      case .missing:
        log.add(.missingLabel, column: labelIndex, line: record.line, text: record.text(labelIndex))
        return
      case .nonFinite, .nonNumeric:
        let code: DataIssue.Code
        switch (record.cells[labelIndex], task) {
        case (_, .classification): code = .invalidClassLabel
        case (.nonFinite, _): code = .nonFiniteTarget
        default: code = .nonNumericCell
        }
        log.add(code, column: labelIndex, line: record.line, text: record.text(labelIndex))
        return
      }
      if spec.missing == .drop {
        for (j, cell) in record.cells.enumerated() where j != labelIndex {
          if cell == .missing || cell == .nonFinite { return }
        }
      }
      rows.append(range)
      lines.append(record.line)
      labels.append(label)
    }
    if let syntax { log.add(syntax.code, column: -1, line: syntax.line, text: "") }
    var issues = CSVReader.parseIssues(log, names: names, labelIndex: labelIndex, task: task, file: dataPath)
    if issues.isEmpty && rowsRead == 0 {
      issues.append(DataIssue(
        .error, .noDataRows, file: dataPath,
        message: "has a header but no data rows; expected at least one data row after the header"))
    }
    if !issues.isEmpty { throw DataError(issues) }
    if rows.isEmpty {
      throw DataError(
        .noDataRows, file: dataPath,
        message: "every data row has a missing or non-finite value, so \"missing\": \"drop\" leaves none")
    }
    let (_, _, classCount) = try CSVReader.checkLabels(
      labels, lines: lines, task: task, labelName: names[labelIndex], file: dataPath)
    let indices = try DataSplitter.split(labels: labels, classCount: classCount, spec: spec.split, file: dataPath)

    func text(_ order: [Int]) -> Split {
      var out = [UInt8](UnsafeRawBufferPointer(rebasing: bytes[headerRange]))
      out.append(0x0A)
      for i in order {
        out += UnsafeRawBufferPointer(rebasing: bytes[rows[i]])
        out.append(0x0A)
      }
      return Split(bytes: out, lines: order.map { lines[$0] })
    }
    return RawCSVSplits(
      train: text(indices.train), validation: text(indices.validation), test: text(indices.test),
      indices: indices, rowsRead: rowsRead, rowsKept: rows.count, task: task, classCount: classCount,
      sourceSHA256: SHA256Hex.of(bytes))
  }
}
