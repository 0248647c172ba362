import Foundation

/// The small text conventions the Markdown and JUnit reports share.
public enum ReportText {
  /// A metric value with 4 decimals (`0.9333`); `–` for nil, Swift's
  /// `nan`/`inf`/`-inf` for non-finite values.
  public static func fixed(_ x: Double?) -> String {
    guard let x else { return "–" }
    return x.isFinite ? String(format: "%.4f", x) : "\(x)"
  }

  /// `s` as one Markdown table cell: `|` escaped as `\|`, each newline a space.
  public static func cell(_ s: String) -> String {
    s.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ")
  }

  /// `s` as XML attribute or element text: `&`, `<`, `>` and `"` escaped
  /// (`'` is kept: every attribute is double-quoted).
  public static func xml(_ s: String) -> String {
    s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
      .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
  }
}
