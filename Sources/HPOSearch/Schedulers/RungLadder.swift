import HPOCore

/// The rungs of successive halving: rung k at `minEpochs·η^k` epochs, for every
/// k ≥ `firstRung` whose epoch is below `maxEpochs` (the full budget is the
/// end of training, not a rung).
///
/// With η = 3, min 1 and max 27 the rungs are k = 0, 1, 2 at epochs 1, 3 and 9.
/// A Hyperband bracket starting at rung s has the same ladder from k = s on, so
/// rung numbers and their epochs mean the same thing in every bracket.
public struct RungLadder: Sendable, Equatable {
  /// One rung: its number k (the exponent of η) and the epoch it sits at.
  public struct Rung: Sendable, Equatable {
    public var index: Int
    public var epoch: Int

    public init(index: Int, epoch: Int) {
      self.index = index
      self.epoch = epoch
    }
  }

  public let minEpochs: Int
  public let reductionFactor: Int
  public let maxEpochs: Int
  /// The rungs in increasing epoch order (possibly none).
  public let rungs: [Rung]

  /// - Parameters:
  ///   - minEpochs: the epoch of rung 0 (clamped to ≥ 1).
  ///   - reductionFactor: η (clamped to ≥ 2).
  ///   - maxEpochs: the full budget, `model.epochs`.
  ///   - firstRung: the first rung this ladder uses (a Hyperband bracket's s).
  public init(minEpochs: Int, reductionFactor: Int, maxEpochs: Int, firstRung: Int = 0) {
    self.minEpochs = Swift.max(minEpochs, 1)
    self.reductionFactor = Swift.max(reductionFactor, 2)
    self.maxEpochs = maxEpochs
    var rungs: [Rung] = []
    var epoch = self.minEpochs
    var k = 0
    while epoch < maxEpochs {
      if k >= firstRung { rungs.append(Rung(index: k, epoch: epoch)) }
      let (next, overflow) = epoch.multipliedReportingOverflow(by: self.reductionFactor)
      if overflow { break }
      epoch = next
      k += 1
    }
    self.rungs = rungs
  }

  /// The rung at exactly `epoch`, if there is one.
  public func rung(atEpoch epoch: Int) -> Rung? {
    rungs.first { $0.epoch == epoch }
  }

  /// s_max = ⌊log_η(max/min)⌋: the largest s with min·η^s ≤ max (0 when min ≥ max).
  /// Hyperband runs s_max + 1 brackets.
  public var largestExponent: Int {
    var s = 0
    var epoch = minEpochs
    while true {
      let (next, overflow) = epoch.multipliedReportingOverflow(by: reductionFactor)
      if overflow || next > maxEpochs { return s }
      epoch = next
      s += 1
    }
  }

  /// The rungs a report crosses: those above every earlier report's step, up
  /// to and including `report.step`. Usually one rung or none; several only if
  /// the worker skipped epochs.
  func crossed(by report: IntermediateReport, of trial: TrialRecord) -> ArraySlice<Rung> {
    let before = RungLadder.previousStep(of: trial, before: report)
    var lo = 0
    while lo < rungs.count, rungs[lo].epoch <= before { lo += 1 }
    var hi = lo
    while hi < rungs.count, rungs[hi].epoch <= report.step { hi += 1 }
    return rungs[lo..<hi]
  }

  /// The largest step the trial reported before `report` (0 if none). The
  /// coordinator appends `report` to the trial's reports before asking, so a
  /// last report at the same step is that report itself.
  static func previousStep(of trial: TrialRecord, before report: IntermediateReport) -> Int {
    var reports = trial.intermediate[...]
    if let last = reports.last, last.step == report.step { reports = reports.dropLast() }
    var step = 0
    for r in reports where r.step > step { step = r.step }
    return step
  }
}

/// Lookups in a trial's reports, which are in step order (steps are epochs, from 1).
enum Reports {
  /// The value of the first report at or after `step` (the value with which the
  /// trial crossed that epoch), or nil if it has not got there yet.
  @inline(__always)
  static func value(_ reports: [IntermediateReport], atOrAfter step: Int) -> Double? {
    firstIndex(reports, atOrAfter: step).map { reports[$0].value }
  }

  /// The value reported at exactly `step` (the first, if repeated), or nil.
  @inline(__always)
  static func value(_ reports: [IntermediateReport], at step: Int) -> Double? {
    guard let i = firstIndex(reports, atOrAfter: step), reports[i].step == step else { return nil }
    return reports[i].value
  }

  /// The index of the first report whose step is at least `step`, or nil.
  @inline(__always)
  private static func firstIndex(_ reports: [IntermediateReport], atOrAfter step: Int) -> Int? {
    reports.withUnsafeBufferPointer { r in
      let c = r.count
      guard c > 0, r[c - 1].step >= step else { return nil }
      // One report per epoch from epoch 1: the report at `step` is usually at step − 1.
      let guess = step - 1
      if guess >= 0, guess < c, r[guess].step == step, guess == 0 || r[guess - 1].step < step { return guess }
      var lo = 0
      var hi = c - 1
      while lo < hi {
        let mid = (lo + hi) / 2
        if r[mid].step >= step { hi = mid } else { lo = mid + 1 }
      }
      return lo
    }
  }
}

/// Objective values as losses: lower is better whatever the direction, and
/// non-finite values (NaN, ±∞: diverged training, a missing metric) are +∞,
/// the worst, so that they never count as good.
struct LossScale: Sendable, Equatable {
  let sign: Double

  init(_ direction: Direction) { sign = direction == .minimize ? 1 : -1 }

  @inline(__always)
  func loss(_ value: Double) -> Double { value.isFinite ? sign * value : .infinity }

  /// A loss back in the objective's units, for reasons.
  func value(_ loss: Double) -> Double { loss.isFinite ? sign * loss : loss }
}

/// A number for a reason string: up to 6 significant digits.
func formatValue(_ x: Double) -> String {
  guard x.isFinite else { return x.isNaN ? "nan" : (x > 0 ? "inf" : "-inf") }
  if x == x.rounded(), abs(x) < 1e15 { return String(Int(x)) }
  // %g-like without Foundation: round to 6 significant digits.
  let magnitude = Swift.max(0, 5 - Int(Math.log(abs(x)) / Math.log(10)))
  var scale = 1.0
  for _ in 0..<Swift.min(magnitude, 15) { scale *= 10 }
  let rounded = (x * scale).rounded() / scale
  return "\(rounded)"
}
