/// One record of a CSV file read for its numbers: each field's ``CSVCell``
/// and, on demand, its text, with the 1-based line the record starts on.
///
/// A field that is a plain decimal number (the common case) is parsed
/// straight from the file's bytes, with no `String` made for it; its text is
/// decoded only when ``text(_:)`` asks. Every cell equals `CSVCell(text)` of
/// the field ``CSVTokenizer/forEachRecord(in:_:)`` gives, and every text that
/// field's value: the two readings of a file never differ.
///
/// A record is only valid inside the call of
/// ``CSVTokenizer/forEachCellRecord(in:_:)`` that gives it (its plain fields'
/// texts point into the file's bytes).
public struct CSVCellRecord {
  /// The 1-based line the record starts on.
  public internal(set) var line: Int
  /// One cell per field, in order.
  public internal(set) var cells: [CSVCell]
  /// Per field: the text of a field that is not a plain number (nil for one
  /// that is; ``text(_:)`` decodes it from ``spans``).
  var texts: [String?]
  /// Per field: where its untrimmed bytes are, as offsets into `bytes`.
  var spans: [Range<Int>]
  /// The file's bytes.
  let bytes: UnsafeRawBufferPointer

  init(bytes: UnsafeRawBufferPointer) {
    self.bytes = bytes
    line = 0
    cells = []
    texts = []
    spans = []
  }

  /// The number of fields.
  public var count: Int { cells.count }

  /// Field `index`'s value as text (unquoted and trimmed, as
  /// ``CSVTokenizer/forEachRecord(in:_:)`` gives it).
  public func text(_ index: Int) -> String {
    if let text = texts[index] { return text }
    let span = spans[index]
    let base = bytes.baseAddress!.assumingMemoryBound(to: UInt8.self)
    return CSVTokenizer.trimmedText(base + span.lowerBound, base + span.upperBound)
  }

  mutating func removeAll(line: Int) {
    self.line = line
    cells.removeAll(keepingCapacity: true)
    texts.removeAll(keepingCapacity: true)
    spans.removeAll(keepingCapacity: true)
  }

  mutating func append(_ cell: CSVCell, text: String?, span: Range<Int>) {
    cells.append(cell)
    texts.append(text)
    spans.append(span)
  }
}

extension CSVTokenizer {
  /// Calls `body` with each record of `bytes` in order (the header first),
  /// by the rules of ``CSVTokenizer``, its fields read as ``CSVCell``s; the
  /// fast counterpart of ``forEachRecord(in:_:)`` for readers that want numbers.
  ///
  /// - Returns: The syntax error that stopped the scan (after the records
  ///   before it), or nil when the whole input was read.
  public static func forEachCellRecord(
    in bytes: UnsafeRawBufferPointer, _ body: (CSVCellRecord) -> Void
  ) -> CSVSyntaxError? {
    scanCellRecords(in: bytes, afterEach: { _ in }, body)
  }

  /// ``forEachCellRecord(in:_:)`` over the file at `path`, mapped into memory:
  /// the pages already read leave the resident set as the scan goes on.
  /// `lineEnds`, when given, is called first with the number of line feeds in
  /// the file (at least the number of records less one), so that the caller
  /// can reserve room for the rows.
  /// - Throws: ``DataError`` `.fileUnreadable` naming the file and the reason.
  public static func forEachCellRecord(
    file path: String, lineEnds: ((Int) -> Void)? = nil, _ body: (CSVCellRecord) -> Void
  ) throws(DataError) -> CSVSyntaxError? {
    let mapped = try MappedFile(path: path)
    defer { mapped.close() }
    if let lineEnds { lineEnds(CSVReader.lineEnds(in: mapped, from: 0)) }
    let step = 8 << 20
    var released = 0
    return scanCellRecords(
      in: mapped.bytes,
      afterEach: { consumed in
        if consumed - released >= step {
          mapped.release(released..<consumed)
          released = consumed
        }
      }, body)
  }

  /// The scan: `afterEach` gets the bytes consumed after each record.
  private static func scanCellRecords(
    in bytes: UnsafeRawBufferPointer, afterEach: (Int) -> Void, _ body: (CSVCellRecord) -> Void
  ) -> CSVSyntaxError? {
    guard var tokens = CSVTokenizer(file: bytes) else { return nil }
    defer { tokens.deallocate() }
    let base = bytes.baseAddress!.assumingMemoryBound(to: UInt8.self)
    let end = tokens.end
    var record = CSVCellRecord(bytes: bytes)
    return DecimalScanner.powersOfTen.withUnsafeBufferPointer { powersBuffer -> CSVSyntaxError? in
      let powers = powersBuffer.baseAddress!
      while true {
        switch tokens.nextRecord() {
        case .endOfInput: return nil
        case .error(let error): return error
        case .record: break
        }
        record.removeAll(line: tokens.line)
        while true {
          let start = tokens.p
          var value = 0.0
          if let stop = DecimalScanner.scan(start, end, &value, powers: powers), CSVTokenizer.endsField(stop, end) {
            // A plain number up to the field's end: exactly the plain field
            // the tokenizer would give (see `endsField`), so no text is made.
            tokens.p = stop
            record.append(.number(value), text: nil, span: (start - base)..<(stop - base))
          } else {
            let text: String
            switch tokens.field() {
            case .plain, .malformed:
              text = trimmedText(start, tokens.p)
            case .quoted(let count):
              text = trimmedText(tokens.scratch, tokens.scratch + count)
            case .unterminated(let error):
              return error
            }
            record.append(CSVCell(text), text: text, span: (start - base)..<(tokens.p - base))
          }
          switch tokens.endField() {
          case .comma: continue
          case .recordEnd: break
          case .error(let error): return error
          }
          break
        }
        body(record)
        afterEach(tokens.p - base)
      }
    }
  }
}
