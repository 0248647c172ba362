import HPOCore

#if canImport(Glibc)
import Glibc
#endif

/// The row loop of the CSV reader: scans the mapped bytes once, writing each
/// feature straight into a row-major `Float` or `Double` buffer and each label
/// into a `Double` buffer, with no `String` per cell.
///
/// The fields come from ``CSVTokenizer`` (quotes, line ends, blank lines);
/// every problem is recorded in `problems` (aggregated per kind and column)
/// and parsing goes on, so one pass finds them all. Missing and non-finite
/// features are stored as NaN and counted per column.
struct CSVRowParser {
  let file: String
  let names: [String]
  let labelIndex: Int
  let task: LearningTask?
  let missing: MissingPolicy
  let dataType: DataType

  var problems = CSVProblemLog()
  /// Per feature (not counting the label): cells that were missing or non-finite.
  var missingCounts: [Int]
  /// Per feature: the line of the first such cell (0 when none).
  var firstMissingLine: [Int]
  /// The 1-based line where each stored row starts.
  var rowLines: [Int32] = []
  /// True when a syntax error (an unterminated quote, a lone CR) stopped the scan.
  var stoppedEarly = false

  private var cScratch: UnsafeMutablePointer<CChar>
  private var cScratchCapacity = 256

  init(file: String, names: [String], labelIndex: Int, task: LearningTask?, missing: MissingPolicy, dataType: DataType) {
    self.file = file
    self.names = names
    self.labelIndex = labelIndex
    self.task = task
    self.missing = missing
    self.dataType = dataType
    missingCounts = Array(repeating: 0, count: names.count - 1)
    firstMissingLine = Array(repeating: 0, count: names.count - 1)
    cScratch = .allocate(capacity: 256)
  }

  /// Frees the scratch buffer; call once when done.
  func deallocate() {
    cScratch.deallocate()
  }

  /// Parses rows from `offset` to the end of `mapped`. `features` has room for
  /// `maxRows × (columns − 1)` elements of `dataType`, `labels` for `maxRows`;
  /// the caller guarantees `maxRows` ≥ the number of line ends left plus one.
  /// Returns the number of rows stored.
  ///
  /// Fields come from ``CSVTokenizer``, as for every reader of CSV text; the
  /// one shortcut is a number the decimal scanner reads up to a field's end,
  /// which is then exactly the field the tokenizer would give (see
  /// ``CSVTokenizer/endsField(_:_:)``) and its value the one ``CSVCell`` gives.
  mutating func parse(
    _ mapped: MappedFile, from offset: Int, firstLine: Int, maxRows: Int,
    features: UnsafeMutableRawPointer, labels: UnsafeMutablePointer<Double>
  ) -> Int {
    guard let base = mapped.bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return 0 }
    let end = base + mapped.bytes.count
    var tokens = CSVTokenizer(start: base + offset, end: end, line: firstLine)
    defer { tokens.deallocate() }
    var row = 0
    let columns = names.count
    let featureCount = columns - 1
    let isFloat = dataType == .float32
    let f32 = features.assumingMemoryBound(to: Float.self)
    let f64 = features.assumingMemoryBound(to: Double.self)
    let releaseStep = 8 << 20
    var released = 0
    var nextRelease = offset + releaseStep
    rowLines.reserveCapacity(maxRows)

    DecimalScanner.powersOfTen.withUnsafeBufferPointer { powersBuffer in
      let powers = powersBuffer.baseAddress!
      rows: while row < maxRows {
        switch tokens.nextRecord() {
        case .record: break
        case .endOfInput: break rows
        case .error(let error):
          stop(at: error)
          break rows
        }
        let rowLine = tokens.line
        var column = 0
        var out = row * featureCount
        fields: while true {
          let fieldStart = tokens.p
          var double = 0.0
          var single: Float = 0
          var kind = 0  // 0 number, 1 missing, 2 non-finite, 3 non-numeric
          if let stop = DecimalScanner.scan(fieldStart, end, &double, powers: powers),
            CSVTokenizer.endsField(stop, end)
          {
            tokens.p = stop
            if isFloat {
              if let f = DecimalScanner.float(fromRounded: double) {
                single = f
              } else {
                kind = classify(fieldStart, count: stop - fieldStart, &double, &single)
              }
            }
          } else {
            switch tokens.field() {
            case .plain:
              kind = classify(fieldStart, count: tokens.p - fieldStart, &double, &single)
            case .quoted(let count):
              kind = classifyContent(tokens.scratch, count: count, &double, &single, isFloat: isFloat, powers: powers)
            case .malformed:
              kind = 3
            case .unterminated(let error):
              stop(at: error)
              break rows
            }
          }
          let textEnd = tokens.p

          if column == labelIndex {
            if kind == 0 {
              labels[row] = double
            } else {
              labels[row] = .nan
              labelProblem(kind, line: rowLine, text: Self.text(fieldStart, textEnd))
            }
          } else if column < columns {
            if kind == 0 {
              if isFloat { f32[out] = single } else { f64[out] = double }
            } else {
              if isFloat { f32[out] = .nan } else { f64[out] = .nan }
              featureProblem(kind, column: column, feature: out - row * featureCount, line: rowLine,
                             text: Self.text(fieldStart, textEnd))
            }
            out += 1
          }
          column += 1

          switch tokens.endField() {
          case .comma: continue fields
          case .recordEnd: break fields
          case .error(let error):
            stop(at: error)
            break rows
          }
        }
        if column != columns {
          problems.add(.raggedRow, column: -1, line: rowLine, text: "", detail: column)
          continue
        }
        rowLines.append(Int32(truncatingIfNeeded: rowLine))
        row += 1
        let consumed = tokens.p - base
        if consumed >= nextRelease {
          mapped.release(released..<consumed)
          released = consumed
          nextRelease = consumed + releaseStep
        }
      }
    }
    return row
  }

  /// Records the syntax error that ends the scan.
  private mutating func stop(at error: CSVSyntaxError) {
    problems.add(error.code, column: -1, line: error.line, text: "")
    stoppedEarly = true
  }

  /// Classifies a quoted field's unescaped `content`.
  private mutating func classifyContent(
    _ content: UnsafeMutablePointer<UInt8>, count: Int, _ double: inout Double, _ single: inout Float, isFloat: Bool,
    powers: UnsafePointer<Double>
  ) -> Int {
    let start = UnsafePointer(content)
    if let stop = DecimalScanner.scan(start, start + count, &double, powers: powers), stop == start + count {
      if !isFloat { return 0 }
      if let f = DecimalScanner.float(fromRounded: double) {
        single = f
        return 0
      }
    }
    return classify(start, count: count, &double, &single)
  }

  /// The slow path: missing and non-finite tokens, then `strtod`/`strtof`.
  private mutating func classify(
    _ start: UnsafePointer<UInt8>, count: Int, _ double: inout Double, _ single: inout Float
  ) -> Int {
    if count + 1 > cScratchCapacity {
      cScratch.deallocate()
      cScratchCapacity = max(count + 1, cScratchCapacity * 2)
      cScratch = .allocate(capacity: cScratchCapacity)
    }
    switch DecimalScanner.classify(start, count: count, scratch: cScratch) {
    case .number(let d, let f):
      double = d
      single = f
      return 0
    case .missing: return 1
    case .nonFinite: return 2
    case .nonNumeric: return 3
    }
  }

  private static func text(_ start: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>) -> String {
    let shown = min(end - start, 40)
    let raw = String(decoding: UnsafeBufferPointer(start: start, count: shown), as: UTF8.self)
    return shown < end - start ? raw + "…" : raw
  }

  private mutating func featureProblem(_ kind: Int, column: Int, feature: Int, line: Int, text: @autoclosure () -> String) {
    if kind == 3 {
      problems.add(.nonNumericCell, column: column, line: line, text: text())
      return
    }
    missingCounts[feature] += 1
    if firstMissingLine[feature] == 0 { firstMissingLine[feature] = line }
    if missing == .reject {
      problems.add(kind == 1 ? .missingValue : .nonFiniteNumber, column: column, line: line, text: text())
    }
  }

  private mutating func labelProblem(_ kind: Int, line: Int, text: @autoclosure () -> String) {
    switch (kind, task) {
    case (1, _): problems.add(.missingLabel, column: labelIndex, line: line, text: text())
    case (_, .classification?): problems.add(.invalidClassLabel, column: labelIndex, line: line, text: text())
    case (2, _): problems.add(.nonFiniteTarget, column: labelIndex, line: line, text: text())
    default: problems.add(.nonNumericCell, column: labelIndex, line: line, text: text())
    }
  }
}
