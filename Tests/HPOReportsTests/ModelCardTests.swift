import HPOCore
import Testing

@testable import HPOReports

@Suite struct ModelCardTests {
  static let package = ReportInput.Package(
    description: "Iris species.", kind: .softmax, precision: .float32, parameters: 15, task: .classification,
    classCount: 3, label: "species", featureCount: 2,
    features: [
      ReportInput.Feature(name: "sepal", min: 4.3, max: 7.9, mean: 5.8, std: 0.8),
      ReportInput.Feature(name: "petal", min: 1, max: 6.9, mean: .nan, std: 1.7),
    ],
    trainRows: 90, testRows: 30, sourceFile: "iris.csv", sourceSHA256: String(repeating: "ab", count: 32),
    missing: .median, imputation: .median)

  @Test func card_describesModelInputsMetricsGatesAndLimits() {
    var input = releaseInput(gates: [.passing("accuracy ≥ 0.8"), .failing("gap")])
    input.package = Self.package
    let md = ModelCard.render(input)
    #expect(md.hasPrefix("# iris\n\nIris species.\n\n**Predicts** `species`: one of 3 classes (0 … 2,"))
    #expect(md.contains("**Model**: softmax, float32, 15 parameters; trial 1 of 6 (retrained); configuration `{\"lr\": 0.2, \"opt\": \"sgd\"}`."))
    #expect(md.contains("2 features, in this order (training split: 90 rows):"))
    #expect(md.contains("| petal | 1.0000 | 6.9000 | nan | 1.7000 |\n"))
    // Metrics with a test value only.
    #expect(md.contains("| accuracy | 0.9500 | 0.9000 |\n") && !md.contains("| log_loss |"))
    #expect(md.contains("- ✅ **accuracy ≥ 0.8** (≥ 0.8): fine\n- ❌ **gap** (≥ 0.8): too low\n"))
    #expect(md.contains("(SHA-256 abababababab…)") && md.contains("- Missing values: imputed with the training median.\n"))
    #expect(md.contains("The test split has 30 rows"))
  }

  @Test func regressionWithoutImputation_saysSo() {
    var input = releaseInput()
    var package = Self.package
    (package.task, package.classCount, package.imputation, package.missing) = (.regression, nil, nil, .reject)
    input.package = package
    let md = ModelCard.render(input)
    #expect(md.contains("**Predicts** `species`: a number (regression).\n"))
    #expect(md.contains(#"- Missing values: not imputed (data.missing "reject";"#))
  }

  @Test func withoutAPackageOrAReleasedWinner_onlyTheHeading() {
    #expect(ModelCard.render(releaseInput()) == "# iris\n")
    var search = releaseInput()
    search.package = Self.package
    search.winner = ReportInput.Winner(trialNumber: 0, configuration: Configuration(), metrics: [:])
    #expect(ModelCard.render(search) == "# iris\n")
  }
}
