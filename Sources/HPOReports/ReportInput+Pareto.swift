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

    public static func == (a: Pareto, b: Pareto) -> Bool {
      a.points == b.points && a.objectives.map(\.name) == b.objectives.map(\.name)
        && a.objectives.map(\.direction) == b.objectives.map(\.direction)
    }

    /// The front of `record` (complete trials with every objective finite); `nil` with one objective.
    public init?(_ record: SearchRecord) {
      let spec = record.spec
      guard spec.isMultiObjective else { return nil }
      let marks = record.marks
      objectives = spec.allObjectives.map { ($0.metric.rawValue, $0.direction) }
      points = record.trials.compactMap { t in
        guard t.state == .complete else { return nil }
        let values = spec.objectiveValues(t.metrics)
        guard values.allSatisfy(\.isFinite) else { return nil }
        return Point(
          trial: t.number, values: values, onFront: marks[t.number]?.pareto == true,
          feasible: marks[t.number]?.feasible ?? true)
      }
    }

    /// The front's points, by their first objective (best first).
    public var front: [Point] {
      let sign = objectives[0].direction == .minimize ? 1.0 : -1.0
      return points.filter(\.onFront).sorted { (sign * $0.values[0], $0.trial) < (sign * $1.values[0], $1.trial) }
    }
  }
}
