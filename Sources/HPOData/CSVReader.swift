import HPOCore

#if canImport(Glibc)
import Glibc
#endif

/// Reads a numeric CSV file (header row; one label column) into a validated
/// ``Dataset``.
///
/// The file is mapped once. A `memchr` pass counts line ends to bound the
/// rows; then one parsing pass turns the bytes straight into one row-major
/// buffer of `Scalar` (see ``DecimalScanner`` for exactness). Pages already
/// scanned are released as it goes and the buffer's unused tail is never
/// touched, so peak memory is about the size of the parsed matrix. The bytes
/// are read by ``CSVTokenizer``'s rules (BOM, LF or CRLF, blank lines, quotes,
/// spaces around values) and each cell by ``CSVCell``'s, as `hpo predict` and
/// `hpo drift` read theirs. Everything that makes the data unusable is found
/// in the same pass and thrown together.
public enum CSVReader {
  /// Reads and validates `path`.
  ///
  /// - Parameters:
  ///   - path: The CSV file; messages name it as given.
  ///   - options: Label column, task, missing-value policy.
  ///   - type: The feature element type (`Float.self` or `Double.self`).
  /// - Returns: The dataset, its report (warnings: constant columns, dropped
  ///   rows, values to impute) and the source line of each row.
  /// - Throws: ``DataError`` naming file, line and column of each problem: empty
  ///   file, no data rows, unnamed or duplicate columns, label column missing,
  ///   ragged rows, unterminated quotes, lone CRs, non-numeric cells, missing or non-finite
  ///   values (under `.reject`), missing labels, class labels that are not
  ///   integers 0..K-1 or classes with fewer than 3 rows, non-finite regression
  ///   targets.
  public static func read<Scalar: DataScalar>(
    path: String, options: CSVReadOptions = CSVReadOptions(), as type: Scalar.Type = Scalar.self
  ) throws(DataError) -> LoadedData<Scalar> {
    let mapped = try MappedFile(path: path)
    defer { mapped.close() }
    let header = try CSVHeader.parse(mapped.bytes, file: path)
    let labelIndex = try header.labelIndex(label: options.label, file: path)
    let names = header.names
    let featureNames = names.enumerated().filter { $0.offset != labelIndex }.map(\.element)
    let featureCount = featureNames.count
    let maxRows = lineEnds(in: mapped, from: header.dataOffset) + 1

    var parser = CSVRowParser(
      file: path, names: names, labelIndex: labelIndex, task: options.task, missing: options.missing,
      dataType: Scalar.dataType)
    defer { parser.deallocate() }
    var rowCount = 0
    var labels: [Double] = []
    var features = [Scalar](unsafeUninitializedCapacity: maxRows * featureCount) { buffer, count in
      // Only the touched part of these capacities becomes resident memory.
      labels = [Double](unsafeUninitializedCapacity: maxRows) { labelBuffer, labelCount in
        rowCount = parser.parse(
          mapped, from: header.dataOffset, firstLine: header.dataLine, maxRows: maxRows,
          features: UnsafeMutableRawPointer(buffer.baseAddress!), labels: labelBuffer.baseAddress!)
        labelCount = rowCount
      }
      count = rowCount * featureCount
    }
    mapped.close()

    var issues = parseIssues(parser.problems, names: names, labelIndex: labelIndex, task: options.task, file: path)
    if issues.isEmpty && rowCount == 0 {
      issues.append(DataIssue(
        .error, .noDataRows, file: path,
        message: "has a header but no data rows; expected at least one data row after the header"))
    }
    if !issues.isEmpty { throw DataError(issues) }

    var lines = parser.rowLines.map { Int($0) }
    let rowsRead = rowCount
    var warnings: [DataIssue] = []
    let missingTotal = parser.missingCounts.reduce(0, +)
    if options.missing == .drop && missingTotal > 0 {
      rowCount = features.withUnsafeMutableBytes { bytes in
        RawMatrix.dropRowsWithNaN(
          bytes, type: Scalar.dataType, rows: rowsRead, columns: featureCount, labels: &labels, lines: &lines)
      }
      features.removeLast((rowsRead - rowCount) * featureCount)
      let firstLine = parser.firstMissingLine.filter { $0 > 0 }.min() ?? 0
      if rowCount == 0 {
        throw DataError(
          .noDataRows, file: path,
          message: "every data row has a missing or non-finite value, so \"missing\": \"drop\" leaves none")
      }
      warnings.append(DataIssue(
        .warning, .rowsDropped, file: path, line: firstLine,
        message: "dropped \(rowsRead - rowCount) of \(rowsRead) rows with missing or non-finite values, as \"missing\": \"drop\" asks (the first is shown)"))
    }

    let (task, inferred, classCount) = try checkLabels(
      labels, lines: lines, task: options.task, labelName: names[labelIndex], file: path)

    let ranges = features.withUnsafeBytes {
      RawMatrix.columnRanges($0, type: Scalar.dataType, rows: rowCount, columns: featureCount)
    }
    for j in 0..<featureCount {
      if ranges.count[j] == 0 {
        throw DataError(
          .emptyTrainingColumn, file: path, column: featureNames[j],
          message: "has no values (all \(rowCount) are missing or non-finite); a column needs values to impute from")
      }
      if options.missing == .mean || options.missing == .median, parser.missingCounts[j] > 0 {
        warnings.append(DataIssue(
          .warning, .valuesImputed, file: path, line: parser.firstMissingLine[j], column: featureNames[j],
          message: "\(parser.missingCounts[j]) missing or non-finite values will be replaced by the training split's \(options.missing.rawValue), as \"missing\": \"\(options.missing.rawValue)\" asks (the first is shown)"))
      }
      if ranges.min[j] == ranges.max[j] {
        warnings.append(DataIssue(
          .warning, .constantColumn, file: path, column: featureNames[j],
          message: "is constant (every value is \(formatNumber(ranges.min[j]))); it carries no information, and standardisation leaves it at 0"))
      }
    }

    let dataset = Dataset(
      features: features, labels: labels, featureNames: featureNames, labelName: names[labelIndex],
      task: task, classCount: classCount)
    let report = DataReport(
      file: path, rowCount: rowCount, rowsRead: rowsRead, featureNames: featureNames,
      labelName: names[labelIndex], task: task, taskInferred: inferred, classCounts: dataset.classCounts,
      missingCounts: parser.missingCounts, issues: warnings)
    return LoadedData(dataset: dataset, report: report, sourceLines: lines)
  }

  /// The number of LF bytes from `offset` on: with one more, an upper bound
  /// on the data rows. Releases the pages it has counted.
  static func lineEnds(in mapped: MappedFile, from offset: Int) -> Int {
    guard let base = mapped.bytes.baseAddress else { return 0 }
    var count = 0
    var position = offset
    var released = offset
    let end = mapped.bytes.count
    while position < end, let hit = memchr(base + position, 0x0A, end - position) {
      count += 1
      position = (base.distance(to: UnsafeRawPointer(hit))) + 1
      if position - released >= 8 << 20 {
        mapped.release(released..<position)
        released = position
      }
    }
    mapped.release(released..<end)
    return count
  }
}
