import HPOCore
import HPOStore

/// How the released trial was chosen, in the manifest and `result.json`, for a
/// search with several objectives, constraints or a `release.pick`: the rule,
/// and the Pareto front (or, with one objective, the feasible trials' best) it
/// was picked from.
extension ReleaseReport {
  /// `nil` for a plain single-objective search (its winner is simply the best).
  var selectionJSON: JSONValue? {
    guard spec.scoresBeyondValue || spec.release?.pick != nil else { return nil }
    let marks = record.marks
    let front = record.trials.filter { marks[$0.number]?.pareto == true }
    let bound: (Gate) -> JSONValue = { g in
      .object([("metric", .string(g.metric.rawValue)), ("min", .number(g.min)), ("max", .number(g.max))])
    }
    var members: [(String, JSONValue)] = [
      ("objectives", .array(spec.allObjectives.map { o in
        .object([("metric", .string(o.metric.rawValue)), ("direction", .string(o.direction.rawValue))])
      })),
      ("constraints", .array(spec.allConstraints.map(bound))),
      ("rule", .string(rule)),
    ]
    if let pick = spec.release?.pick {
      let rule: (String, JSONValue) = pick.weights.map { terms in
        ("weighted", .object(terms.map { ($0.metric.rawValue, .number($0.weight)) }))
      } ?? (pick.direction.rawValue, .string(pick.metric.rawValue))
      members.append(("pick", .object([rule, ("subject_to", .array(pick.subjectTo.map(bound)))])))
    }
    if spec.isMultiObjective {
      members.append(("front", .array(front.map { t in
        .object([("trial", .int(t.number)), ("validation", .object(
          spec.allObjectives.map { o in (o.metric.rawValue, .number(t.metrics[o.metric.rawValue])) }))])
      })))
    }
    return .object(members)
  }

  /// The rule in words: "the best accuracy (maximize) among complete, feasible trials within log_loss ≤ 0.5".
  var rule: String {
    let metric = spec.release?.pick.map(\.described)
      ?? "\(spec.objective.metric.rawValue) (\(spec.objective.direction.rawValue), the first objective)"
    let bounds = (spec.allConstraints + (spec.release?.pick?.subjectTo ?? [])).map { ExperimentSpec.describe($0) }
    return "the best \(metric) among complete, feasible trials" + (bounds.isEmpty ? "" : " within \(bounds.joined(separator: ", "))")
      + "; ties go to the lower trial number"
  }
}
