import Foundation
import HPOCore
import Testing

@testable import HPODrift

/// The input schema check against a profile: what `hpo predict` and `hpo drift` refuse, in the words users see.
struct DriftSchemaTests {
  /// Features `x` (numeric) and `color` (categorical 1, 2, 3); label `label`.
  static let profile = DataProfile(
    training: dataset([("x", [0.5, 1.5, 2.5, 3.5, 4.5, 5.5]), ("color", [1, 2, 3, 1, 2, 3])]), categorical: ["color"],
    missing: .reject, seed: 0)

  func check(_ text: String, unknownLevels: ProfiledInput.UnknownLevels = .reject, profile: DataProfile = Self.profile)
    throws(DriftError) -> ProfiledInput
  {
    try ProfiledInput.check(Array(text.utf8), file: "in.csv", profile: profile, unknownLevels: unknownLevels)
  }

  func problems(_ text: String, unknownLevels: ProfiledInput.UnknownLevels = .reject) -> [String] {
    do {
      _ = try check(text, unknownLevels: unknownLevels)
      return []
    } catch {
      #expect(error.code == .schema)
      return error.problems.map(\.description)
    }
  }

  @Test func columnsAreMatchedByNameInAnyOrderAndTheLabelIsOptional() throws {
    let a = try check("x,color,label\n1.5,2,0\n-3e-1,3,1\n")
    let b = try check("\u{FEFF}color , \"x\"\r\n2,1.5\r\n\r\n3,\" -3e-1\"\r\n")
    #expect(a.columns == [[1.5, -0.3], [2, 3]])
    #expect(b.columns == a.columns)
    #expect(a.lines == [2, 3])
    #expect(b.lines == [2, 4])
    let rows = a.dataset(profile: Self.profile)
    #expect(rows.features == [1.5, 2, -0.3, 3])
    #expect(rows.featureNames == ["x", "color"])
  }

  @Test func aCellThatIsNotANumber_isNamedWithItsLineAndColumn() {
    #expect(problems("x,color\n1,2\nabc,3\n") == [
      "in.csv:3: column 'x': value 'abc' is not a number; accepted: a decimal number such as 3, -0.5 or 1e-3",
    ])
    #expect(problems("x,color\n0x10,2\ninf,3\n") == [
      "in.csv:2: column 'x': value '0x10' is not a number; accepted: a decimal number such as 3, -0.5 or 1e-3",
      "in.csv:3: column 'x': value 'inf' is not finite; accepted: a finite decimal number",
    ])
  }

  @Test func missingValues_areRefusedUnlessTheModelImputes() throws {
    #expect(problems("x,color\nNA,2\n") == [
      "in.csv:2: column 'x': missing value; the model was trained with \"missing\": \"reject\", so every cell needs a value (only \"mean\" or \"median\" models impute missing values)",
    ])
    let imputing = DataProfile(
      training: dataset([("x", [1, .nan, 3, 4]), ("color", [1, 2, 1, 2])]), categorical: ["color"], missing: .median, seed: 0)
    let read = try check("x,color\n,2\nnull,1\n", profile: imputing)
    let allMissing = read.columns[0].allSatisfy { $0.isNaN }
    #expect(allMissing)
  }

  @Test func unknownCategories_areRefusedForPredictionsAndCountedForDrift() throws {
    #expect(problems("x,color\n1,7\n") == [
      "in.csv:2: column 'color': value '7' is not a category the model was trained on; accepted: 1, 2, 3",
    ])
    let read = try check("x,color\n1,7\n", unknownLevels: .count)
    #expect(read.columns[1] == [7])
  }

  @Test func headerProblems_nameTheColumnAndWhatIsAccepted() {
    #expect(problems("x,colour\n1,2\n") == [
      "in.csv:1: column 'colour': is not a feature of the model; did you mean 'color'? accepted: 'x', 'color' in any order (the label 'label' may be there too and is ignored)",
      "in.csv:1: column 'color': is missing from the header; the model reads the columns 'x', 'color' in any order (the label 'label' may be there too and is ignored)",
    ])
    #expect(problems("x,color,x\n1,2,3\n") == [
      "in.csv:1: column 'x': appears twice in the header; every column needs a distinct name",
    ])
    #expect(problems("") == [
      "in.csv: file is empty; expected a header row naming the columns 'x', 'color' in any order (the label 'label' may be there too and is ignored)",
    ])
    #expect(problems("x,color\n") == ["in.csv: has a header but no data rows; expected at least one data row after the header"])
  }

  @Test func raggedRowsAndOpenQuotes_areRefused() {
    #expect(problems("x,color\n1,2\n3\n") == [
      "in.csv:3: row has 1 fields but the header has 2 columns; every row needs one field per column",
    ])
    #expect(problems("x,color\n1,\"2\n") == [
      "in.csv:2: quoted field is never closed; a field that starts with \" must end with \" (write \"\" for a quote inside)",
    ])
  }

  @Test func manyProblems_areCappedWithACountOfTheRest() {
    let text = "x,color\n" + String(repeating: "a,1\n", count: 25)
    let found = problems(text)
    #expect(found.count == ProfiledInput.problemLimit + 1)
    #expect(found.last == "in.csv: 5 more problems not shown")
  }
}
