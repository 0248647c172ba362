/// Which trials are Pareto-optimal, for what users read (`hpo trials`, reports,
/// the release manifest). The samplers' full non-dominated sort with ranks and
/// crowding is HPOSearch's `Pareto`; this answers only "on the front or not".
extension ExperimentSpec {
  /// Numbers of the complete, feasible trials with every objective known that no
  /// other such trial dominates (no worse in every objective, better in one).
  /// Equal vectors are all on the front. With one objective: the best trials.
  /// O(n log n + n·f·m) for n trials, f of them on the front, m objectives.
  public func paretoOptimal(_ records: [TrialRecord]) -> Set<Int> {
    let signs = allObjectives.map { $0.direction == .minimize ? 1.0 : -1.0 }
    var points: [(number: Int, loss: [Double])] = []
    for r in records where r.state == .complete && r.isFeasible {
      let values = isMultiObjective ? r.values : (r.value.map { [$0] } ?? [])
      guard values.count == signs.count, values.allSatisfy(\.isFinite) else { continue }
      points.append((r.number, zip(values, signs).map { $0 * $1 }))
    }
    // In lexicographic order of losses only an earlier point can dominate a later one.
    points.sort { a, b in
      for k in a.loss.indices where a.loss[k] != b.loss[k] { return a.loss[k] < b.loss[k] }
      return a.number < b.number
    }
    var front: [[Double]] = []
    var numbers: Set<Int> = []
    for p in points where !front.contains(where: { Self.dominates($0, p.loss) }) {
      front.append(p.loss)
      numbers.insert(p.number)
    }
    return numbers
  }

  private static func dominates(_ a: [Double], _ b: [Double]) -> Bool {
    var strictly = false
    for k in a.indices {
      if a[k] > b[k] { return false }
      if a[k] < b[k] { strictly = true }
    }
    return strictly
  }
}
