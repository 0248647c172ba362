#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Turns the text of one decimal number into a correctly rounded `Double` or
/// `Float` without making a `String`.
///
/// ``scan(_:_:_:)`` handles the common forms (`-12`, `3.25`, `.5`, `1e-3`,
/// `6.02E23`) by Clinger's fast path: when the significant digits fit in 53
/// bits and the power of ten is at most 22, one IEEE multiplication or division
/// of two exact values gives the correctly rounded result. Everything else
/// (more than 15–19 digits, huge exponents, hex, `nan`) is left to
/// ``strictParse(_:_:as:)``, which calls `strtod`/`strtof` (correctly rounded in
/// glibc), so every result equals `Double(String)` / `Float(String)`.
enum DecimalScanner {
  /// 10^0 … 10^22, all exact in `Double`.
  static let powersOfTen: [Double] = (0...22).map { e in
    var value = 1.0
    for _ in 0..<e { value *= 10 }
    return value
  }

  /// Scans a plain decimal number starting at `p` (before `end`). Returns the
  /// byte after it and sets `value` when the fast path applies and is exact;
  /// returns nil when the text is not a plain decimal number or needs the slow
  /// path. The caller checks that the returned position ends the field.
  @inline(__always)
  static func scan(
    _ start: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>, _ value: inout Double,
    powers: UnsafePointer<Double>
  ) -> UnsafePointer<UInt8>? {
    var p = start
    var negative = false
    if p < end {
      if p.pointee == UInt8(ascii: "-") {
        negative = true
        p += 1
      } else if p.pointee == UInt8(ascii: "+") {
        p += 1
      }
    }
    var mantissa: UInt64 = 0
    var significant = 0
    var exponent = 0
    var digitsSeen = false
    while p < end {
      let d = p.pointee &- 48
      if d >= 10 { break }
      if significant < 19 {
        mantissa = mantissa &* 10 &+ UInt64(d)
        if mantissa != 0 { significant += 1 }
      } else {
        if d != 0 { return nil }
        exponent += 1
      }
      digitsSeen = true
      p += 1
    }
    if p < end && p.pointee == UInt8(ascii: ".") {
      p += 1
      while p < end {
        let d = p.pointee &- 48
        if d >= 10 { break }
        if significant < 19 {
          mantissa = mantissa &* 10 &+ UInt64(d)
          if mantissa != 0 { significant += 1 }
          exponent -= 1
        } else if d != 0 {
          return nil
        }
        digitsSeen = true
        p += 1
      }
    }
    if !digitsSeen { return nil }
    if p < end && (p.pointee | 0x20) == UInt8(ascii: "e") {
      p += 1
      var negativeExponent = false
      if p < end {
        if p.pointee == UInt8(ascii: "-") {
          negativeExponent = true
          p += 1
        } else if p.pointee == UInt8(ascii: "+") {
          p += 1
        }
      }
      var written = 0
      var exponentDigits = false
      while p < end {
        let d = p.pointee &- 48
        if d >= 10 { break }
        if written < 100_000 { written = written * 10 + Int(d) }
        exponentDigits = true
        p += 1
      }
      if !exponentDigits { return nil }
      exponent += negativeExponent ? -written : written
    }
    if mantissa == 0 {
      value = negative ? -0.0 : 0.0
      return p
    }
    guard mantissa <= 1 << 53, exponent >= -22, exponent <= 22 else { return nil }
    let m = Double(mantissa)
    let magnitude = exponent >= 0 ? m * powers[exponent] : m / powers[-exponent]
    value = negative ? -magnitude : magnitude
    return p
  }

  /// `value` (a correctly rounded `Double`) as the correctly rounded `Float`
  /// of the same decimal text, or nil when rounding twice could differ (the
  /// double lies exactly halfway between two floats, or outside the normal
  /// float range) and the text must be parsed as a float directly.
  @inline(__always)
  static func float(fromRounded value: Double) -> Float? {
    let magnitude = abs(value)
    if magnitude == 0 { return Float(value) }
    guard magnitude >= 0x1p-126, magnitude <= 0x1.fffffep127 else { return nil }
    // A float has 24 significant bits, a double 53: the 29 bits in between are
    // exactly 1000…0 only at a halfway point.
    if value.bitPattern & 0x1FFF_FFFF == 0x1000_0000 { return nil }
    return Float(value)
  }

  /// What a field's text is when it is not a plain number.
  enum Classification {
    case number(Double, Float)
    case missing
    case nonFinite
    case nonNumeric
  }

  /// Classifies the trimmed text `bytes[0..<count]` (which `scratch` has room
  /// to copy, plus one): empty or NA/N/A/null/NULL → missing; nan/inf/infinity
  /// (any case, signed) → non-finite; anything else `strtod` reads in full,
  /// except hexadecimal (`0x…`) → a number; the rest → non-numeric. Finite
  /// numbers that overflow → non-finite. This is the rule ``CSVCell`` states.
  static func classify(
    _ bytes: UnsafePointer<UInt8>, count: Int, scratch: UnsafeMutablePointer<CChar>
  ) -> Classification {
    var lower = bytes
    var upper = bytes + count
    while lower < upper && (lower.pointee == 0x20 || lower.pointee == 0x09) { lower += 1 }
    while upper > lower && ((upper - 1).pointee == 0x20 || (upper - 1).pointee == 0x09) { upper -= 1 }
    let n = upper - lower
    if n == 0 { return .missing }
    if isMissingToken(lower, n) { return .missing }
    if isNonFiniteToken(lower, n) { return .nonFinite }
    if isHexadecimal(lower, n) { return .nonNumeric }
    for i in 0..<n {
      let c = lower[i]
      // strtod would stop at a NUL or skip inner whitespace; neither is a number.
      if c == 0 || c == 0x20 || c == 0x09 { return .nonNumeric }
      scratch[i] = CChar(bitPattern: c)
    }
    scratch[n] = 0
    var stop: UnsafeMutablePointer<CChar>?
    let double = strtod(scratch, &stop)
    guard stop == scratch + n else { return .nonNumeric }
    if !double.isFinite { return .nonFinite }
    let single = strtof(scratch, nil)
    return .number(double, single)
  }

  private static func isMissingToken(_ p: UnsafePointer<UInt8>, _ n: Int) -> Bool {
    switch n {
    case 2: return p[0] == UInt8(ascii: "N") && p[1] == UInt8(ascii: "A")
    case 3: return p[0] == UInt8(ascii: "N") && p[1] == UInt8(ascii: "/") && p[2] == UInt8(ascii: "A")
    case 4:
      let word = (UInt32(p[0]) << 24) | (UInt32(p[1]) << 16) | (UInt32(p[2]) << 8) | UInt32(p[3])
      return word == 0x6E75_6C6C || word == 0x4E55_4C4C  // "null", "NULL"
    default: return false
    }
  }

  /// `0x…` or `0X…`, signed or not: `strtod` would read it, but cells are decimal.
  private static func isHexadecimal(_ p: UnsafePointer<UInt8>, _ n: Int) -> Bool {
    let sign = p.pointee == UInt8(ascii: "-") || p.pointee == UInt8(ascii: "+") ? 1 : 0
    return n >= sign + 2 && p[sign] == UInt8(ascii: "0") && (p[sign + 1] | 0x20) == UInt8(ascii: "x")
  }

  private static func isNonFiniteToken(_ start: UnsafePointer<UInt8>, _ count: Int) -> Bool {
    var p = start
    var n = count
    if p.pointee == UInt8(ascii: "-") || p.pointee == UInt8(ascii: "+") {
      p += 1
      n -= 1
    }
    func matches(_ word: StaticString) -> Bool {
      guard n == word.utf8CodeUnitCount else { return false }
      let w = word.utf8Start
      for i in 0..<n where (p[i] | 0x20) != w[i] { return false }
      return true
    }
    return matches("nan") || matches("inf") || matches("infinity")
  }
}
