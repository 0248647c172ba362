/// The sections of several objectives: `objectives`, `constraints` and `release.pick`,
/// and the rules that relate them to the rest of the spec.
extension SpecContext {
  /// Objectives one experiment may have: beyond four, most trials are on the
  /// Pareto front and the front stops guiding the search.
  static let objectiveLimit = 4

  /// `[{"metric": ..., "direction": ...}, ...]`: 1 to ``objectiveLimit`` objectives, each metric once.
  func objectives(_ node: SpecNode, task: LearningTask?, kind: ModelKind?) -> [ObjectiveSpec]? {
    guard case .array(let items) = node.value.kind, !items.isEmpty, items.count <= Self.objectiveLimit else {
      let accepted = "an array of 1 to \(Self.objectiveLimit) objectives [{\"metric\": ..., \"direction\": ...}]"
      if case .array(let items) = node.value.kind {
        diagnostics.error(node, "\(items.count) objectives; accepted: \(accepted)")
      } else {
        diagnostics.typeMismatch(node, expected: accepted)
      }
      return nil
    }
    var objectives: [ObjectiveSpec] = []
    var failed = false
    for (i, item) in items.enumerated() {
      let itemNode = SpecNode(value: item, path: node.path(at: i))
      guard let objective = objective(itemNode, task: task, kind: kind) else {
        failed = true
        continue
      }
      if objectives.contains(where: { $0.metric == objective.metric }) {
        diagnostics.error(itemNode.path(of: "metric"), item["metric"]?.position ?? item.position,
                          "\"\(objective.metric.rawValue)\" is already an objective; accepted: each metric at most once")
        failed = true
        continue
      }
      objectives.append(objective)
    }
    return failed ? nil : objectives
  }

  /// `[{"metric": "model_bytes", "max": 2000000}, ...]`: bounds a feasible trial meets.
  func constraints(_ node: SpecNode, task: LearningTask?, kind: ModelKind?) -> [Gate]? {
    bounds(node, what: "constraint", task: task, kind: kind)
  }

  /// `{"pick": {"maximize": "accuracy", "subject_to": [...]}}`.
  func release(_ node: SpecNode, task: LearningTask?, kind: ModelKind?) -> ReleaseSpec? {
    guard let r = ObjectReader(node, accepting: ["pick"], diagnostics, what: "a release object {\"pick\": ...}") else { return nil }
    defer { r.finish() }
    guard let pickNode = r.optional("pick") else { return ReleaseSpec() }
    guard let pick = self.pick(pickNode, task: task, kind: kind) else { return nil }
    return ReleaseSpec(pick: pick)
  }

  private func pick(_ node: SpecNode, task: LearningTask?, kind: ModelKind?) -> ReleasePick? {
    let shape = "{\"maximize\": METRIC}, {\"minimize\": METRIC} or {\"weighted\": {METRIC: WEIGHT, ...}}, with an optional \"subject_to\": [bounds]"
    guard let r = ObjectReader(node, accepting: ["maximize", "minimize", "weighted", "subject_to"], diagnostics, what: shape) else { return nil }
    defer { r.finish() }
    let maximize = r.optional("maximize")
    let minimize = r.optional("minimize")
    let weighted = r.optional("weighted")
    let subjectTo = r.optional("subject_to").map { bounds($0, what: "bound", task: task, kind: kind) } ?? []
    let rules = [maximize, minimize, weighted].compactMap { $0 }
    guard rules.count == 1 else {
      diagnostics.error(node, rules.isEmpty ? "no metric to pick by; accepted: \(shape)" : "more than one rule to pick by; accepted: \(shape)")
      return nil
    }
    if let weighted {
      guard let terms = weights(weighted, task: task, kind: kind), let subjectTo else { return nil }
      return ReleasePick(weights: terms, subjectTo: subjectTo)
    }
    let chosen: (SpecNode, Direction) = maximize.map { ($0, .maximize) } ?? (minimize.map { ($0, .minimize) } ?? (node, .maximize))
    guard let metric = metric(chosen.0, task: task, kind: kind), let subjectTo else { return nil }
    if metric != .value, metric.naturalDirection != chosen.1 {
      let better = metric.naturalDirection == .maximize ? "higher" : "lower"
      diagnostics.error(chosen.0, "\(metric.rawValue) is better \(better), so \"\(chosen.1.rawValue)\" picks the worst trial; accepted: {\"\(metric.naturalDirection.rawValue)\": \"\(metric.rawValue)\"}")
      return nil
    }
    return ReleasePick(metric: metric, direction: chosen.1, subjectTo: subjectTo)
  }

  /// `{"accuracy": 1, "latency_ms": -0.01}`: 1 to ``objectiveLimit`` metrics,
  /// each with a finite, non-zero weight (the sum is maximised).
  private func weights(_ node: SpecNode, task: LearningTask?, kind: ModelKind?) -> [ReleasePick.Term]? {
    let accepted = "an object {METRIC: WEIGHT, ...} of 1 to \(Self.objectiveLimit) metrics with finite, non-zero weights (negative where lower is better)"
    guard case .object(let members) = node.value.kind, (1...Self.objectiveLimit).contains(members.count) else {
      diagnostics.error(node, "\(node.shown) is not a weighted rule; accepted: \(accepted)")
      return nil
    }
    var terms: [ReleasePick.Term] = []
    for member in members {
      let name = member.key
      let valueNode = SpecNode(value: member.value, path: node.path(of: name))
      guard let metric = Metric(rawValue: name) else {
        diagnostics.error(valueNode, "\"\(name)\" is not a metric; accepted: \(Wording.list(Metric.allCases.map { "\"\($0.rawValue)\"" }))")
        return nil
      }
      let weight = diagnostics.number(valueNode, accepted: "a finite, non-zero number") { $0.isFinite && $0 != 0 }
      guard let weight else { return nil }
      terms.append(ReleasePick.Term(metric: metric, weight: weight))
    }
    return terms
  }

  /// Several objectives need samplers and schedulers that rank by Pareto front;
  /// a reproducible search cannot optimise or constrain timings; `release.pick`
  /// picks by a metric the search recorded as an objective or a constraint.
  func checkObjectives(_ spec: ExperimentSpec) {
    let objectiveNames = spec.allObjectives.map { "\"\($0.metric.rawValue)\"" }
    if spec.isMultiObjective {
      if spec.search.strategy == .gp {
        diagnostics.error("search.strategy", position("search", "strategy"),
                          "gp models one objective and this experiment has \(spec.allObjectives.count) (\(objectiveNames.joined(separator: ", "))); accepted: \"tpe\" (multi-objective TPE), \"nsga2\", \"random\", \"sobol\" or \"grid\"")
      }
      if let es = spec.earlyStopping, es.scheduler == .median || es.scheduler == .bohb {
        let why = es.scheduler == .median ? "the median rule compares one value per epoch" : "bohb fits TPE to one value per rung"
        diagnostics.error("early_stopping.scheduler", position("early_stopping", "scheduler"),
                          "\"\(es.scheduler.rawValue)\" cannot stop trials with several objectives: \(why); accepted: \"asha\" or \"hyperband\" (they promote by Pareto front), or no early stopping")
      }
    }
    if spec.search.reproducible {
      for (i, o) in spec.allObjectives.enumerated() where o.metric.variesBetweenRuns {
        let (path, at) = spec.objectives == nil ? ("objective.metric", position("objective", "metric")) : ("objectives[\(i)].metric", position("objectives"))
        diagnostics.error(path, at, "\"\(o.metric.rawValue)\" changes from run to run and search.reproducible is true; accepted: a metric that depends only on the configuration and seed, or \"reproducible\": false")
      }
      for (i, c) in spec.allConstraints.enumerated() where c.metric.variesBetweenRuns {
        diagnostics.error("constraints[\(i)].metric", position("constraints"),
                          "\"\(c.metric.rawValue)\" changes from run to run and search.reproducible is true; accepted: a metric that depends only on the configuration and seed, or \"reproducible\": false")
      }
    }
    if let pick = spec.release?.pick {
      let recorded = spec.allObjectives.map(\.metric) + spec.allConstraints.map(\.metric)
      for metric in pick.metrics where !recorded.contains(metric) {
        let names = Wording.list((objectiveNames + spec.allConstraints.map { "\"\($0.metric.rawValue)\"" }))
        diagnostics.error("release.pick", position("release", "pick"),
                          "\"\(metric.rawValue)\" is neither an objective nor a constraint; accepted: \(names)")
      }
    }
  }
}
