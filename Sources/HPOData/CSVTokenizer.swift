/// hpo's CSV dialect, defined once: how bytes become records of fields with
/// their line numbers. The numeric reader (``CSVReader``, which parses while
/// it tokenizes) and the text records `hpo predict` and `hpo drift` check
/// (``forEachRecord(in:_:)``) both read through this cursor, so a file means
/// the same to every command.
///
/// The rules:
/// - A UTF-8 byte-order mark at the very start is skipped.
/// - A line ends with LF, CRLF, or a CR that ends the file. A CR followed by
///   anything else (classic Mac OS line ends) is an error.
/// - Blank lines (nothing but spaces and tabs) are skipped wherever they are;
///   lines are still counted, from 1.
/// - Fields are separated by commas. A field whose first byte other than
///   spaces and tabs is `"` is quoted: it runs to the next lone `"` (`""`
///   stands for one `"`), may hold commas and line breaks, and only spaces and
///   tabs may follow its closing quote. A quoted field with other text after
///   its closing quote is malformed: its value is its raw text, quotes and
///   all (never a number). A `"` anywhere else is an ordinary character.
/// - A quote that never closes is an error, located at the line it opens on.
/// - Every field's value is trimmed of surrounding spaces and tabs, inside
///   quotes too.
///
/// What a field's value means as a number is ``CSVCell``'s rule.
public struct CSVTokenizer {
  /// The next byte to read.
  var p: UnsafePointer<UInt8>
  /// One past the last byte.
  let end: UnsafePointer<UInt8>
  /// The 1-based line `p` is on.
  private(set) var line: Int
  /// The unescaped content of the last quoted field.
  private(set) var scratch: UnsafeMutablePointer<UInt8>
  private var scratchCapacity = 256

  /// A cursor at `start` (on `line`); call ``deallocate()`` when done.
  init(start: UnsafePointer<UInt8>, end: UnsafePointer<UInt8>, line: Int) {
    p = start
    self.end = end
    self.line = line
    scratch = .allocate(capacity: scratchCapacity)
  }

  /// Frees the scratch buffer.
  func deallocate() { scratch.deallocate() }

  /// A cursor at the start of a file's `bytes`, past a UTF-8 byte-order
  /// mark; nil when there are no bytes.
  init?(file bytes: UnsafeRawBufferPointer) {
    let data = bytes.bindMemory(to: UInt8.self)
    guard let base = data.baseAddress else { return nil }
    let bom = data.count >= 3 && data[0] == 0xEF && data[1] == 0xBB && data[2] == 0xBF ? 3 : 0
    self.init(start: base + bom, end: base + data.count, line: 1)
  }

  static let comma: UInt8 = 0x2C
  static let lineFeed: UInt8 = 0x0A
  static let carriageReturn: UInt8 = 0x0D
  static let quote: UInt8 = 0x22

  @inline(__always)
  static func isBlank(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 }

  /// Whether a plain field ends before `q`: at the end, a comma, CR or LF.
  /// The numeric reader's fast path relies on this: a number that its scanner
  /// reads up to such a byte is, byte for byte, the plain field
  /// ``field()`` would give, since digits, signs, `.`, `e` and `E` are never
  /// commas, line ends, quotes or blanks.
  @inline(__always)
  static func endsField(_ q: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>) -> Bool {
    q == end || q.pointee == comma || q.pointee == lineFeed || q.pointee == carriageReturn
  }

  /// Where a record can start.
  enum RecordStart {
    case record
    case endOfInput
    case error(CSVSyntaxError)
  }

  /// Skips blank lines; leaves `p` on the first byte of the next record.
  @inline(__always)
  mutating func nextRecord() -> RecordStart {
    while p < end {
      let c = p.pointee
      if c == Self.lineFeed {
        p += 1
        line += 1
      } else if c == Self.carriageReturn {
        guard let after = lineEnd(p) else { return .error(CSVSyntaxError(.loneCarriageReturn, line: line)) }
        p = after
        line += 1
      } else if Self.isBlank(c) {
        var q = p + 1
        while q < end && Self.isBlank(q.pointee) { q += 1 }
        guard q == end || q.pointee == Self.lineFeed || q.pointee == Self.carriageReturn else { return .record }
        p = q
      } else {
        return .record
      }
    }
    return .endOfInput
  }

  /// One field's shape, as ``field()`` read it.
  enum Field {
    /// Plain text: the bytes from where the field started to `p`, untrimmed.
    case plain
    /// Quoted: its unescaped content is `scratch[0..<count]`, untrimmed.
    case quoted(count: Int)
    /// A quoted field with text after its closing quote: its value is the raw
    /// bytes from where the field started to `p`.
    case malformed
    /// The quote opened on `line` never closes; `p` is at the end.
    case unterminated(CSVSyntaxError)
  }

  /// Reads the field at `p` and leaves `p` on what ends it (a comma, CR, LF
  /// or the end of the input).
  @inline(__always)
  mutating func field() -> Field {
    var q = p
    while q < end && Self.isBlank(q.pointee) { q += 1 }
    if q < end && q.pointee == Self.quote {
      p = q
      return quotedField()
    }
    while q < end {
      let c = q.pointee
      if c == Self.comma || c == Self.lineFeed || c == Self.carriageReturn { break }
      q += 1
    }
    p = q
    return .plain
  }

  /// From the opening quote at `p`.
  private mutating func quotedField() -> Field {
    let opened = line
    p += 1
    var count = 0
    while true {
      guard p < end else { return .unterminated(CSVSyntaxError(.unterminatedQuote, line: opened)) }
      let c = p.pointee
      if c == Self.quote {
        if p + 1 < end && p[1] == Self.quote {
          appendScratch(Self.quote, at: count)
          count += 1
          p += 2
          continue
        }
        p += 1
        break
      }
      if c == Self.lineFeed { line += 1 }
      appendScratch(c, at: count)
      count += 1
      p += 1
    }
    var malformed = false
    while p < end {
      let c = p.pointee
      if c == Self.comma || c == Self.lineFeed || c == Self.carriageReturn { break }
      if !Self.isBlank(c) { malformed = true }
      p += 1
    }
    return malformed ? .malformed : .quoted(count: count)
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

  /// What follows a field.
  enum FieldEnd {
    case comma
    case recordEnd
    case error(CSVSyntaxError)
  }

  /// Steps past what ends the field at `p`: a comma (another field follows) or
  /// a line end or the end of the input (the record ends).
  @inline(__always)
  mutating func endField() -> FieldEnd {
    guard p < end else {
      line += 1
      return .recordEnd
    }
    if p.pointee == Self.comma {
      p += 1
      return .comma
    }
    guard let after = lineEnd(p) else { return .error(CSVSyntaxError(.loneCarriageReturn, line: line)) }
    p = after
    line += 1
    return .recordEnd
  }

  /// After the line end at `q` (LF, CRLF, or a CR that ends the input); nil
  /// for a CR followed by anything else.
  @inline(__always)
  private func lineEnd(_ q: UnsafePointer<UInt8>) -> UnsafePointer<UInt8>? {
    if q.pointee == Self.lineFeed { return q + 1 }
    if q + 1 == end { return q + 1 }
    return q[1] == Self.lineFeed ? q + 2 : nil
  }
}

/// What stops ``CSVTokenizer``: a quote that never closes, or a lone CR.
public struct CSVSyntaxError: Error, Sendable, Equatable {
  public enum Kind: Sendable, Equatable {
    case unterminatedQuote
    case loneCarriageReturn

    /// The issue code ``CSVReader`` reports it under.
    public var code: DataIssue.Code {
      switch self {
      case .unterminatedQuote: .unterminatedQuote
      case .loneCarriageReturn: .loneCarriageReturn
      }
    }

    /// What is wrong and what is accepted, without the location.
    public var message: String {
      switch self {
      case .unterminatedQuote:
        "quoted field is never closed; a field that starts with \" must end with \" (write \"\" for a quote inside)"
      case .loneCarriageReturn:
        "line ends with a carriage return alone (classic Mac OS line ends); lines must end with LF or CRLF"
      }
    }
  }

  public var kind: Kind
  /// The 1-based line: where the quote opens, or where the CR is.
  public var line: Int

  public init(_ kind: Kind, line: Int) {
    self.kind = kind
    self.line = line
  }

  public var code: DataIssue.Code { kind.code }
  public var message: String { kind.message }

  /// The error as ``CSVReader`` throws it, naming `file`.
  func dataError(file: String) -> DataError {
    DataError(code, file: file, line: line, message: message)
  }
}
