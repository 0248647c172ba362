import HPOCore

#if canImport(Glibc)
import Glibc
#endif

/// The row loop of the CSV reader: scans the mapped bytes once, writing each
/// feature straight into a row-major `Float` or `Double` buffer and each label
/// into a `Double` buffer, with no `String` per cell.
///
/// Quoted fields, CRLF and blank lines are handled on the way; every problem
/// is recorded in `problems` (aggregated per kind and column) and parsing goes
/// on, so one pass finds them all. Missing and non-finite features are stored
/// as NaN and counted per column.
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
  /// True when an unterminated quote stopped the scan.
  var stoppedEarly = false

  private var scratch: UnsafeMutablePointer<UInt8>
  private var scratchCapacity = 256
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
    scratch = .allocate(capacity: 256)
    cScratch = .allocate(capacity: 256)
  }

  /// Frees the scratch buffers; call once when done.
  func deallocate() {
    scratch.deallocate()
    cScratch.deallocate()
  }

  /// Parses rows from `offset` to the end of `mapped`. `features` has room for
  /// `maxRows × (columns − 1)` elements of `dataType`, `labels` for `maxRows`;
  /// the caller guarantees `maxRows` ≥ the number of line ends left plus one.
  /// Returns the number of rows stored.
  mutating func parse(
    _ mapped: MappedFile, from offset: Int, firstLine: Int, maxRows: Int,
    features: UnsafeMutableRawPointer, labels: UnsafeMutablePointer<Double>
  ) -> Int {
    guard let base = mapped.bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return 0 }
    let end = base + mapped.bytes.count
    var p = base + offset
    var line = firstLine
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
      rows: while p < end && row < maxRows {
        let first = p.pointee
        if first == 0x0A {
          p += 1
          line += 1
          continue
        }
        if first == 0x0D && (p + 1 == end || p[1] == 0x0A) {
          p += p + 1 == end ? 1 : 2
          line += 1
          continue
        }
        let rowLine = line
        var column = 0
        var out = row * featureCount
        while true {
          let fieldStart = p
          var double = 0.0
          var single: Float = 0
          var kind = 0  // 0 number, 1 missing, 2 non-finite, 3 non-numeric
          var textEnd = p
          if p < end && p.pointee == 0x22 {
            guard let closed = quotedField(&p, end, &line) else {
              problems.add(.unterminatedQuote, column: -1, line: rowLine, text: "")
              stoppedEarly = true
              break rows
            }
            textEnd = p
            if closed >= 0 {
              kind = classifyContent(count: closed, &double, &single, isFloat: isFloat, powers: powers)
            } else {
              kind = 3
            }
          } else if let stop = DecimalScanner.scan(p, end, &double, powers: powers),
            stop == end || stop.pointee == 0x2C || stop.pointee == 0x0A || stop.pointee == 0x0D
          {
            p = stop
            textEnd = stop
            if isFloat {
              if let f = DecimalScanner.float(fromRounded: double) {
                single = f
              } else {
                kind = classify(fieldStart, count: stop - fieldStart, &double, &single)
              }
            }
          } else {
            while p < end {
              let c = p.pointee
              if c == 0x2C || c == 0x0A || c == 0x0D { break }
              p += 1
            }
            textEnd = p
            kind = classify(fieldStart, count: p - fieldStart, &double, &single)
          }

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

          if p < end && p.pointee == 0x2C {
            p += 1
            continue
          }
          if p < end {
            if p.pointee == 0x0D {
              p += 1
              if p < end && p.pointee == 0x0A { p += 1 }
            } else {
              p += 1
            }
          }
          line += 1
          break
        }
        if column != columns {
          problems.add(.raggedRow, column: -1, line: rowLine, text: "", detail: column)
          continue
        }
        rowLines.append(Int32(truncatingIfNeeded: rowLine))
        row += 1
        let consumed = p - base
        if consumed >= nextRelease {
          mapped.release(released..<consumed)
          released = consumed
          nextRelease = consumed + releaseStep
        }
      }
    }
    return row
  }

  /// Reads a quoted field starting at `p` (on the opening quote) into
  /// `scratch`, unescaping `""`. Leaves `p` at the field's end. Returns the
  /// content length, -1 when text follows the closing quote (the field is then
  /// not a number), or nil when the quote never closes.
  private mutating func quotedField(
    _ p: inout UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>, _ line: inout Int
  ) -> Int? {
    p += 1
    var count = 0
    while true {
      guard p < end else { return nil }
      let c = p.pointee
      if c == 0x22 {
        if p + 1 < end && p[1] == 0x22 {
          appendScratch(0x22, at: count)
          count += 1
          p += 2
          continue
        }
        p += 1
        break
      }
      if c == 0x0A { line += 1 }
      appendScratch(c, at: count)
      count += 1
      p += 1
    }
    var trailing = false
    while p < end {
      let c = p.pointee
      if c == 0x2C || c == 0x0A || c == 0x0D { break }
      if c != 0x20 && c != 0x09 { trailing = true }
      p += 1
    }
    return trailing ? -1 : count
  }

  private mutating func appendScratch(_ byte: UInt8, at index: Int) {
    if index == scratchCapacity {
      let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: scratchCapacity * 2)
      grown.update(from: scratch, count: scratchCapacity)
      scratch.deallocate()
      scratch = grown
      scratchCapacity *= 2
    }
    scratch[index] = byte
  }

  /// Classifies the unquoted content now in `scratch`.
  private mutating func classifyContent(
    count: Int, _ double: inout Double, _ single: inout Float, isFloat: Bool, powers: UnsafePointer<Double>
  ) -> Int {
    let start = UnsafePointer(scratch)
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
