import Foundation
import HPOCore
import HPOData
import HPOTestSupport
import Testing

@testable import HPODrift

/// `hpo predict` and `hpo drift` read a file exactly as training read it.
struct ProfiledInputReadingTests {
  /// One file with every layout training accepts: a BOM, CRLF and LF line
  /// ends, blank and whitespace-only lines, quoted names and cells (a comma
  /// and a line break inside quotes), blanks around values and before an
  /// opening quote, missing and non-finite cells, no final newline.
  static let tricky = "\u{FEFF}\"size, cm\",\" colour \",\"la\nbel\"\r\n"
    + "1.5,\"1\",0\r\n"
    + "\r\n"
    + " \"2.5\" , 2 ,1\n"
    + "   \t\n"
    + "\" -3e-1 \",\"3\",0\n"
    + "NA,1,1\n"
    + "inf, \"2\",0\n"
    + "4,\t3\t,1\n"
    + "5,\"\"\"1\"\"\",0\n"
    + "6,2,1"

  @Test func aFileTrainingAccepts_isReadTheSameByPredictAndDrift() throws {
    let dir = try TempDir()
    defer { dir.cleanup() }
    let path = dir.path("tricky.csv")
    // Row 9 holds `"1"` in quotes, which is no number: training refuses it, so leave it out first.
    let accepted = Self.tricky.replacingOccurrences(of: "5,\"\"\"1\"\"\",0\n", with: "5,\"1\",0\n")
    try accepted.write(toFile: path, atomically: true, encoding: .utf8)
    let spec = DataSpec(path: path, task: .classification, missing: .mean, categorical: ["colour"])
    let training = try CSVReader.read(path: path, options: CSVReadOptions(spec: spec), as: Double.self)
    #expect(training.dataset.featureNames == ["size, cm", "colour"])
    #expect(training.dataset.labelName == "la\nbel")
    let profile = DataProfile(training: training.dataset, categorical: ["colour"], missing: .mean, seed: 0)

    for unknownLevels in [ProfiledInput.UnknownLevels.reject, .count] {
      let input = try ProfiledInput.read(path: path, profile: profile, unknownLevels: unknownLevels)
      #expect(input.lines == training.sourceLines)
      let columns = (0..<training.dataset.featureCount).map { training.dataset.column($0) }
      let bits = { (c: [[Double]]) in c.map { $0.map { $0.isNaN ? UInt64.max : ($0 == 0 ? 0 : $0.bitPattern) } } }
      #expect(bits(input.columns) == bits(columns))
    }

    // What training refuses, predict refuses on the same line and column.
    try Self.tricky.write(toFile: path, atomically: true, encoding: .utf8)
    let refused = thrownDataIssues { _ = try CSVReader.read(path: path, options: CSVReadOptions(spec: spec), as: Double.self) }
    #expect(refused == ["\(path):11: column 'colour': '\"\"\"1\"\"\"' is not a number; cells must be decimal numbers such as 3, -0.5 or 1e-3"])
    do {
      _ = try ProfiledInput.read(path: path, profile: profile, unknownLevels: .count)
      Issue.record("a cell training refuses was accepted")
    } catch {
      #expect(error.problems.map { "\($0.line ?? 0) \($0.column ?? "")" } == ["11 colour"])
    }
  }

  @Test func nonFiniteCells_countAsMissing_asInTraining() throws {
    let imputing = DataProfile(
      training: dataset([("x", [1, .nan, 3, 4])]), categorical: [], missing: .median, seed: 0)
    let read = try ProfiledInput.check(Array("x\n-inf\nNaN\n2\n".utf8), file: "in.csv", profile: imputing)
    #expect(read.columns[0][0].isNaN && read.columns[0][1].isNaN && read.columns[0][2] == 2)
  }

  @Test func syntaxErrors_areTheTokenizers_afterTheRowsBeforeThem() {
    let profile = DataProfile(training: dataset([("x", [1, 2, 3, 4])]), categorical: [], missing: .reject, seed: 0)
    func problems(_ text: String) -> [String] {
      do {
        _ = try ProfiledInput.check(Array(text.utf8), file: "in.csv", profile: profile)
        return []
      } catch {
        return error.problems.map(\.description)
      }
    }
    #expect(problems("x\nabc\n1\r2\n") == [
      "in.csv:2: column 'x': value 'abc' is not a number; accepted: a decimal number such as 3, -0.5 or 1e-3",
      "in.csv:3: line ends with a carriage return alone (classic Mac OS line ends); lines must end with LF or CRLF",
    ])
    #expect(problems("x\n1\n\"2\n") == [
      "in.csv:3: quoted field is never closed; a field that starts with \" must end with \" (write \"\" for a quote inside)",
    ])
  }
}

/// The issue descriptions of a DataError thrown by `body`, or [] when it did not throw.
func thrownDataIssues(_ body: () throws -> Void) -> [String] {
  do {
    try body()
    return []
  } catch let error as DataError {
    return error.issues.map(\.description)
  } catch {
    return ["\(error)"]
  }
}
