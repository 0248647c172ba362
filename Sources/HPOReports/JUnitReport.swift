import HPOCore

/// `junit.xml`: the release gates as a JUnit test suite, for CI systems.
/// One test case per gate (class `hpo.gates.<kind>`, a `<failure>` when it
/// failed) and, when the stage could not decide, one `release stage` case
/// with an `<error>`. Counts: `tests` = gates + errors, `failures` = failed
/// gates, `errors` = 1 with an ``ReportInput/error``, else 0. Text is
/// XML-escaped (``ReportText/xml(_:)``).
public enum JUnitReport {
  /// The document; `timestamp` is when the stage ran, as the caller writes times (ISO 8601).
  public static func render(_ input: ReportInput, timestamp: String) -> String {
    let esc = ReportText.xml
    let suite = esc("hpo release \(input.experiment)")
    let errors = input.error == nil ? 0 : 1
    let failures = input.gates.filter { !$0.passed }.count
    let cases = input.gates.count + errors
    var x = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    x += "<testsuites name=\"hpo\" tests=\"\(cases)\" failures=\"\(failures)\" errors=\"\(errors)\">\n"
    x += "  <testsuite name=\"\(suite)\" tests=\"\(cases)\" failures=\"\(failures)\" errors=\"\(errors)\" timestamp=\"\(esc(timestamp))\">\n"
    for g in input.gates {
      x += "    <testcase classname=\"hpo.gates\(g.kind.map { "." + esc($0) } ?? "")\" name=\"\(esc(g.name))\" time=\"0\""
      if g.passed {
        x += "/>\n"
      } else {
        x += ">\n      <failure message=\"\(esc("value \(ReportText.fixed(g.value)), threshold \(g.threshold)"))\">\(esc(g.detail))</failure>\n    </testcase>\n"
      }
    }
    if let error = input.error {
      x += "    <testcase classname=\"hpo.release\" name=\"release stage\" time=\"0\">\n      <error message=\"release stage failed\">\(esc(error))</error>\n    </testcase>\n"
    }
    x += "  </testsuite>\n</testsuites>\n"
    return x
  }
}
