import HPOCore
import HPOLinearAlgebra

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// Evaluation metrics, accumulated in `Double` whatever precision the model
/// trained in. Definitions follow scikit-learn's (noted per function).
public enum Metrics {
  /// Probabilities are clipped to [ε, 1 − ε] in log loss, as scikit-learn does.
  public static let logLossEpsilon = 1e-15

  /// Every classification metric for predicted class probabilities.
  ///
  /// - Parameters:
  ///   - probabilities: rows × K, each row a distribution over classes 0..K-1.
  ///   - labels: the true class of each row, in 0..<K.
  /// - Returns: accuracy, balanced_accuracy, f1_macro, log_loss and roc_auc
  ///   (binary: AUC of class 1's probability; K > 2: the unweighted mean of
  ///   one-vs-rest AUCs over classes present with both outcomes, as
  ///   scikit-learn's `multi_class="ovr", average="macro"`). roc_auc is left
  ///   out when it is undefined (a single class in `labels`). Empty input
  ///   gives an empty dictionary.
  /// - Precondition: `labels.count == probabilities.rows`, labels in 0..<K.
  public static func classification(probabilities: Matrix<Double>, labels: [Int]) -> [Metric: Double] {
    precondition(labels.count == probabilities.rows, "one label per row")
    let k = probabilities.columns
    let n = labels.count
    guard n > 0, k > 0 else { return [:] }
    let predicted = argmax(probabilities)
    var out: [Metric: Double] = [
      .accuracy: accuracy(predicted: predicted, labels: labels),
      .balancedAccuracy: balancedAccuracy(predicted: predicted, labels: labels, classCount: k),
      .f1Macro: f1Macro(predicted: predicted, labels: labels, classCount: k),
      .logLoss: logLoss(probabilities: probabilities, labels: labels),
    ]
    if let auc = rocAUC(probabilities: probabilities, labels: labels) { out[.rocAUC] = auc }
    return out
  }

  /// rmse, mae and r2 of `predictions` against `targets`; empty for no rows.
  /// - Precondition: equal counts.
  public static func regression(predictions: [Double], targets: [Double]) -> [Metric: Double] {
    precondition(predictions.count == targets.count, "one prediction per target")
    guard !targets.isEmpty else { return [:] }
    return [
      .rmse: rmse(predictions: predictions, targets: targets),
      .mae: mae(predictions: predictions, targets: targets),
      .r2: r2(predictions: predictions, targets: targets),
    ]
  }

  /// The column of the largest value in each row (the first on ties).
  /// Precondition: at least one column, or no rows.
  public static func argmax(_ scores: Matrix<Double>) -> [Int] {
    let k = scores.columns
    precondition(k > 0 || scores.rows == 0, "argmax needs at least one column")
    let e = scores.elements
    return (0..<scores.rows).map { i in
      var best = 0
      var bestValue = e[i * k]
      for j in 1..<max(k, 1) where e[i * k + j] > bestValue {
        best = j
        bestValue = e[i * k + j]
      }
      return best
    }
  }

  /// Fraction of rows whose predicted class is the true one.
  public static func accuracy(predicted: [Int], labels: [Int]) -> Double {
    guard !labels.isEmpty else { return .nan }
    var hits = 0
    for (p, y) in zip(predicted, labels) where p == y { hits += 1 }
    return Double(hits) / Double(labels.count)
  }

  /// The mean recall over the classes present in `labels`
  /// (scikit-learn's `balanced_accuracy_score`).
  public static func balancedAccuracy(predicted: [Int], labels: [Int], classCount: Int) -> Double {
    let c = confusion(predicted: predicted, labels: labels, classCount: classCount)
    var sum = 0.0
    var present = 0
    for j in 0..<classCount where c.support[j] > 0 {
      sum += Double(c.truePositives[j]) / Double(c.support[j])
      present += 1
    }
    return present == 0 ? .nan : sum / Double(present)
  }

  /// The unweighted mean of per-class F1 = 2TP/(2TP + FP + FN) over the
  /// classes that occur in `labels` or `predicted` (scikit-learn's
  /// `f1_score(average="macro")`, with 0 for a class never predicted).
  public static func f1Macro(predicted: [Int], labels: [Int], classCount: Int) -> Double {
    let c = confusion(predicted: predicted, labels: labels, classCount: classCount)
    var sum = 0.0
    var present = 0
    for j in 0..<classCount where c.support[j] > 0 || c.predictedCount[j] > 0 {
      let tp = Double(c.truePositives[j])
      let fp = Double(c.predictedCount[j] - c.truePositives[j])
      let fn = Double(c.support[j] - c.truePositives[j])
      sum += 2 * tp / (2 * tp + fp + fn)
      present += 1
    }
    return present == 0 ? .nan : sum / Double(present)
  }

  /// Mean −log p(true class), probabilities clipped to [ε, 1 − ε].
  public static func logLoss(probabilities: Matrix<Double>, labels: [Int]) -> Double {
    let k = probabilities.columns
    let e = probabilities.elements
    var sum = 0.0
    for (i, y) in labels.enumerated() {
      let p = min(max(e[i * k + y], logLossEpsilon), 1 - logLossEpsilon)
      sum -= log(p)
    }
    return sum / Double(labels.count)
  }

  /// ROC AUC; see ``classification(probabilities:labels:)``. `nil` when
  /// undefined.
  public static func rocAUC(probabilities: Matrix<Double>, labels: [Int]) -> Double? {
    let k = probabilities.columns
    if k == 2 { return binaryAUC(scores: probabilities.column(1), positives: labels.map { $0 == 1 }) }
    var sum = 0.0
    var count = 0
    for j in 0..<k {
      guard let auc = binaryAUC(scores: probabilities.column(j), positives: labels.map { $0 == j }) else { continue }
      sum += auc
      count += 1
    }
    return count == 0 ? nil : sum / Double(count)
  }

  /// The area under the ROC curve of `scores` for the rows marked
  /// `positives`: the Mann–Whitney statistic with ties counted one half.
  /// `nil` when either class is absent. O(n log n).
  public static func binaryAUC(scores: [Double], positives: [Bool]) -> Double? {
    precondition(scores.count == positives.count, "one score per row")
    let order = scores.indices.sorted { scores[$0] < scores[$1] }
    let positiveCount = positives.lazy.filter { $0 }.count
    let negativeCount = positives.count - positiveCount
    guard positiveCount > 0, negativeCount > 0 else { return nil }
    // Sum of the (average, 1-based) ranks of the positives.
    var rankSum = 0.0
    var i = 0
    while i < order.count {
      var j = i
      while j + 1 < order.count, scores[order[j + 1]] == scores[order[i]] { j += 1 }
      let averageRank = Double(i + j + 2) / 2
      for t in i...j where positives[order[t]] { rankSum += averageRank }
      i = j + 1
    }
    let p = Double(positiveCount)
    return (rankSum - p * (p + 1) / 2) / (p * Double(negativeCount))
  }

  /// √(mean squared error).
  public static func rmse(predictions: [Double], targets: [Double]) -> Double {
    var sum = 0.0
    for (p, y) in zip(predictions, targets) { sum += (p - y) * (p - y) }
    return (sum / Double(targets.count)).squareRoot()
  }

  /// Mean absolute error.
  public static func mae(predictions: [Double], targets: [Double]) -> Double {
    var sum = 0.0
    for (p, y) in zip(predictions, targets) { sum += abs(p - y) }
    return sum / Double(targets.count)
  }

  /// Coefficient of determination 1 − SS_res/SS_tot; as scikit-learn, 1 for
  /// a perfect fit of constant targets and 0 for an imperfect one.
  public static func r2(predictions: [Double], targets: [Double]) -> Double {
    let mean = targets.reduce(0, +) / Double(targets.count)
    var residual = 0.0
    var total = 0.0
    for (p, y) in zip(predictions, targets) {
      residual += (y - p) * (y - p)
      total += (y - mean) * (y - mean)
    }
    if total == 0 { return residual == 0 ? 1 : 0 }
    return 1 - residual / total
  }

  private struct Confusion {
    var truePositives: [Int]
    var support: [Int]
    var predictedCount: [Int]
  }

  private static func confusion(predicted: [Int], labels: [Int], classCount: Int) -> Confusion {
    var c = Confusion(
      truePositives: Array(repeating: 0, count: classCount), support: Array(repeating: 0, count: classCount),
      predictedCount: Array(repeating: 0, count: classCount))
    for (p, y) in zip(predicted, labels) {
      c.support[y] += 1
      if p >= 0 && p < classCount { c.predictedCount[p] += 1 }
      if p == y { c.truePositives[y] += 1 }
    }
    return c
  }
}
