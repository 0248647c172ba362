import HPOCore
import Testing
@testable import HPOData

/// Splits are deterministic by seed and stratified for classification.
@Suite struct SplitTests {
  /// 3 classes of 50, 30 and 20 rows, interleaved.
  static let labels: [Double] = (0..<100).map { i in i % 10 < 5 ? 0 : (i % 10 < 8 ? 1 : 2) }

  @Test func split_sameSeed_sameIndices_otherSeed_different() throws {
    let spec = SplitSpec(validation: 0.2, test: 0.2, seed: 42)
    let a = try DataSplitter.split(labels: Self.labels, classCount: 3, spec: spec)
    let b = try DataSplitter.split(labels: Self.labels, classCount: 3, spec: spec)
    let c = try DataSplitter.split(labels: Self.labels, classCount: 3, spec: SplitSpec(validation: 0.2, test: 0.2, seed: 43))
    #expect(a == b)
    #expect(a != c)
  }

  @Test func split_partitionsEveryRowOnce() throws {
    let s = try DataSplitter.split(labels: Self.labels, classCount: 3, spec: SplitSpec(seed: 1))
    #expect((s.train + s.validation + s.test).sorted() == Array(0..<100))
    #expect(s.validation == s.validation.sorted())
    #expect(s.test == s.test.sorted())
  }

  @Test func split_isStratified() throws {
    let s = try DataSplitter.split(labels: Self.labels, classCount: 3, spec: SplitSpec(validation: 0.2, test: 0.2, seed: 5))
    func counts(_ rows: [Int]) -> [Int] {
      (0..<3).map { k in rows.filter { Self.labels[$0] == Double(k) }.count }
    }
    #expect(counts(s.test) == [10, 6, 4])
    #expect(counts(s.validation) == [10, 6, 4])
    #expect(counts(s.train) == [30, 18, 12])
  }

  @Test func split_smallClass_getsOneRowInEverySplit() throws {
    let labels: [Double] = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1]
    let s = try DataSplitter.split(labels: labels, classCount: 2, spec: SplitSpec(validation: 0.1, test: 0.1, seed: 0))
    for rows in [s.train, s.validation, s.test] {
      #expect(rows.contains { labels[$0] == 1 })
    }
  }

  @Test func split_regression_usesRoundedFractions() throws {
    let labels = (0..<10).map(Double.init)
    let s = try DataSplitter.split(labels: labels, classCount: nil, spec: SplitSpec(validation: 0.25, test: 0.15, seed: 9))
    #expect(s.test.count == 2)
    #expect(s.validation.count == 3)
    #expect(s.train.count == 5)
  }

  @Test func split_pinnedIndices() throws {
    // Pins the algorithm: a change here changes every prepared dataset.
    let s = try DataSplitter.split(labels: (0..<10).map(Double.init), classCount: nil, spec: SplitSpec(seed: 0))
    #expect(s == SplitIndices(train: [2, 4, 0, 9, 5, 6], validation: [1, 3], test: [7, 8]))
  }

  @Test func split_classOfTwo_isRejected() {
    let issues = thrownIssues { () throws(DataError) in
      _ = try DataSplitter.split(labels: [0, 0, 0, 1, 1], classCount: 2, spec: SplitSpec(), file: "x.csv")
    }
    #expect(issues == ["x.csv: class 1 has 2 rows; each class needs at least 3 so that the training, validation and test splits each get one"])
  }
}
