/// One record of a CSV file as text: its fields' values (unquoted, trimmed;
/// see ``CSVTokenizer``) and the 1-based line it starts on.
public struct CSVRecord: Sendable, Equatable {
  public var line: Int
  public var fields: [String]

  public init(line: Int, fields: [String]) {
    self.line = line
    self.fields = fields
  }
}

extension CSVTokenizer {
  /// Calls `body` with each record of `bytes` in order (the header first),
  /// by the rules of ``CSVTokenizer``, without keeping them.
  ///
  /// - Returns: The syntax error that stopped the scan (after the records
  ///   before it), or nil when the whole input was read.
  public static func forEachRecord(
    in bytes: UnsafeRawBufferPointer, _ body: (CSVRecord) -> Void
  ) -> CSVSyntaxError? {
    guard var tokenizer = CSVTokenizer(file: bytes) else { return nil }
    defer { tokenizer.deallocate() }
    var fields: [String] = []
    while true {
      switch tokenizer.nextRecord() {
      case .endOfInput: return nil
      case .error(let error): return error
      case .record: break
      }
      let line = tokenizer.line
      if let error = tokenizer.textFields(into: &fields) { return error }
      body(CSVRecord(line: line, fields: fields))
    }
  }

  /// ``forEachRecord(in:_:)`` over an array.
  public static func forEachRecord(in bytes: [UInt8], _ body: (CSVRecord) -> Void) -> CSVSyntaxError? {
    bytes.withUnsafeBytes { forEachRecord(in: $0, body) }
  }

  /// Reads the record at `p` (after ``nextRecord()`` said one starts there)
  /// into `fields`, replacing what they held; leaves `p` after its line end.
  mutating func textFields(into fields: inout [String]) -> CSVSyntaxError? {
    fields.removeAll(keepingCapacity: true)
    while true {
      let start = p
      switch field() {
      case .plain, .malformed:
        fields.append(Self.trimmedText(start, p))
      case .quoted(let count):
        fields.append(Self.trimmedText(scratch, scratch + count))
      case .unterminated(let error):
        return error
      }
      switch endField() {
      case .comma: continue
      case .recordEnd: return nil
      case .error(let error): return error
      }
    }
  }

  /// The bytes from `lower` to `upper` without surrounding spaces and tabs, as UTF-8 text.
  static func trimmedText(_ lower: UnsafePointer<UInt8>, _ upper: UnsafePointer<UInt8>) -> String {
    var lower = lower
    var upper = upper
    while lower < upper && isBlank(lower.pointee) { lower += 1 }
    while upper > lower && isBlank((upper - 1).pointee) { upper -= 1 }
    return String(decoding: UnsafeBufferPointer(start: lower, count: upper - lower), as: UTF8.self)
  }
}
