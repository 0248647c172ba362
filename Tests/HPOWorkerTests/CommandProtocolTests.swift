import HPOCore
@testable import HPOWorker
import Testing

/// The protocol's lines, byte for byte: what is a message, what is malformed
/// and why, and how a stream splits into protocol lines and log bytes in
/// bounded memory.
@Suite struct CommandProtocolTests {
  struct Case: CustomTestStringConvertible, Sendable {
    let line: String
    let expected: CommandMessage?
    /// For a malformed line: words its reason must contain.
    let reason: String
    var testDescription: String { line }
  }

  static let cases: [Case] = [
    Case(line: #"@@hpo {"type":"report","epoch":3,"metrics":{"accuracy":0.91,"loss":0.30}}"#,
         expected: .report(epoch: 3, metrics: ["accuracy": 0.91, "loss": 0.30]), reason: ""),
    Case(line: #"@@hpo {"epoch": 1, "extra": [1, 2], "type": "report", "metrics": {}}"#,
         expected: .report(epoch: 1, metrics: [:]), reason: ""),
    Case(line: "@@hpo {\"type\":\"final\",\"metrics\":{\"accuracy\":0.93}}\r",
         expected: .final(metrics: ["accuracy": 0.93]), reason: ""),
    Case(line: #"@@hpo {"type":"infeasible","reason":"max_depth > n_features"}"#,
         expected: .infeasible(reason: "max_depth > n_features"), reason: ""),
    Case(line: "@@hpo not json", expected: nil, reason: "bad JSON"),
    Case(line: "@@hpo ", expected: nil, reason: "no JSON object"),
    Case(line: "@@hpo [1]", expected: nil, reason: "expected a JSON object, got an array"),
    Case(line: #"@@hpo {"epoch":1}"#, expected: nil, reason: #"the "type" field is missing"#),
    Case(line: #"@@hpo {"type":7}"#, expected: nil, reason: #""type" must be a string"#),
    Case(line: #"@@hpo {"type":"bogus"}"#, expected: nil, reason: #"unknown type "bogus""#),
    Case(line: #"@@hpo {"type":"report","metrics":{}}"#, expected: nil, reason: #"the "epoch" field is missing"#),
    Case(line: #"@@hpo {"type":"report","epoch":0,"metrics":{}}"#, expected: nil, reason: "integer >= 1, got 0"),
    Case(line: #"@@hpo {"type":"report","epoch":2.0,"metrics":{}}"#, expected: nil, reason: "integer >= 1, got 2.0"),
    Case(line: #"@@hpo {"type":"report","epoch":1}"#, expected: nil, reason: #"the "metrics" field is missing"#),
    Case(line: #"@@hpo {"type":"report","epoch":1,"metrics":[1]}"#, expected: nil, reason: "must be an object"),
    Case(line: #"@@hpo {"type":"final","metrics":{"loss":"low"}}"#, expected: nil, reason: #"metric "loss" must be a number"#),
    Case(line: #"@@hpo {"type":"final","metrics":{"loss":1e999}}"#, expected: nil, reason: "bad JSON: the number 1e999 is out of range"),
    Case(line: #"@@hpo {"type":"infeasible"}"#, expected: nil, reason: #"the "reason" field is missing"#),
    Case(line: #"{"type":"final","metrics":{}}"#, expected: nil, reason: #"does not start with "@@hpo ""#),
  ]

  @Test(arguments: cases) func parse_acceptsMessagesAndNamesWhatIsWrong(_ c: Case) {
    do {
      let message = try CommandProtocol.parse(Array(c.line.utf8), channel: .reportSocket)
      #expect(message == c.expected, "\(c.line)")
    } catch {
      #expect(c.expected == nil, "refused \(c.line): \(error.reason)")
      #expect(error.reason.contains(c.reason), "\(error.reason)")
      #expect(error.line == c.line)
      #expect(error.channel == .reportSocket)
    }
  }

  @Test func parse_quotesTheFirst200BytesOfALongLine() throws {
    let line = Array("@@hpo {\"type\": \"".utf8) + [UInt8](repeating: 0x61, count: 70_000)
    let error = #expect(throws: CommandMalformedLine.self) { try CommandProtocol.parse(line, channel: .standardOutput) }
    #expect(error?.reason == "longer than 65536 bytes")
    #expect(error?.line.utf8.count == 200)
  }

  // MARK: the line reader

  /// Feeds `chunks` to a reader and returns what came out: log text, and protocol lines as "<line>" / "<overlong:…>".
  static func split(_ chunks: [String], everyLineIsProtocol: Bool = false) -> [String] {
    var reader = CommandLineReader(everyLineIsProtocol: everyLineIsProtocol)
    var out: [String] = []
    var log = ""
    func take(_ piece: CommandLineReader.Piece) {
      switch piece {
      case .log(let bytes): log += String(decoding: bytes, as: UTF8.self)
      case .line(let line):
        if !log.isEmpty { out.append(log); log = "" }
        out.append("<\(String(decoding: line, as: UTF8.self))>")
      case .overlong(let quoted):
        if !log.isEmpty { out.append(log); log = "" }
        out.append("<overlong:\(quoted.count)>")
      }
    }
    for chunk in chunks { reader.feed(Array(chunk.utf8)[...], take) }
    reader.finish(take)
    if !log.isEmpty { out.append(log) }
    return out
  }

  @Test func reader_separatesProtocolLinesFromLogLines_whateverTheChunks() {
    let stream = "epoch 1\n@@hpo {\"a\":1}\n@@hpx no\n@@h\n\n@@hpo {\"b\":2}\r\ntail"
    let expected = ["epoch 1\n", "<@@hpo {\"a\":1}>", "@@hpx no\n@@h\n\n", "<@@hpo {\"b\":2}>", "tail"]
    #expect(Self.split([stream]) == expected)
    // One byte at a time, and cut at every position: the same pieces.
    #expect(Self.split(stream.map { String($0) }) == expected)
    let bytes = Array(stream.utf8)
    for cut in 1..<bytes.count {
      let chunks = [String(decoding: bytes[..<cut], as: UTF8.self), String(decoding: bytes[cut...], as: UTF8.self)]
      #expect(Self.split(chunks) == expected, "cut at \(cut)")
    }
  }

  @Test func reader_endsALastProtocolLineWithoutItsNewline() {
    #expect(Self.split(["@@hpo {}"]) == ["<@@hpo {}>"])
    #expect(Self.split(["@@hp"]) == ["@@hp"])
  }

  @Test func reader_onTheSocket_everyNonEmptyLineIsProtocol() {
    #expect(Self.split(["hello\n\n@@hpo {}\n"], everyLineIsProtocol: true) == ["<hello>", "<@@hpo {}>"])
  }

  @Test func reader_dropsAnOverlongLineKeepingItsFirst200Bytes_andGoesOn() {
    let long = "@@hpo " + String(repeating: "x", count: 100_000)
    let chunks = stride(from: 0, to: long.count, by: 4096).map { i -> String in
      let start = long.index(long.startIndex, offsetBy: i)
      return String(long[start..<long.index(start, offsetBy: min(4096, long.count - i))])
    }
    #expect(Self.split(chunks + ["\n@@hpo {}\n"]) == ["<overlong:200>", "<@@hpo {}>"])
    // Exactly at the limit is still a line.
    let atLimit = "@@hpo " + String(repeating: "y", count: CommandProtocol.maximumLineBytes - 6)
    #expect(Self.split([atLimit + "\n"]) == ["<\(atLimit)>"])
    #expect(Self.split([atLimit + "z\n"]) == ["<overlong:200>"])
  }

  @Test func standardErrorTail_keepsTheLastBytesFromACharacterBoundary() {
    var tail = StandardErrorTail(capacity: 8)
    tail.append(Array("first line\n".utf8)[...])
    tail.append(Array("ä123456\n".utf8)[...])  // "ä" is 2 bytes: 9 bytes in all, its first byte falls off
    #expect(tail.text == "123456\n")
    #expect(tail.lastNonEmptyLine == "123456")
    var big = StandardErrorTail()
    for i in 0..<1000 { big.append(Array("line \(i)\n".utf8)[...]) }
    #expect(big.text.utf8.count == 4096)
    #expect(big.text.hasSuffix("line 999\n"))
  }
}
