import HPOCore
import HPOLinearAlgebra

/// What one epoch of an iterative model reports to the caller's callback.
public struct EpochReport: Sendable, Equatable {
  /// 1-based, counting epochs of earlier (resumed) calls too.
  public var epoch: Int
  /// The run's planned number of epochs.
  public var totalEpochs: Int
  /// Mean training loss over the epoch, without the L2 penalty (cross-entropy
  /// for classifiers; half squared error of standardised targets for
  /// regression). For L-BFGS, the full-batch loss after the iteration.
  public var trainingLoss: Double
  /// Validation metrics after the epoch (every metric of the task).
  public var metrics: [Metric: Double]
  /// Wall-clock seconds of the epoch, evaluation included.
  public var seconds: Double
  /// What hpo measures of the model itself: `params` and `latency_ms`
  /// (``InferenceProbe``). Not part of equality: the latency changes from
  /// run to run, and so does ``seconds``.
  public var measured: [Metric: Double]

  public init(
    epoch: Int, totalEpochs: Int, trainingLoss: Double, metrics: [Metric: Double], seconds: Double,
    measured: [Metric: Double] = [:]
  ) {
    self.epoch = epoch
    self.totalEpochs = totalEpochs
    self.trainingLoss = trainingLoss
    self.metrics = metrics
    self.seconds = seconds
    self.measured = measured
  }

  /// Equal epoch, plan, loss (bit for bit) and validation metrics; the
  /// timings (``seconds``, ``measured``) are not compared.
  public static func == (a: EpochReport, b: EpochReport) -> Bool {
    a.epoch == b.epoch && a.totalEpochs == b.totalEpochs && a.trainingLoss.bitPattern == b.trainingLoss.bitPattern
      && a.metrics == b.metrics
  }
}

/// The result of ``Trainer/train(model:configuration:train:validation:preprocessing:seed:epochs:resumingFrom:onEpoch:)``.
public struct TrainingOutcome: Sendable {
  /// Validation metrics of the final model.
  public var metrics: [Metric: Double]
  /// What hpo measures of the final model itself: `params` and `latency_ms`
  /// (``InferenceProbe``).
  public var measured: [Metric: Double] = [:]
  /// Epochs completed in total, resumed ones included (0 for ridge).
  public var epochs: Int
  /// Whether the callback asked to stop before the planned epochs.
  public var stoppedEarly: Bool
  /// This call's epochs, in order.
  public var history: [EpochReport]
  /// The model and its training state; resume from it, or predict with it.
  public var checkpoint: ModelCheckpoint
  /// Wall-clock seconds of this call.
  public var seconds: Double

  /// The checkpoint as bytes (``ModelCheckpoint/encoded()``).
  public var checkpointBytes: [UInt8] { checkpoint.encoded() }
}

/// A model's predictions for some rows.
public struct Prediction: Sendable, Equatable {
  public var task: LearningTask
  /// Classification: rows × K class probabilities (ridge: its one-hot
  /// regression scores clipped to [0, 1], plus 1e-3, normalised).
  /// Regression: rows × 1 predicted values.
  public var outputs: Matrix<Double>
  /// The predicted class of each row (classification), else empty.
  public var classes: [Int]
  /// The predicted value of each row (regression), else empty.
  public var values: [Double]
}

/// The run's state handed out while it trains, so a later run can resume
/// where this one got to (``Trainer``'s `resumingFrom`).
public struct PeriodicCheckpoints {
  /// Every this many epochs (0: never), never after the last: the final
  /// state is the outcome's checkpoint.
  public var every: Int
  /// Gets each checkpoint, on the training thread, before the epoch's report
  /// goes to `onEpoch`: whoever hears of an epoch can already resume from it.
  public var handle: (ModelCheckpoint) -> Void

  public init(every: Int, handle: @escaping (ModelCheckpoint) -> Void) {
    self.every = every
    self.handle = handle
  }

  /// Whether a checkpoint is due once `epoch` of `total` epochs are done.
  func isDue(after epoch: Int, of total: Int) -> Bool {
    every > 0 && epoch % every == 0 && epoch < total
  }
}
