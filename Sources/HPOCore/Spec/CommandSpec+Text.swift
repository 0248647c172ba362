/// How a ``CommandSpec`` is written by people: durations such as `"30m"` and
/// command lines such as `python3 train.py`.
extension CommandSpec {
  /// The longest timeout the loader accepts (about 31.7 years): any deadline
  /// built from it fits a monotonic clock's 64-bit nanoseconds.
  public static let maximumTimeoutSeconds = 1_000_000_000.0

  /// What `model.timeout` accepts, for messages.
  public static let durationAccepted = #"a number of seconds > 0 or a duration such as "90s", "30m", "2h""#

  /// Seconds of a duration written as digits (optionally with a decimal
  /// fraction) and one unit, `s`, `m` or `h`: `"90s"`, `"30m"`, `"1.5h"`.
  /// `nil` for anything else (no spaces, signs, exponents or other units).
  /// Zero durations parse (as 0); the caller decides that 0 is not a timeout.
  public static func seconds(ofDuration text: String) -> Double? {
    guard let unit = text.last, let scale = ["s": 1.0, "m": 60.0, "h": 3600.0][unit] else { return nil }
    let number = text.dropLast()
    let parts = number.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
    let isDigits: (Substring) -> Bool = { !$0.isEmpty && $0.allSatisfy { $0 >= "0" && $0 <= "9" } }
    guard isDigits(parts[0]), parts.count == 1 || isDigits(parts[1]), let value = Double(number) else { return nil }
    let seconds = value * scale
    return seconds.isFinite ? seconds : nil
  }

  /// `seconds` in the largest unit that writes it whole: `"2h"`, `"90m"`, `"45s"`, `"0.5s"`.
  public static func durationText(seconds: Double) -> String {
    if seconds >= 3600, seconds.truncatingRemainder(dividingBy: 3600) == 0 { return "\(Wording.number(seconds / 3600))h" }
    if seconds >= 60, seconds.truncatingRemainder(dividingBy: 60) == 0 { return "\(Wording.number(seconds / 60))m" }
    return "\(Wording.number(seconds))s"
  }

  /// An argv as one line a person can read (and a POSIX shell would split
  /// back the same way): arguments made only of safe characters stay bare,
  /// others are single-quoted (`'it'\''s'`).
  public static func commandLine(_ argv: [String]) -> String {
    argv.map { arg in
      let safe = !arg.isEmpty && arg.unicodeScalars.allSatisfy { c in
        (c.value < 128 && (c.properties.isAlphabetic || c.properties.numericType != nil)) || "-_./=:,+@%".unicodeScalars.contains(c)
      }
      return safe ? arg : "'" + arg.replacingOccurrences(of: "'", with: #"'\''"#) + "'"
    }.joined(separator: " ")
  }
}
