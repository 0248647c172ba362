import HPOCore
import Testing
@testable import HPOData

/// One bad file and the exact messages it must be refused with.
struct BadDataCase: CustomTestStringConvertible, Sendable {
  var id: String
  var text: String
  var options = CSVReadOptions(task: .regression)
  /// Expected issue descriptions, with FILE standing for the file's path.
  var expected: [String]
  var testDescription: String { id }
}

/// Every kind of bad data is refused, each with its exact message naming file,
/// line and column and saying what is accepted.
@Suite struct BadDataTests {
  static let reject = "missing values are rejected unless the data spec sets \"missing\" to \"mean\", \"median\" or \"drop\""
  static let classes = CSVReadOptions(task: .classification)

  static let cases: [BadDataCase] = [
    BadDataCase(
      id: "empty file", text: "",
      expected: ["FILE: file is empty; expected a header row naming the columns and at least one data row"]),
    BadDataCase(
      id: "only blank lines", text: "\n\r\n\n",
      expected: ["FILE: file is empty; expected a header row naming the columns and at least one data row"]),
    BadDataCase(
      id: "header only", text: "a,b,y\n",
      expected: ["FILE: has a header but no data rows; expected at least one data row after the header"]),
    BadDataCase(
      id: "duplicate column", text: "a,b,a,y\n1,2,3,4\n",
      expected: ["FILE:1: column 'a': appears twice in the header (columns 1 and 3); column names must be unique"]),
    BadDataCase(
      id: "unnamed column", text: "a,,y\n1,2,3\n",
      expected: ["FILE:1: column 2 of the header has no name; every column needs a unique name"]),
    BadDataCase(
      id: "label column missing", text: "a,b,y\n1,2,3\n", options: CSVReadOptions(label: "target"),
      expected: ["FILE:1: label column 'target' not found; the header has 'a', 'b', 'y'"]),
    BadDataCase(
      id: "only the label column", text: "y\n1\n2\n",
      expected: ["FILE:1: the header has only the label column 'y'; at least one feature column is needed"]),
    BadDataCase(
      id: "ragged rows", text: "a,b,y\n1,2,3\n4,5\n6,7,8,9\n1,2,3\n",
      expected: ["FILE:3: row has 2 fields but the header has 3 columns; every row needs one field per column (first of 2)"]),
    BadDataCase(
      id: "unterminated quote", text: "a,b,y\n1,2,3\n\"4,5,6\n7,8,9\n",
      expected: ["FILE:3: quoted field is never closed; a field that starts with \" must end with \" (write \"\" for a quote inside)"]),
    BadDataCase(
      id: "non-numeric cell", text: "a,b,y\n1,2,3\n4,abc,6\n7,x1,9\n",
      expected: ["FILE:3: column 'b': 'abc' is not a number; cells must be decimal numbers such as 3, -0.5 or 1e-3 (first of 2)"]),
    BadDataCase(
      id: "text after a closing quote", text: "a,b,y\n1,\"2\"x,3\n",
      expected: ["FILE:2: column 'b': '\"2\"x' is not a number; cells must be decimal numbers such as 3, -0.5 or 1e-3"]),
    BadDataCase(
      id: "hexadecimal number", text: "a,b,y\n1,2,3\n4,0x10,6\n7,8,9\n",
      expected: ["FILE:3: column 'b': '0x10' is not a number; cells must be decimal numbers such as 3, -0.5 or 1e-3"]),
    BadDataCase(
      id: "classic Mac OS line ends", text: "a,b,y\r1,2,3\r4,5,6\r",
      expected: ["FILE:1: line ends with a carriage return alone (classic Mac OS line ends); lines must end with LF or CRLF"]),
    BadDataCase(
      id: "a lone CR among the rows", text: "a,b,y\n1,x,3\n4,5,6\r7,8,9\n",
      expected: [
        "FILE:2: column 'b': 'x' is not a number; cells must be decimal numbers such as 3, -0.5 or 1e-3",
        "FILE:3: line ends with a carriage return alone (classic Mac OS line ends); lines must end with LF or CRLF",
      ]),
    BadDataCase(
      id: "missing value", text: "a,b,y\n1,2,3\n4,,6\n7,8,9\n",
      expected: ["FILE:3: column 'b': missing value; " + reject]),
    BadDataCase(
      id: "NA tokens", text: "a,b,y\n1,NA,3\nnull,5,6\n7,N/A,9\n",
      expected: [
        "FILE:2: column 'b': missing value; " + reject + " (first of 2)",
        "FILE:3: column 'a': missing value; " + reject,
      ]),
    BadDataCase(
      id: "non-finite number", text: "a,b,y\n1,2,3\n-inf,5,6\n7,8,9\n",
      expected: ["FILE:3: column 'a': non-finite number '-inf'; non-finite values are treated as missing, and " + reject]),
    BadDataCase(
      id: "overflowing number", text: "a,b,y\n1,2,3\n4,1e999,6\n7,8,9\n",
      expected: ["FILE:3: column 'b': non-finite number '1e999'; non-finite values are treated as missing, and " + reject]),
    BadDataCase(
      id: "missing label", text: "a,b,y\n1,2,3\n4,5,\n7,8,9\n",
      expected: ["FILE:3: column 'y': missing label; every row needs a label"]),
    BadDataCase(
      id: "non-finite regression target", text: "a,b,y\n1,2,3\n4,5,NaN\n7,8,9\n",
      expected: ["FILE:3: column 'y': regression target 'NaN' is not finite; targets must be finite numbers"]),
    BadDataCase(
      id: "non-numeric regression target", text: "a,b,y\n1,2,3\n4,5,high\n7,8,9\n",
      expected: ["FILE:3: column 'y': 'high' is not a number; regression targets must be finite decimal numbers"]),
    BadDataCase(
      id: "too few rows for a regression split", text: "a,y\n1,2\n3,4\n",
      expected: ["FILE: has 2 data rows; at least 3 are needed so that the training, validation and test splits each get one"]),
    BadDataCase(
      id: "fractional class label", text: "a,y\n1,0\n2,1.5\n3,1\n", options: classes,
      expected: ["FILE:3: column 'y': class label '1.5' is not an integer; classification labels must be integers 0..K-1"]),
    BadDataCase(
      id: "negative class label", text: "a,y\n1,0\n2,-1\n3,1\n", options: classes,
      expected: ["FILE:3: column 'y': class label '-1' is negative; classification labels must be integers 0..K-1"]),
    BadDataCase(
      id: "text class label", text: "a,y\n1,setosa\n2,virginica\n", options: classes,
      expected: ["FILE:2: column 'y': class label 'setosa' is not an integer; classification labels must be integers 0..K-1 (first of 2)"]),
    BadDataCase(
      id: "infinite class label", text: "a,y\n1,0\n2,inf\n", options: classes,
      expected: ["FILE:3: column 'y': class label 'inf' is not an integer; classification labels must be integers 0..K-1"]),
    BadDataCase(
      id: "skipped class", text: "a,y\n1,0\n2,0\n3,0\n4,2\n5,2\n6,2\n", options: classes,
      expected: ["FILE: column 'y': class 1 never occurs; classes must be numbered 0..K-1 with none skipped (found 0, 2)"]),
    BadDataCase(
      id: "single class", text: "a,y\n1,0\n2,0\n3,0\n", options: classes,
      expected: ["FILE: column 'y': only class 0 occurs; classification needs at least two classes"]),
    BadDataCase(
      id: "class too small for every split", text: "a,y\n1,0\n2,0\n3,0\n4,1\n5,1\n", options: classes,
      expected: ["FILE: column 'y': class 1 has 2 rows; each class needs at least 3 so that the training, validation and test splits each get one"]),
    BadDataCase(
      id: "several problems at once", text: "a,b,y\n1,x,3\n4,5\n,7,8\n",
      expected: [
        "FILE:2: column 'b': 'x' is not a number; cells must be decimal numbers such as 3, -0.5 or 1e-3",
        "FILE:3: row has 2 fields but the header has 3 columns; every row needs one field per column",
        "FILE:4: column 'a': missing value; " + reject,
      ]),
    BadDataCase(
      id: "every row dropped", text: "a,y\n,1\nnan,2\n", options: CSVReadOptions(task: .regression, missing: .drop),
      expected: ["FILE: every data row has a missing or non-finite value, so \"missing\": \"drop\" leaves none"]),
    BadDataCase(
      id: "column with no value to impute from", text: "a,b,y\n1,,1\n2,,2\n3,,3\n",
      options: CSVReadOptions(task: .regression, missing: .median),
      expected: ["FILE: column 'b': has no values (all 3 are missing or non-finite); a column needs values to impute from"]),
  ]

  @Test(arguments: cases)
  func badData_isRejectedWithItsMessage(_ c: BadDataCase) {
    let directory = TemporaryDirectory()
    let path = directory.write("bad.csv", c.text)
    let issues = thrownIssues { () throws(DataError) in
      _ = try CSVReader.read(path: path, options: c.options, as: Double.self)
    }
    #expect(issues == c.expected.map { $0.replacingOccurrences(of: "FILE", with: path) })
  }

  @Test func missingFile_isRejectedWithTheReason() {
    let issues = thrownIssues { () throws(DataError) in
      _ = try CSVReader.read(path: "/nonexistent/x.csv", as: Double.self)
    }
    #expect(issues == ["/nonexistent/x.csv: cannot open: No such file or directory"])
  }

  @Test func constantColumn_isAWarningNotAnError() throws {
    let directory = TemporaryDirectory()
    let path = directory.write("c.csv", "a,b,y\n1,7,1\n2,7,2\n3,7,3\n")
    let loaded = try CSVReader.read(path: path, options: CSVReadOptions(task: .regression), as: Double.self)
    #expect(loaded.report.issues.map(\.description) == [
      path + ": column 'b': is constant (every value is 7); it carries no information, and standardisation leaves it at 0",
    ])
    #expect(loaded.report.issues.allSatisfy { $0.severity == .warning })
  }
}

import Foundation
