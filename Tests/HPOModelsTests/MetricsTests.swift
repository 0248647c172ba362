import HPOCore
import HPOLinearAlgebra
import Testing

@testable import HPOModels

/// Metric values against scikit-learn's on small hand-made inputs. Expected
/// values computed offline with scikit-learn 1.9.1 (`sklearn.metrics`:
/// accuracy_score, balanced_accuracy_score, f1_score(average="macro"),
/// log_loss, roc_auc_score(multi_class="ovr", average="macro"),
/// mean_squared_error, mean_absolute_error, r2_score) on the same arrays.
@Suite struct MetricsTests {
  static let probabilities = try! Matrix<Double>([
    [0.7, 0.2, 0.1], [0.1, 0.5, 0.4], [0.2, 0.2, 0.6], [0.3, 0.4, 0.3], [0.25, 0.5, 0.25], [0.6, 0.3, 0.1],
    [0.1, 0.1, 0.8],
  ])
  static let labels = [0, 1, 2, 2, 1, 1, 0]

  @Test func classificationMatchesScikitLearn() throws {
    let m = Metrics.classification(probabilities: Self.probabilities, labels: Self.labels)
    #expect(Metrics.argmax(Self.probabilities) == [0, 1, 2, 1, 1, 0, 2])
    #expect(abs(m[.accuracy]! - 0.5714285714285714) < 1e-15)
    #expect(abs(m[.balancedAccuracy]! - 0.55555555555555547) < 1e-15)
    #expect(abs(m[.f1Macro]! - 0.55555555555555547) < 1e-15)
    #expect(abs(m[.logLoss]! - 0.99490366149579024) < 1e-14)
    #expect(abs(m[.rocAUC]! - 0.72222222222222232) < 1e-15)
  }

  @Test func binaryAUCCountsTiesAsHalf() throws {
    let auc = Metrics.binaryAUC(
      scores: [0.1, 0.4, 0.35, 0.8, 0.4, 0.9], positives: [false, false, true, true, true, false])
    #expect(auc == 0.5)
    #expect(Metrics.binaryAUC(scores: [1, 2], positives: [true, true]) == nil)
    #expect(Metrics.binaryAUC(scores: [1, 2, 3], positives: [false, true, true]) == 1)
  }

  @Test func regressionMatchesScikitLearn() throws {
    let m = Metrics.regression(predictions: [2.5, 0.0, 2.0, 8.0], targets: [3.0, -0.5, 2.0, 7.0])
    #expect(abs(m[.rmse]! - 0.61237243569579447) < 1e-15)
    #expect(m[.mae]! == 0.5)
    #expect(abs(m[.r2]! - 0.94860813704496794) < 1e-15)
  }

  @Test func logLossClipsCertainMistakes() throws {
    let p = try Matrix<Double>([[1, 0], [0, 1]])
    let loss = Metrics.logLoss(probabilities: p, labels: [1, 1])
    #expect(loss.isFinite)
    #expect(abs(loss - (-Double.log(1e-15) / 2)) < 1e-9)
  }

  @Test func everyMetricOfEachTaskIsReported() throws {
    let c = Metrics.classification(probabilities: Self.probabilities, labels: Self.labels)
    #expect(Set(c.keys) == Set(Metric.metrics(for: .classification)))
    let r = Metrics.regression(predictions: [1, 2], targets: [1, 3])
    #expect(Set(r.keys) == Set(Metric.metrics(for: .regression)))
  }
}
