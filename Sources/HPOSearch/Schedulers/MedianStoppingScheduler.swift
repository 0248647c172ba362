import HPOCore

/// The median stopping rule (Golovin et al. 2017, Google Vizier; Optuna's
/// `MedianPruner`): after a report at epoch e, stop the trial if its best value
/// so far (epochs 1 … e) is strictly worse than the median of the other trials'
/// values at epoch e.
///
/// - Warm-up: no trial is stopped at epochs 1 … `warmupEpochs`.
/// - Too few: no trial is stopped while fewer than `minTrials` other trials
///   (in any state) have reported at epoch e; at least one is always needed.
/// - Ties go on: a best equal to the median continues.
/// - Non-finite values are the worst: in others' values they count as +∞ loss
///   (so an even count may give an infinite median), and a trial with no
///   finite value so far is stopped once the rule applies.
///
/// Cost: one pass over the history and a linear-time selection of the median
/// (no sort).
public struct MedianStoppingScheduler: Scheduler {
  public let direction: Direction
  public let warmupEpochs: Int
  public let minTrials: Int

  public init(direction: Direction, warmupEpochs: Int = 0, minTrials: Int = 5) {
    self.direction = direction
    self.warmupEpochs = Swift.max(warmupEpochs, 0)
    self.minTrials = Swift.max(minTrials, 1)
  }

  public func decide(for trial: TrialRecord, report: IntermediateReport, history: [TrialRecord]) -> SchedulerDecision {
    let step = report.step
    guard step > warmupEpochs else { return .continue }
    let scale = LossScale(direction)

    var others: [Double] = []
    others.reserveCapacity(history.count)
    history.withUnsafeBufferPointer { trials in
      for t in 0..<trials.count where trials[t].number != trial.number {
        if let v = Reports.value(trials[t].intermediate, at: step) { others.append(scale.loss(v)) }
      }
    }
    guard others.count >= minTrials else { return .continue }

    var best = scale.loss(report.value)
    for r in trial.intermediate where r.step <= step { best = Swift.min(best, scale.loss(r.value)) }
    let at = "epoch \(step)"
    guard best.isFinite else {
      return .stop(reason: "median: no finite value by \(at) (last \(formatValue(report.value)))")
    }
    let median = Self.median(&others)
    guard best > median else { return .continue }
    return .stop(reason: "median: best \(formatValue(scale.value(best))) by \(at) is worse than the median "
      + "\(formatValue(scale.value(median))) of \(others.count) other trials there")
  }

  /// The median of `values` (the mean of the two middle ones for an even
  /// count), by quickselect; reorders `values`. Values are never NaN here.
  static func median(_ values: inout [Double]) -> Double {
    let n = values.count
    precondition(n > 0)
    let h = n / 2
    return values.withUnsafeMutableBufferPointer { b in
      let upper = select(b, h)
      if n % 2 == 1 { return upper }
      // After selection, b[0..<h] holds the h smallest values.
      var lower = b[0]
      for i in 1..<h where b[i] > lower { lower = b[i] }
      if lower == upper { return upper }  // also ∞ and ∞
      return lower + (upper - lower) / 2
    }
  }

  /// The k-th smallest of `b` (0-based), leaving smaller-or-equal values before
  /// index k and greater-or-equal ones after (Hoare partition, median-of-three pivot).
  static func select(_ b: UnsafeMutableBufferPointer<Double>, _ k: Int) -> Double {
    var lo = 0
    var hi = b.count - 1
    while lo < hi {
      let mid = lo + (hi - lo) / 2
      let (x, y, z) = (b[lo], b[mid], b[hi])
      let pivot = Swift.max(Swift.min(x, y), Swift.min(Swift.max(x, y), z))
      var i = lo
      var j = hi
      while i <= j {
        while b[i] < pivot { i += 1 }
        while b[j] > pivot { j -= 1 }
        if i <= j {
          b.swapAt(i, j)
          i += 1
          j -= 1
        }
      }
      if k <= j {
        hi = j
      } else if k >= i {
        lo = i
      } else {
        return b[k]
      }
    }
    return b[k]
  }
}
