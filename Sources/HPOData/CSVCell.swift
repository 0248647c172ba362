/// What one CSV field's value (as ``CSVTokenizer`` gives it: unquoted,
/// trimmed) holds: the one rule for cells, which the numeric reader applies
/// while it parses and `hpo predict` and `hpo drift` apply to text records.
///
/// - `number`: a finite decimal number such as `3`, `-0.5`, `.25`, `+7` or
///   `1e-3`, correctly rounded (the value `Double(String)` gives).
/// - `missing`: empty, `NA`, `N/A`, `null` or `NULL`.
/// - `nonFinite`: `nan`, `inf` or `infinity` (any case, signed), or a number
///   too large for a `Double`.
/// - `nonNumeric`: anything else, hexadecimal (`0x10`) included.
public enum CSVCell: Sendable, Equatable {
  case number(Double)
  case missing
  case nonFinite
  case nonNumeric

  /// Classifies `value`.
  public init(_ value: String) {
    var text = value
    self = text.withUTF8 { bytes in
      withUnsafeTemporaryAllocation(of: CChar.self, capacity: bytes.count + 1) { scratch in
        let c = scratch.baseAddress!
        // An empty string may have no storage; any valid pointer does for zero bytes.
        let start = bytes.baseAddress ?? UnsafeRawPointer(c).assumingMemoryBound(to: UInt8.self)
        switch DecimalScanner.classify(start, count: bytes.count, scratch: c) {
        case .number(let double, _): return .number(double)
        case .missing: return .missing
        case .nonFinite: return .nonFinite
        case .nonNumeric: return .nonNumeric
        }
      }
    }
  }
}
