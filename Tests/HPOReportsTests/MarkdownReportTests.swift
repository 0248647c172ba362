import HPOCore
import Testing

@testable import HPOReports

@Suite struct MarkdownReportTests {
  func lines(_ md: String, startingWith prefix: String) -> [String] {
    md.split(separator: "\n", omittingEmptySubsequences: false).map(String.init).filter { $0.hasPrefix(prefix) }
  }

  @Test func gateCells_escapePipesAndFoldNewlines() {
    let gate = ReportInput.Gate(
      name: "a|b", kind: "data", passed: false, value: 0.5, threshold: "≤ 1|2", detail: "first line\nsecond | third")
    let md = MarkdownReport.render(releaseInput(status: .gateFailed, gates: [gate]))
    #expect(lines(md, startingWith: #"| a\|"#) == [#"| a\|b | ❌ fail | 0.5000 | ≤ 1\|2 | first line second \| third |"#])
  }

  @Test(arguments: [
    (ReleaseOutcome.Status?.some(.passed), "# iris: passed ✅"), (.some(.gateFailed), "# iris: gate failed ❌"),
    (.some(.error), "# iris: error ⚠️"), (.some(.skipped), "# iris: skipped"), (nil, "# iris: no verdict"),
  ])
  func heading_namesTheStatus(_ status: ReleaseOutcome.Status?, _ heading: String) {
    let md = MarkdownReport.render(releaseInput(status: status))
    #expect(md.hasPrefix(heading + "\n\nEvery gate passed (0); package in /out/package.\n\n"))
  }

  @Test func winner_showsProvenanceAndMarksTheObjective() {
    let md = MarkdownReport.render(releaseInput())
    #expect(md.contains("Trial 1 (retrained, seed 9), softmax: `{\"lr\": 0.2, \"opt\": \"sgd\"}`\n"))
    #expect(lines(md, startingWith: "| accuracy") == ["| accuracy (objective) | 0.9500 | 0.9000 |"])
    #expect(lines(md, startingWith: "| log_loss") == ["| log_loss | 0.2000 | – |"])
    var search = releaseInput()
    search.winner = ReportInput.Winner(trialNumber: 3, configuration: Configuration(), metrics: ["accuracy": 0.9])
    #expect(MarkdownReport.render(search).contains("Trial 3, softmax: `{}`\n"))
  }

  @Test func trials_completeByObjectiveThenTheOthers_atMostTen() {
    let md = MarkdownReport.render(releaseInput())
    // Maximised: 0.95 (trials 1 and 3, by number), 0.9, 0.8; then pruned 4 and failed 5 by number.
    let order = lines(md, startingWith: "| ").compactMap { line -> String? in
      let cells = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
      return cells.count == 6 && Int(cells[0]) != nil ? cells[1] : nil
    }
    #expect(order == ["1", "3", "2", "0", "4", "5"])
    #expect(md.hasSuffix("\n6 trials in all.\n"))

    let many = (0..<15).map { ReportInput.Trial(number: $0, state: .complete, value: Double($0), configuration: Configuration()) }
    let long = MarkdownReport.render(releaseInput(trials: many))
    #expect(long.contains("| 10 | 5 | complete | 5.0000 |") && !long.contains("\n| 11 |"))
    #expect(long.hasSuffix("\n15 trials in all.\n"))
  }

  @Test func configurations_areTypedAsTheSpaceSays() {
    let trial = ReportInput.Trial(number: 0, state: .complete, value: 0.9, configuration: Configuration(["lr": .int(1), "opt": .string("sgd")]))
    #expect(MarkdownReport.render(releaseInput(trials: [trial])).contains("`{\"lr\": 1.0, \"opt\": \"sgd\"}`"))
  }

  @Test func champion_isOneSentence() {
    var input = releaseInput()
    input.champion = ReportInput.Champion(
      entry: "reg/iris", version: "versions/2", metric: .accuracy, champion: 0.9, winner: 0.95, test: "McNemar exact p = 0.5")
    #expect(MarkdownReport.render(input).contains(
      "## Champion\n\nreg/iris (versions/2): accuracy champion 0.9000, winner 0.9500; McNemar exact p = 0.5.\n\n"))
  }

  @Test func fixed_hasFourDecimalsADashForNothingAndNamesNonFiniteValues() {
    #expect([0.12345, 1, nil, .nan, .infinity, -.infinity].map(ReportText.fixed) == ["0.1235", "1.0000", "–", "nan", "inf", "-inf"])
  }
}
