/// Metrics an objective or a gate can name.
public enum Metric: String, Sendable, Codable, CaseIterable {
  case accuracy
  case balancedAccuracy = "balanced_accuracy"
  case f1Macro = "f1_macro"
  case logLoss = "log_loss"
  case rocAUC = "roc_auc"
  case rmse, mae, r2
  /// The value of a built-in function (model kind `function`).
  case value
  // Measured by hpo itself for every trained model (README, "Metrics hpo measures"),
  // so they can be objectives or constraints without user code. New cases go last:
  // checkpoints store metrics in declaration order.
  /// Bytes of the packaged weights (the model's checkpoint).
  case modelBytes = "model_bytes"
  /// Median single-row inference time on the worker, in milliseconds.
  case latencyMs = "latency_ms"
  /// Number of trained parameters.
  case params
  /// Wall-clock training time of the trial, in seconds.
  case trainSeconds = "train_seconds"

  /// The task the metric measures; `nil` for a function's value.
  public var task: LearningTask? {
    switch self {
    case .accuracy, .balancedAccuracy, .f1Macro, .logLoss, .rocAUC: return .classification
    case .rmse, .mae, .r2: return .regression
    case .value, .modelBytes, .latencyMs, .params, .trainSeconds: return nil
    }
  }

  /// Whether hpo measures it itself for every trained model (any task).
  public var isMeasured: Bool {
    switch self {
    case .modelBytes, .latencyMs, .params, .trainSeconds: return true
    default: return false
    }
  }

  /// Whether it changes from run to run of the same configuration and seed (timings):
  /// such a metric cannot be an objective or a constraint of a reproducible search.
  public var variesBetweenRuns: Bool { self == .latencyMs || self == .trainSeconds }

  /// Which way is better.
  public var naturalDirection: Direction {
    switch self {
    case .accuracy, .balancedAccuracy, .f1Macro, .rocAUC, .r2: return .maximize
    case .logLoss, .rmse, .mae, .value, .modelBytes, .latencyMs, .params, .trainSeconds: return .minimize
    }
  }

  /// Metrics of `task`, in declaration order.
  public static func metrics(for task: LearningTask) -> [Metric] { allCases.filter { $0.task == task } }

  /// The values the metric can take: [0, 1] for accuracy-like scores, [0, ∞)
  /// for losses and errors, (−∞, 1] for r²; `nil` bounds are unbounded.
  public var range: (low: Double?, high: Double?) {
    switch self {
    case .accuracy, .balancedAccuracy, .f1Macro, .rocAUC: return (0, 1)
    case .logLoss, .rmse, .mae: return (0, nil)
    case .r2: return (nil, 1)
    case .value: return (nil, nil)
    case .modelBytes, .latencyMs, .params, .trainSeconds: return (0, nil)
    }
  }
}
