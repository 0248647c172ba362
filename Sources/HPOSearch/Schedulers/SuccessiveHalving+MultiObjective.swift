import HPOCore

/// Successive halving with several objectives (multi-objective ASHA, Schmucker
/// et al. 2021): at a rung, the recorded objective vectors are ordered by
/// non-dominated front (``Pareto/fronts(_:directions:)``), within a front by
/// crowding distance, larger first (``Pareto/crowdingDistances(_:directions:)``,
/// the NSGA-II tie-break, which keeps the front's extremes and spread), then by
/// the lower trial number; a trial goes on when it is among the first
/// `k = max(⌊n/η⌋, 1)` of that order, as with one objective. A trial's vector at
/// a rung is its first report at or after the rung's epoch that carried every
/// objective; a vector with a non-finite value ranks behind every finite one,
/// and the trial's own non-finite vector stops it.
extension SuccessiveHalving {
  /// The stop reason at `rung` for a trial whose report carried `values`, or nil to continue.
  func judgeMultiObjective(
    at rung: RungLadder.Rung, trial number: Int, values: [Double], history: [TrialRecord], isPeer: (Int) -> Bool
  ) -> String? {
    let eta = ladder.reductionFactor
    let place = "rung \(rung.index) (epoch \(rung.epoch))"
    guard values.count == directions.count, values.allSatisfy(\.isFinite) else {
      return "\(label): objectives \(Self.vector(values)) not all finite at \(place)"
    }
    var points: [[Double]] = [values]
    var numbers: [Int] = [number]
    for t in history where t.number != number && isPeer(t.number) {
      guard let v = Self.values(t.intermediate, atOrAfter: rung.epoch, count: directions.count) else { continue }
      points.append(v.map { $0.isFinite ? $0 : .nan })
      numbers.append(t.number)
    }
    let fronts = Pareto.fronts(points, directions: directions)
    var order: [Int] = []
    for front in fronts {
      let crowding = Pareto.crowdingDistances(front.map { points[$0] }, directions: directions)
      order += front.indices.sorted { a, b in
        crowding[a] != crowding[b] ? crowding[a] > crowding[b] : numbers[front[a]] < numbers[front[b]]
      }.map { front[$0] }
    }
    let kept = Swift.max(points.count / eta, 1)
    let position = order.firstIndex(of: 0)!
    guard position >= kept else { return nil }
    let rank = fronts.firstIndex { $0.contains(0) }!
    return "\(label): below the top 1/\(eta) at \(place) by Pareto front: \(Self.vector(values)) is on front \(rank + 1), "
      + "place \(position + 1) of \(points.count) vectors recorded there (the best \(kept) go on)"
  }

  /// `(0.97, 0.053)`, for reasons.
  static func vector(_ values: [Double]) -> String { "(" + values.map(formatValue).joined(separator: ", ") + ")" }

  /// The objective vector of the first report at or after `step` that carried all `count` objectives.
  static func values(_ reports: [IntermediateReport], atOrAfter step: Int, count: Int) -> [Double]? {
    reports.first { $0.step >= step && $0.values.count == count }?.values
  }
}
