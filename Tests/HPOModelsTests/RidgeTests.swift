import HPOCore
import HPOData
import HPOLinearAlgebra
import Testing

@testable import HPOModels

@Suite struct RidgeTests {
  /// x = [0, 1, 2, 3], y = 2x + 1. Centred: xc = [−1.5, −0.5, 0.5, 1.5],
  /// Σxc² = 5, Σxc·yc = 10, so w = 10/(5 + α) and b = ȳ − x̄·w = 4 − 1.5·w.
  @Test(arguments: [0.0, 1.0, 5.0])
  func knownAnswerOneFeature(_ alpha: Double) throws {
    let x = try Matrix<Double>(rows: 4, columns: 1, elements: [0, 1, 2, 3])
    let y = try Matrix<Double>(rows: 4, columns: 1, elements: [1, 3, 5, 7])
    let s = try RidgeSolver.fit(x, y, alpha: alpha)
    let w = 10 / (5 + alpha)
    #expect(abs(s.coefficients[0, 0] - w) < 1e-14)
    #expect(abs(s.intercepts[0] - (4 - 1.5 * w)) < 1e-14)
    #expect(s.method == .cholesky)
  }

  /// The same problem shifted by 10⁶: forming XᵀX − n·x̄x̄ᵀ would cancel
  /// about 12 digits, so X is centred explicitly, and the answer is as exact.
  @Test func largeOffsetsAreCentredExplicitly() throws {
    let x = try Matrix<Double>(rows: 4, columns: 1, elements: [1e6, 1e6 + 1, 1e6 + 2, 1e6 + 3])
    let y = try Matrix<Double>(rows: 4, columns: 1, elements: [1, 3, 5, 7])
    let s = try RidgeSolver.fit(x, y, alpha: 1)
    #expect(abs(s.coefficients[0, 0] - 10.0 / 6) < 1e-12)
    #expect(abs(s.intercepts[0] - (4 - (1e6 + 1.5) * 10.0 / 6)) < 1e-6)
  }

  /// Two features, exact: X = [[1,0],[0,1],[1,1],[0,0]], y = [1,2,3,0]:
  /// x̄ = (½, ½), ȳ = 3/2; XcᵀXc = [[1,0],[0,1]], Xcᵀyc = [1, 2], so with
  /// α = 1, W = [½, 1] and b = 3/2 − ½·½ − ½·1 = ¾.
  @Test func knownAnswerTwoFeatures() throws {
    let x = try Matrix<Double>([[1, 0], [0, 1], [1, 1], [0, 0]])
    let y = try Matrix<Double>(rows: 4, columns: 1, elements: [1, 2, 3, 0])
    let s = try RidgeSolver.fit(x, y, alpha: 1)
    #expect(abs(s.coefficients[0, 0] - 0.5) < 1e-15)
    #expect(abs(s.coefficients[1, 0] - 1) < 1e-15)
    #expect(abs(s.intercepts[0] - 0.75) < 1e-15)
  }

  /// Duplicate columns with α = 0 make XᵀX singular: the SVD fallback gives
  /// the minimum-norm solution, splitting the weight evenly.
  @Test func singularSystemFallsBackToSVD() throws {
    let x = try Matrix<Double>([[0, 0], [1, 1], [2, 2], [3, 3]])
    let y = try Matrix<Double>(rows: 4, columns: 1, elements: [1, 3, 5, 7])
    let s = try RidgeSolver.fit(x, y, alpha: 0)
    #expect(s.method == .svd)
    #expect(abs(s.coefficients[0, 0] - 1) < 1e-10)
    #expect(abs(s.coefficients[1, 0] - 1) < 1e-10)
    #expect(abs(s.intercepts[0] - 1) < 1e-10)
  }

  @Test func rejectsNegativeAlphaAndMismatchedShapes() throws {
    let x = Matrix<Double>(rows: 3, columns: 2, repeating: 1)
    #expect(throws: ModelError.self) { try RidgeSolver.fit(x, Matrix(rows: 3, columns: 1), alpha: -1) }
    #expect(throws: ModelError.self) { try RidgeSolver.fit(x, Matrix(rows: 2, columns: 1), alpha: 1) }
  }

  /// Diabetes, the canonical split of Experiments/data/README.md (train =
  /// the first 353 rows, test = the remaining 89), StandardScaler fitted on
  /// train, then ridge at several alphas: test RMSE equals scikit-learn's.
  ///
  /// Reference values computed offline with scikit-learn 1.9.1 (numpy
  /// 2.4.6) in a venv, by `Experiments/benchmarks/training/sklearn_reference.py diabetes`:
  /// StandardScaler().fit(X[:353]); Ridge(alpha, solver="cholesky").fit;
  /// RMSE on X[353:], printed to 17 significant digits.
  static let diabetesReference: [(alpha: Double, rmse: Double)] = [
    (0.01, 57.014370096730147),
    (1.0, 57.12708600081519),
    (10.0, 57.204925042871764),
  ]

  @Test func diabetesMatchesScikitLearn() throws {
    let loaded = try CSVReader.read(
      path: Fixtures.dataPath("diabetes.csv"), options: CSVReadOptions(task: .regression), as: Double.self)
    let d = loaded.dataset
    let cut = d.rowCount * 8 / 10
    let train = d.rows(Array(0..<cut))
    let test = d.rows(Array(cut..<d.rowCount))
    let pre = try Preprocessing.fit(train)
    for (alpha, reference) in Self.diabetesReference {
      let outcome = try Trainer.train(
        model: ModelSpec(kind: .ridge), configuration: Configuration(["alpha": .float(alpha)]), train: train,
        validation: test, preprocessing: pre, seed: 0)
      let rmse = try #require(outcome.metrics[.rmse])
      #expect(abs(rmse - reference) < 1e-6, "alpha \(alpha): \(rmse) vs scikit-learn \(reference)")
      // The checkpoint predicts the same from raw rows.
      #expect(try outcome.checkpoint.evaluate(test)[.rmse] == rmse)
    }
  }

  /// Ridge as a one-vs-rest linear classifier on separable blobs.
  @Test func linearClassifierBaseline() throws {
    let data = Fixtures.blobs(rows: 300, features: 4, classes: 3, seed: 9)
    let train = data.rows(Array(0..<200))
    let validation = data.rows(Array(200..<300))
    let outcome = try Trainer.train(
      model: ModelSpec(kind: .ridge), configuration: Configuration(), train: train, validation: validation, seed: 0)
    #expect(try #require(outcome.metrics[.accuracy]) > 0.8)
    #expect(outcome.epochs == 0)
    let p = try outcome.checkpoint.predict(validation)
    for i in 0..<p.outputs.rows { #expect(abs(p.outputs.row(i).reduce(0, +) - 1) < 1e-12) }
  }
}
