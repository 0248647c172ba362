/// Which complete trial is released, and the order the best checkpoints are kept in.
///
/// A trial is *releasable* when it completed with a finite objective, meets every
/// experiment constraint and every bound of `release.pick.subject_to` (on its
/// validation metrics). Releasable trials come first, best first by the pick
/// metric (`release.pick`, else the first objective), ties to the lower number;
/// the other complete trials follow in ``ExperimentSpec/isBetter(_:than:)`` order.
extension ExperimentSpec {
  /// Whether `record` (with its final validation `metrics`) may be released.
  public func isReleasable(_ record: TrialRecord, metrics: [String: Double]) -> Bool {
    guard record.state == .complete, record.value?.isFinite == true, record.isFeasible else { return false }
    guard let pick = release?.pick else { return true }
    guard let v = pickValue(record, metrics: metrics, pick: pick), v.isFinite else { return false }
    return pick.subjectTo.allSatisfy { $0.violation(metrics[$0.metric.rawValue]) == 0 }
  }

  /// Indices of the complete trials of `trials`, in release order (see the type's notes).
  public func releaseRanking(_ trials: [(record: TrialRecord, metrics: [String: Double])]) -> [Int] {
    let complete = trials.indices.filter { trials[$0].record.state == .complete && trials[$0].record.value?.isFinite == true }
    let releasable = complete.filter { isReleasable(trials[$0].record, metrics: trials[$0].metrics) }
    let others = complete.filter { !isReleasable(trials[$0].record, metrics: trials[$0].metrics) }
    let byPick: [Int]
    if let pick = release?.pick {
      byPick = releasable.sorted { a, b in
        let x = pickValue(trials[a].record, metrics: trials[a].metrics, pick: pick)!
        let y = pickValue(trials[b].record, metrics: trials[b].metrics, pick: pick)!
        if x != y { return pick.direction == .minimize ? x < y : x > y }
        return trials[a].record.number < trials[b].record.number
      }
    } else {
      byPick = releasable.sorted { isBetter(trials[$0].record, than: trials[$1].record) }
    }
    return byPick + others.sorted { isBetter(trials[$0].record, than: trials[$1].record) }
  }

  /// Why no trial can be released, for the release's failure message; `nil` when one can.
  public func noReleaseReason(_ trials: [(record: TrialRecord, metrics: [String: Double])]) -> String? {
    let complete = trials.filter { $0.record.state == .complete && $0.record.value?.isFinite == true }
    guard !complete.isEmpty else {
      return "no trial of \(name) completed with a finite \(objective.metric.rawValue); there is no winner to release"
    }
    if complete.contains(where: { isReleasable($0.record, metrics: $0.metrics) }) { return nil }
    let feasible = complete.filter { $0.record.isFeasible }
    if feasible.isEmpty {
      let bounds = allConstraints.map(Self.describe).joined(separator: ", ")
      return "none of the \(complete.count) complete trials of \(name) meets the constraints (\(bounds)); there is no winner to release"
    }
    let bounds = (release?.pick?.subjectTo ?? []).map(Self.describe).joined(separator: ", ")
    return "none of the \(feasible.count) feasible complete trials of \(name) meets release.pick.subject_to (\(bounds)); there is no winner to release"
  }

  /// `latency_ms ≤ 5`, `0.9 ≤ accuracy`.
  public static func describe(_ bound: Gate) -> String {
    switch (bound.min, bound.max) {
    case (let lo?, let hi?): return "\(lo) ≤ \(bound.metric.rawValue) ≤ \(hi)"
    case (let lo?, nil): return "\(bound.metric.rawValue) ≥ \(lo)"
    case (nil, let hi?): return "\(bound.metric.rawValue) ≤ \(hi)"
    case (nil, nil): return bound.metric.rawValue
    }
  }

  /// The pick metric's value of a trial: its objective value when the metric is an objective, else from `metrics`.
  private func pickValue(_ record: TrialRecord, metrics: [String: Double], pick: ReleasePick) -> Double? {
    guard let weights = pick.weights else { return value(of: pick.metric, record, metrics: metrics) }
    var sum = 0.0
    for term in weights {
      guard let v = value(of: term.metric, record, metrics: metrics) else { return nil }
      sum += term.weight * v
    }
    return sum
  }

  /// A trial's value of `metric`: its objective value when it is one, else its final metric.
  private func value(of metric: Metric, _ record: TrialRecord, metrics: [String: Double]) -> Double? {
    if metric == objective.metric { return record.value }
    if let k = allObjectives.firstIndex(where: { $0.metric == metric }), k < record.values.count { return record.values[k] }
    return metrics[metric.rawValue]
  }
}
