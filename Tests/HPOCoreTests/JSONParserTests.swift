import Testing
@testable import HPOCore

@Suite struct JSONParserTests {
  @Test func parse_keepsKeyOrderNumbersAndPositions() throws {
    let v = try JSONParser.parse("{\n  \"b\": 1,\n  \"a\": [1.0, true, null, \"x\\u00e9\"]\n}")
    guard case .object(let members) = v.kind else { Issue.record("not an object"); return }
    #expect(members.map(\.key) == ["b", "a"])
    #expect(members[0].keyPosition == SourcePosition(line: 2, column: 3))
    #expect(members[1].value.position == SourcePosition(line: 3, column: 8))
    guard case .number(let one) = members[0].value.kind else { Issue.record("not a number"); return }
    #expect(one.int == 1)
    guard case .array(let items) = members[1].value.kind else { Issue.record("not an array"); return }
    guard case .number(let onePointZero) = items[0].kind else { Issue.record("not a number"); return }
    #expect(onePointZero.int == nil && onePointZero.double == 1)
    #expect(items[1].kind == .bool(true))
    #expect(items[2].kind == .null)
    #expect(items[3].kind == .string("xé"))
  }

  @Test func parse_surrogatePairsAndEscapes() throws {
    let v = try JSONParser.parse(#""\ud83d\ude00\n\t\"\\/""#)
    #expect(v.kind == .string("😀\n\t\"\\/"))
  }

  struct BadCase: CustomTestStringConvertible, Sendable {
    let id: String
    let text: String
    let expected: String
    var testDescription: String { id }
  }

  static let badCases: [BadCase] = [
    BadCase(id: "empty", text: "", expected: "1:1: malformed JSON: the file is empty; an experiment is a JSON object: {\"name\": ...}"),
    BadCase(id: "trailing comma object", text: "{\"a\": 1,}", expected: "1:9: malformed JSON: trailing comma before '}'; remove the last ','"),
    BadCase(id: "trailing comma array", text: "[1,\n 2,]", expected: "2:4: malformed JSON: trailing comma before ']'; remove the last ','"),
    BadCase(id: "missing colon", text: "{\"a\" 1}", expected: "1:6: malformed JSON: unexpected '1'; expected ':' after key \"a\""),
    BadCase(id: "single quotes", text: "{'a': 1}", expected: "1:2: malformed JSON: unexpected '''; expected a key in double quotes"),
    BadCase(id: "duplicate key", text: "{\"a\": 1,\n \"a\": 2}", expected: "2:2: malformed JSON: duplicate key \"a\" (first at line 1); each key may appear once"),
    BadCase(id: "leading zero", text: "[01]", expected: "1:2: malformed JSON: numbers may not have leading zeros"),
    BadCase(id: "NaN", text: "[NaN]", expected: "1:2: malformed JSON: unexpected 'N'; expected a value (object, array, string, number, true, false or null)"),
    BadCase(id: "unterminated string", text: "{\"a\": \"abc", expected: "1:11: malformed JSON: unterminated string; expected a closing '\"'"),
    BadCase(id: "garbage after", text: "{} x", expected: "1:4: malformed JSON: unexpected 'x' after the end of the document"),
    BadCase(id: "tru", text: "[tru]", expected: "1:2: malformed JSON: unexpected 't'; expected a value (did you mean true?)"),
    BadCase(id: "huge number", text: "[1e999]", expected: "1:2: malformed JSON: the number 1e999 is out of range"),
    BadCase(id: "control char", text: "[\"a\u{01}\"]", expected: "1:4: malformed JSON: control character in a string; escape it (\\n, \\t, \\u00XX)"),
    BadCase(id: "lone surrogate", text: #"["\udc00"]"#, expected: "1:9: malformed JSON: unpaired UTF-16 surrogate in \\u escape"),
  ]

  @Test(arguments: badCases)
  func parse_rejectsWithPosition(_ c: BadCase) {
    #expect(throws: JSONSyntaxError.self) { try JSONParser.parse(c.text) }
    do {
      _ = try JSONParser.parse(c.text)
    } catch {
      #expect(error.description == c.expected)
    }
  }

  @Test func parse_deepNestingIsRefusedNotACrash() {
    let text = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
    #expect(throws: JSONSyntaxError.self) { try JSONParser.parse(text) }
  }

  @Test func parse_randomBytesNeverCrash() {
    var rng = SeededGenerator(seed: 7)
    let alphabet = Array("{}[]\",:0123456789.eE+-truefalsnl \n\\u".utf8)
    for _ in 0..<2_000 {
      let n = Int(rng.next() % 40)
      let bytes = (0..<n).map { _ in alphabet[Int(rng.next() % UInt64(alphabet.count))] }
      _ = try? JSONParser.parse(bytes)
    }
  }

  @Test func writer_roundTripsThroughParser() throws {
    let text = "{\"name\": \"a\\\"b\", \"xs\": [1, 2.5, true], \"o\": {\"k\": null}}"
    let v = try JSONParser.parse(text)
    #expect(try JSONParser.parse(JSONWriter.pretty(v)) == v)
    #expect(v.compactText == text)
  }
}
