import Foundation
import HPOCore
import Testing

@testable import HPOReports

#if canImport(FoundationXML)
  import FoundationXML
#endif

@Suite struct JUnitReportTests {
  /// The document's elements as (name, attributes, text), via Foundation's XML parser.
  final class Elements: NSObject, XMLParserDelegate {
    var all: [(name: String, attributes: [String: String], text: String)] = []
    /// Indices in `all` of the open elements.
    var open: [Int] = []
    func parser(_ p: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
      open.append(all.count)
      all.append((name, attributes, ""))
    }
    func parser(_ p: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) { open.removeLast() }
    func parser(_ p: XMLParser, foundCharacters string: String) {
      if let i = open.last { all[i].text += string }
    }

    static func of(_ xml: String) -> Self? {
      let elements = Self()
      let parser = XMLParser(data: Data(xml.utf8))
      parser.delegate = elements
      return parser.parse() ? elements : nil
    }
  }

  @Test func counts_areGatesFailedGatesAndTheError() throws {
    let gates: [ReportInput.Gate] = [.passing("accuracy ≥ 0.8"), .failing("gap"), .failing("seed_stability")]
    let passed = try #require(Elements.of(JUnitReport.render(releaseInput(status: .gateFailed, gates: gates), timestamp: "T")))
    for suite in passed.all.filter({ $0.name.hasPrefix("testsuite") }) {
      #expect(suite.attributes["tests"] == "3" && suite.attributes["failures"] == "2" && suite.attributes["errors"] == "0")
    }
    #expect(passed.all.filter { $0.name == "testcase" }.count == 3)
    #expect(passed.all.filter { $0.name == "failure" }.count == 2)

    let failed = try #require(Elements.of(JUnitReport.render(releaseInput(status: .error, gates: gates, error: "no data"), timestamp: "T")))
    for suite in failed.all.filter({ $0.name.hasPrefix("testsuite") }) {
      #expect(suite.attributes["tests"] == "4" && suite.attributes["failures"] == "2" && suite.attributes["errors"] == "1")
    }
    let error = try #require(failed.all.first { $0.name == "error" })
    #expect(error.text == "no data" && error.attributes["message"] == "release stage failed")
    #expect(failed.all.last { $0.name == "testcase" }?.attributes["classname"] == "hpo.release")
  }

  @Test func text_isEscapedAndReadsBackAsWritten() throws {
    let name = #"stress <extremes> & "nan" 'quoted'"#
    let detail = "row 3: \"inf\" < 1e6 & > 0\nsecond line"
    let gate = ReportInput.Gate(name: name, kind: "stress", passed: false, value: nil, threshold: "< 1e6 & finite", detail: detail)
    let error = #"cannot read <data>/"x" & y"#
    var input = releaseInput(status: .error, gates: [gate], error: error)
    input.experiment = "a&b"
    let xml = JUnitReport.render(input, timestamp: "2024-01-01T00:00:00.000Z")
    #expect(xml.contains(#"name="stress &lt;extremes&gt; &amp; &quot;nan&quot; 'quoted'""#))
    #expect(xml.contains(#"<testsuite name="hpo release a&amp;b""#))
    let elements = try #require(Elements.of(xml))
    let testcase = try #require(elements.all.first { $0.name == "testcase" })
    #expect(testcase.attributes["name"] == name && testcase.attributes["classname"] == "hpo.gates.stress")
    let failure = try #require(elements.all.first { $0.name == "failure" })
    #expect(failure.attributes["message"] == "value –, threshold < 1e6 & finite" && failure.text == detail)
    #expect(elements.all.first { $0.name == "error" }?.text == error)
    #expect(elements.all.first { $0.name == "testsuite" }?.attributes["timestamp"] == "2024-01-01T00:00:00.000Z")
  }

  @Test func aGateWithoutKind_isInTheGatesClass() {
    let gate = ReportInput.Gate(name: "g", passed: true, value: nil, threshold: "-", detail: "-")
    #expect(JUnitReport.render(releaseInput(gates: [gate]), timestamp: "T").contains(#"<testcase classname="hpo.gates" name="g" time="0"/>"#))
  }
}
