/// Writes ``JSONValue`` trees back as text: pretty (2-space indent, keys in their
/// order) for files people read, compact for messages. Output is deterministic.
public enum JSONWriter {
  /// `value` as indented JSON with a trailing newline.
  public static func pretty(_ value: JSONValue) -> String {
    var out = ""
    write(value, indent: 0, into: &out)
    out += "\n"
    return out
  }

  private static func write(_ value: JSONValue, indent: Int, into out: inout String) {
    let pad = String(repeating: "  ", count: indent + 1)
    let closePad = String(repeating: "  ", count: indent)
    switch value.kind {
    case .array(let items) where !items.isEmpty:
      if items.allSatisfy({ if case .array = $0.kind { false } else if case .object = $0.kind { false } else { true } }) {
        out += value.compactText
        return
      }
      out += "[\n"
      for (i, item) in items.enumerated() {
        out += pad
        write(item, indent: indent + 1, into: &out)
        out += i + 1 < items.count ? ",\n" : "\n"
      }
      out += closePad + "]"
    case .object(let members) where !members.isEmpty:
      out += "{\n"
      for (i, member) in members.enumerated() {
        out += pad + quote(member.key) + ": "
        write(member.value, indent: indent + 1, into: &out)
        out += i + 1 < members.count ? ",\n" : "\n"
      }
      out += closePad + "}"
    default:
      out += value.compactText
    }
  }

  /// `s` as a JSON string literal, with the escapes JSON requires.
  public static func quote(_ s: String) -> String {
    var out = "\""
    for scalar in s.unicodeScalars {
      switch scalar {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\r": out += "\\r"
      case "\t": out += "\\t"
      case let c where c.value < 0x20:
        let hex = String(c.value, radix: 16)
        out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
      default: out.unicodeScalars.append(scalar)
      }
    }
    return out + "\""
  }
}
