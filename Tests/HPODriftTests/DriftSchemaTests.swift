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

/// Drift of new data against a profile.
struct DriftCheckTests {
  static let training: [Double] = (0..<1000).map { Double(($0 * 37) % 1000) }

  @Test func theTrainingDataItself_hasNoDrift() {
    let profile = DataProfile(training: dataset([("x", Self.training)]), categorical: [], missing: .reject, seed: 0)
    let report = DriftCheck.compare(profile: profile, columns: [Self.training])
    #expect(report.features[0].psi == 0)
    #expect(report.features[0].ks == 0)
    #expect(report.features[0].ksPValue == 1)
    #expect(!report.hasDrift && report.drifted.isEmpty)
  }

  @Test func aShiftedFeature_drifts_andTheOtherDoesNot() {
    let profile = DataProfile(
      training: dataset([("x", Self.training), ("y", Self.training)]), categorical: [], missing: .reject, seed: 0)
    let shifted = Self.training.map { $0 + 200 }
    let report = DriftCheck.compare(profile: profile, columns: [Self.training, shifted])
    #expect(report.drifted == ["y"])
    // 0…999 moved by 200: the CDFs differ by at most 0.2.
    #expect(abs((report.features[1].ks ?? 0) - 0.2) < 1e-9)
    #expect(report.features[1].psi > 0.2)
    #expect((report.features[1].ksPValue ?? 1) < 1e-10)
  }

  @Test func aDataset_isComparedByItsColumns_andMustHaveTheProfilesFeatures() throws {
    let profile = DataProfile(
      training: dataset([("x", Self.training), ("y", Self.training)]), categorical: [], missing: .reject, seed: 0)
    let shifted = dataset([("x", Self.training), ("y", Self.training.map { $0 + 200 })])
    let report = try DriftCheck.compare(profile: profile, dataset: shifted)
    #expect(report == DriftCheck.compare(profile: profile, columns: [Self.training, Self.training.map { $0 + 200 }]))
    #expect(report.drifted == ["y"])
    #expect(throws: DriftError.self) {
      try DriftCheck.compare(profile: profile, dataset: dataset([("y", Self.training), ("x", Self.training)]))
    }
  }

  @Test func thresholdsDecide() {
    let profile = DataProfile(training: dataset([("x", Self.training)]), categorical: [], missing: .reject, seed: 0)
    let shifted = Self.training.map { $0 + 50 }
    let strict = DriftCheck.compare(profile: profile, columns: [shifted], thresholds: .init(psiMax: 10, ksMax: 0.04))
    let loose = DriftCheck.compare(profile: profile, columns: [shifted], thresholds: .init(psiMax: 10, ksMax: 0.06))
    #expect(abs((strict.features[0].ks ?? 0) - 0.05) < 1e-9)
    #expect(strict.hasDrift && !loose.hasDrift)
  }

  @Test func categoricalPSI_countsUnseenLevels_byHand() {
    let profile = DataProfile(
      training: dataset([("c", [0, 0, 1, 1])]), categorical: ["c"], missing: .reject, seed: 0)
    let report = DriftCheck.compare(profile: profile, columns: [[0, 1, 5, 5]])
    let f = report.features[0]
    #expect(f.unseenLevels == 2 && f.ks == nil && f.ksPValue == nil)
    // Buckets (0, 1, unseen, missing): training 2, 2, 0, 0 of 4; new 1, 1, 2, 0 of 4.
    let n = 1 + 4e-4
    let e = [0.5001 / n, 0.5001 / n, 0.0001 / n, 0.0001 / n]
    let a = [0.2501 / n, 0.2501 / n, 0.5001 / n, 0.0001 / n]
    let psi = zip(e, a).reduce(0) { $0 + ($1.1 - $1.0) * log($1.1 / $1.0) }
    #expect(abs(f.psi - psi) < 1e-12)
    #expect(f.psi > 4)
    #expect(report.drifted == ["c"])
  }

  @Test func reportTableAndJSON() throws {
    let profile = DataProfile(
      training: dataset([("x", Self.training), ("y", Self.training)]), categorical: [], missing: .reject, seed: 0)
    let report = DriftCheck.compare(profile: profile, columns: [Self.training, Self.training.map { $0 + 200 }])
    let table = report.table()
    #expect(table.hasPrefix("feature  kind     psi     ks      p-value"))
    #expect(table.contains("\ny        numeric  "))
    #expect(table.hasSuffix("1 of 2 features drifted (psi > 0.2 or ks > 0.1) over 1000 rows: y\n"))
    let object = try JSONSerialization.jsonObject(with: Data(report.json().utf8)) as? [String: Any]
    #expect(object?["drifted_features"] as? [String] == ["y"])
    #expect(object?["psi_max"] as? Double == 0.2)
    let back = try JSONDecoder().decode(DriftReport.self, from: Data(report.json().utf8))
    #expect(back == report)
  }
}
