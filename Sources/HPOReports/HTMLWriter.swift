/// Builds well-formed HTML: every element opened is closed (checked), text
/// and attribute values are escaped, attributes are written in sorted order
/// so the output is deterministic.
struct HTMLWriter {
  private(set) var text = ""
  private var stack: [String] = []

  /// Escapes `&`, `<`, `>`, `"` and `'`.
  static func escape(_ s: String) -> String {
    var out = ""
    out.reserveCapacity(s.utf8.count)
    for c in s {
      switch c {
      case "&": out += "&amp;"
      case "<": out += "&lt;"
      case ">": out += "&gt;"
      case "\"": out += "&quot;"
      case "'": out += "&#39;"
      default: out.append(c)
      }
    }
    return out
  }

  static func attributes(_ a: [String: String]) -> String {
    a.keys.sorted().map { " \($0)=\"\(escape(a[$0] ?? ""))\"" }.joined()
  }

  /// A document opened up to its `<body>`: the doctype, `<html lang="en">`
  /// and a head with the charset, `title` and the `css`. The caller writes
  /// the body and closes `body` and `html`.
  static func document(title: String, css: String) -> HTMLWriter {
    var html = HTMLWriter()
    html.raw("<!DOCTYPE html>\n")
    html.open("html", ["lang": "en"])
    html.open("head")
    html.raw("<meta charset=\"utf-8\">")
    html.element("title", title)
    html.element("style", css, escape: false)
    html.close("head")
    html.open("body")
    return html
  }

  mutating func raw(_ s: String) { text += s }

  mutating func text(_ s: String) { text += Self.escape(s) }

  mutating func open(_ tag: String, _ a: [String: String] = [:]) {
    text += "<\(tag)\(Self.attributes(a))>"
    stack.append(tag)
  }

  mutating func close(_ tag: String) {
    precondition(stack.last == tag, "closing <\(tag)> but <\(stack.last ?? "nothing")> is open")
    stack.removeLast()
    text += "</\(tag)>"
    if tag != "td" && tag != "th" && tag != "span" { text += "\n" }
  }

  /// `<tag a…>content</tag>`; `escape: false` for style and script bodies.
  mutating func element(_ tag: String, _ content: String, _ a: [String: String] = [:], escape: Bool = true) {
    open(tag, a)
    text += escape ? Self.escape(content) : content
    close(tag)
  }

  /// A table row of text cells.
  mutating func row(_ cells: [String], header: Bool = false) {
    open("tr")
    for c in cells { element(header ? "th" : "td", c) }
    close("tr")
  }

  /// An SVG element with no children, closed explicitly (`<line …></line>`).
  mutating func shape(_ tag: String, _ a: [String: String]) {
    text += "<\(tag)\(Self.attributes(a))></\(tag)>"
  }
}
