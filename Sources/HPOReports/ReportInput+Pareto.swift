import HPOCore
import HPOStore

extension ReportInput {
  /// The objectives of a search with several, and every complete trial's values:
  /// what the reports draw as the Pareto front.
  public struct Pareto: Sendable, Equatable {
    public struct Point: Sendable, Equatable {
      public var trial: Int
      /// One value per objective, in ``Pareto/objectives`` order.
      public var values: [Double]
      public var onFront: Bool
      public var feasible: Bool
    }

    /// Each objective's metric name and direction.
    public var objectives: [(name: String, direction: Direction)]
    public var points: [Point]

    /// One step of the hypervolume over time: after complete trial `trial`.
    public struct HypervolumeStep: Sendable, Equatable {
      public var trial: Int
      public var volume: Double
    }

    /// The hypervolume's reference point: in each objective the worst value
    /// of a feasible complete trial, pushed out by a tenth of the objective's
    /// range among them (by 1 when they all tie). Empty without a feasible point.
    public var reference: [Double] = []
    /// The hypervolume of the feasible complete trials so far against
    /// ``reference``, after each one in trial-number order (never decreasing).
    public var hypervolume: [HypervolumeStep] = []

    public static func == (a: Pareto, b: Pareto) -> Bool {
      a.points == b.points && a.objectives.map(\.name) == b.objectives.map(\.name)
        && a.objectives.map(\.direction) == b.objectives.map(\.direction)
    }

    /// The front of `record` (complete trials with every objective finite); `nil` with one objective.
    public init?(_ record: SearchRecord) {
      let spec = record.spec
      guard spec.isMultiObjective else { return nil }
      let marks = record.marks
      let points = record.trials.compactMap { t -> Point? in
        guard t.state == .complete else { return nil }
        let values = spec.objectiveValues(t.metrics)
        guard values.allSatisfy(\.isFinite) else { return nil }
        return Point(
          trial: t.number, values: values, onFront: marks[t.number]?.pareto == true,
          feasible: marks[t.number]?.feasible ?? true)
      }
      self.init(objectives: spec.allObjectives.map { ($0.metric.rawValue, $0.direction) }, points: points)
    }

    /// These points (front marks as given), with the hypervolume over time computed from them.
    init(objectives: [(name: String, direction: Direction)], points: [Point]) {
      self.objectives = objectives
      self.points = points
      (reference, hypervolume) = Self.hypervolumeOverTime(points, directions: objectives.map(\.direction))
    }

    static func hypervolumeOverTime(_ points: [Point], directions: [Direction]) -> ([Double], [HypervolumeStep]) {
      let feasible = points.filter(\.feasible).sorted { $0.trial < $1.trial }
      guard let first = feasible.first else { return ([], []) }
      let reference = directions.indices.map { k -> Double in
        let values = feasible.map { $0.values[k] }
        let (lo, hi) = (values.min() ?? first.values[k], values.max() ?? first.values[k])
        let margin = hi > lo ? (hi - lo) / 10 : 1
        return directions[k] == .minimize ? hi + margin : lo - margin
      }
      // Only the front so far counts, and it changes only when a new point is not
      // weakly dominated by it: the volume is recomputed then, over the front alone.
      func loss(_ v: [Double]) -> [Double] { zip(v, directions).map { $1 == .minimize ? $0 : -$0 } }
      func weaklyDominates(_ a: [Double], _ b: [Double]) -> Bool { zip(a, b).allSatisfy { $0 <= $1 } }
      var front: [[Double]] = []
      var volume = 0.0
      var steps: [HypervolumeStep] = []
      for p in feasible {
        let l = loss(p.values)
        if l.allSatisfy(\.isFinite), !front.contains(where: { weaklyDominates(loss($0), l) }) {
          front.removeAll { weaklyDominates(l, loss($0)) }
          front.append(p.values)
          volume = Hypervolume.volume(front, reference: reference, directions: directions)
        }
        steps.append(HypervolumeStep(trial: p.trial, volume: volume))
      }
      return (reference, steps)
    }

    /// The front's points, by their first objective (best first).
    public var front: [Point] {
      let sign = objectives[0].direction == .minimize ? 1.0 : -1.0
      return points.filter(\.onFront).sorted { (sign * $0.values[0], $0.trial) < (sign * $1.values[0], $1.trial) }
    }
  }
}
