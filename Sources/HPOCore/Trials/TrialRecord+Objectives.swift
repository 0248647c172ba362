/// A trial's objective vector and constraint violations, derived from the
/// metrics it reported: the coordinator fills them as results arrive and again
/// from the store on restart, with these functions only, so both agree.
extension ExperimentSpec {
  /// The objective vector of one report's `metrics` when the experiment has
  /// several objectives (a missing metric is NaN, the worst); empty otherwise.
  public func reportValues(_ metrics: [String: Double]) -> [Double] {
    isMultiObjective ? objectiveValues(metrics) : []
  }

  /// Whether trials carry anything beyond `value` (several objectives or constraints).
  public var scoresBeyondValue: Bool { isMultiObjective || constraints?.isEmpty == false }

  /// `record` with `values` and `violations` filled: from the final `metrics` of a
  /// complete trial, from its last report's metrics (`reportMetrics` by step) for
  /// a pruned one; each report's `values` too. Other states carry neither.
  public func scored(_ record: TrialRecord, metrics: [String: Double], reportMetrics: [Int: [String: Double]]) -> TrialRecord {
    guard scoresBeyondValue else { return record }
    var r = record
    if isMultiObjective {
      for i in r.intermediate.indices {
        if let m = reportMetrics[r.intermediate[i].step] { r.intermediate[i].values = objectiveValues(m) }
      }
    }
    switch r.state {
    case .complete:
      r.values = reportValues(metrics)
      r.violations = violations(metrics)
    case .pruned:
      let last = r.intermediate.last.flatMap { reportMetrics[$0.step] }
      r.values = r.intermediate.last?.values ?? []
      r.violations = last.map(violations) ?? []
    case .pending, .running, .failed, .infeasible:
      r.values = []
      r.violations = []
    }
    return r
  }

  /// The better of two complete trials for the release and "best so far": a
  /// feasible one beats an infeasible one (two infeasible ones: the smaller total
  /// violation), then by the first objective, then the lower number.
  public func isBetter(_ a: TrialRecord, than b: TrialRecord) -> Bool {
    if a.isFeasible != b.isFeasible { return a.isFeasible }
    if !a.isFeasible, a.totalViolation != b.totalViolation { return a.totalViolation < b.totalViolation }
    let x = a.value ?? .nan, y = b.value ?? .nan
    if x != y {
      if x.isNaN || y.isNaN { return y.isNaN }
      return objective.direction == .minimize ? x < y : x > y
    }
    return a.number < b.number
  }
}
