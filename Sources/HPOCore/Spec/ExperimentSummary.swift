/// The human-readable summary `hpo validate` prints: each section on one line,
/// a table of parameters (kind, domain, scale, condition), the grid size and
/// the condition structure. Deterministic text, no terminal codes.
public struct ExperimentSummary {
  public let experiment: LoadedExperiment

  public init(_ experiment: LoadedExperiment) { self.experiment = experiment }

  /// The whole summary, ending with a newline.
  public var text: String {
    let spec = experiment.spec
    var lines = ["\(spec.name): valid"]
    let sections = sectionLines(spec)
    let width = sections.map(\.0.count).max() ?? 0
    for (label, value) in sections {
      lines.append("  " + label.padding(to: width) + "  " + value)
    }
    lines.append("")
    lines.append("parameters (\(spec.space.parameters.count))")
    lines += parameterTable(spec.space).map { "  " + $0 }
    lines.append("")
    lines.append(gridLine(spec.space))
    lines.append(conditionLine(spec.space))
    return lines.joined(separator: "\n") + "\n"
  }

  private func sectionLines(_ spec: ExperimentSpec) -> [(String, String)] {
    var out: [(String, String)] = []
    if let d = spec.data {
      let train = 1 - d.split.validation - d.split.test
      out.append(("data", [
      d.path, d.task.rawValue,
      "label " + (d.label.map { "\"\($0)\"" } ?? "(last column)"),
      "split \(percent(train))/\(percent(d.split.validation))/\(percent(d.split.test)) train/validation/test (seed \(d.split.seed))",
      "\(d.shards) shard\(d.shards == 1 ? "" : "s")",
      "missing values: \(d.missing.rawValue)",
      ].joined(separator: " · ")))
    }
    var model = [spec.model.kind.rawValue]
    if let f = spec.model.function { model.append(f.rawValue) }
    if let c = spec.model.command { model[0] += " " + CommandSpec.commandLine(c.train) }
    if let e = spec.model.epochs { model.append("\(e) epoch\(e == 1 ? "" : "s")") }
    if spec.model.kind.isIterative { model.append(spec.model.precision.rawValue) }
    if let c = spec.model.command { model += commandParts(c) }
    out.append(("model", model.joined(separator: " · ")))
    let judged = spec.model.kind == .command ? "as the train command reports it" : "on the validation split"
    if spec.isMultiObjective {
      let each = spec.allObjectives.map { "\($0.direction.rawValue) \($0.metric.rawValue)" }.joined(separator: " · ")
      out.append(("objectives", "\(each) (Pareto front) \(judged)"))
    } else {
      out.append(("objective", "\(spec.objective.direction.rawValue) \(spec.objective.metric.rawValue) \(judged)"))
    }
    if !spec.allConstraints.isEmpty {
      out.append(("constraints", spec.allConstraints.map(Self.bounds).joined(separator: " · ")))
    }
    if let pick = spec.release?.pick {
      let within = pick.subjectTo.isEmpty ? "" : " within " + pick.subjectTo.map(Self.bounds).joined(separator: " and ")
      let rule = pick.weights == nil ? "\(pick.direction.rawValue) \(pick.metric.rawValue)" : "maximize \(pick.described.replacingOccurrences(of: " (maximize)", with: ""))"
      out.append(("release pick", "\(rule)\(within), among feasible complete trials"))
    }
    var search = [spec.search.strategy.rawValue, "\(spec.search.trials) trials", "\(spec.search.parallel) parallel", "seed \(spec.search.seed)"]
    if spec.search.reproducible { search.append("reproducible") }
    if let t = spec.search.tpe {
      search.append("\(t.startupTrials) startup trials, \(t.candidates) candidates, gamma \(Wording.number(t.gamma))"
        + (t.multivariate(objectives: spec.allObjectives.count) ? ", multivariate" : ", independent") + (t.constantLiar ? ", constant liar" : ""))
    }
    if spec.search.strategy == .nsga2 {
      let n = spec.search.nsga2 ?? NSGA2Spec()
      let crossover = n.crossover == .sbx ? "SBX crossover (eta \(Wording.number(n.sbxEta)))" : "uniform crossover (swapping \(Wording.number(n.swappingProbability)))"
      let mutation = n.mutationProbability.map { "mutation \(Wording.number($0))" } ?? "mutation 1/\(spec.space.parameters.filter { if case .fixed = $0.domain { return false }; return true }.count)"
      search.append("population \(n.populationSize), \(crossover) with probability \(Wording.number(n.crossoverProbability)), \(mutation)")
    }
    out.append(("search", search.joined(separator: " · ")))
    if let es = spec.earlyStopping, let epochs = spec.model.epochs {
      var parts = [es.scheduler.rawValue]
      if es.scheduler == .median {
        parts += ["warm-up \(es.warmupEpochs) epochs", "at least \(es.minTrials) trials"]
      } else {
        parts += ["min \(es.minEpochs) epoch\(es.minEpochs == 1 ? "" : "s")", "reduction factor \(es.reductionFactor)",
                  "rungs at epochs " + rungs(min: es.minEpochs, factor: es.reductionFactor, max: epochs).map(String.init).joined(separator: ", "),
                  expectedEpochs(trials: spec.search.trials, min: es.minEpochs, factor: es.reductionFactor, max: epochs,
                                 hyperband: es.scheduler == .hyperband)]
      }
      out.append(("early stopping", parts.joined(separator: " · ")))
    }
    if let v = spec.validation {
      var parts = v.gates.map(Self.bounds)
      if let gap = v.maxGap { parts.append("validation−test gap ≤ \(Wording.number(gap))") }
      if let c = v.champion { parts.append("champion \(c) (tolerance \(Wording.number(v.championTolerance)))") }
      if let i = v.minImprovement { parts.append("improve on the champion by ≥ \(Wording.number(i))") }
      if v.refit { parts.append("refit on train+validation") }
      parts.append(v.stress ? "stress tests" : "no stress tests")
      if let s = v.seedStability {
        parts.append("seed stability: \(s.seeds) other seed\(s.seeds == 1 ? "" : "s"), spread ≤ \(Wording.number(s.maxSpread))")
      }
      if let d = v.newData { parts.append("new data \(d)") }
      if let d = v.drift {
        parts.append("drift: alpha \(Wording.number(d.alpha)), min effect \(Wording.number(d.minEffect))\(d.requirePower ? ", power required" : "")")
      }
      out.append(("gates", parts.isEmpty ? "none" : parts.joined(separator: " · ")))
    }
    out.append(("output", "\(spec.output.dir) · keep top \(spec.output.keepTop) checkpoints"))
    return out
  }

  /// The rest of a command model's line: its other commands, folder,
  /// variables (names only: values may be secrets) and time limit.
  private func commandParts(_ c: CommandSpec) -> [String] {
    var parts: [String] = []
    if let e = c.evaluate { parts.append("evaluate " + CommandSpec.commandLine(e)) }
    if let p = c.predict { parts.append("predict " + CommandSpec.commandLine(p)) }
    parts.append("workdir \(c.workdir)")
    if !c.env.isEmpty { parts.append("env " + c.env.keys.sorted().joined(separator: ", ")) }
    parts.append(c.timeoutSeconds.map { "timeout \(CommandSpec.durationText(seconds: $0))" } ?? "no timeout")
    return parts
  }

  /// "about E epochs in all (P% of T × max)": successive halving's budget when
  /// the top 1/η of the trials go on at each rung. With `hyperband`, the
  /// brackets' shares of the trials (``HyperbandAllocation``, as the
  /// scheduler assigns them) weight each bracket's budget, bracket j
  /// judging from rung j on.
  private func expectedEpochs(trials: Int, min: Int, factor: Int, max: Int, hyperband: Bool) -> String {
    let ladder = rungs(min: min, factor: factor, max: max)
    /// Epochs per trial of a bracket whose first decision is at rung `first`.
    func perTrial(first: Int) -> Double {
      var total = 0.0
      var survivors = 1.0
      var previous = 0
      for epoch in ladder[first...] {
        total += survivors * Double(epoch - previous)
        previous = epoch
        survivors /= Double(factor)
      }
      return total
    }
    var perTrialEpochs = perTrial(first: 0)
    if hyperband {
      var sMax = 0
      var reach = min
      while reach * factor <= max {
        reach *= factor
        sMax += 1
      }
      var weighted = 0.0
      var shares = 0
      for (j, n) in HyperbandAllocation.bracketTrials(largestExponent: sMax, reductionFactor: factor).enumerated() {
        weighted += Double(n) * perTrial(first: Swift.min(j, ladder.count - 1))
        shares += n
      }
      perTrialEpochs = weighted / Double(shares)
    }
    let total = perTrialEpochs * Double(trials)
    let full = Double(trials * max)
    return "expected about \(Int(total.rounded())) epochs in all (\(Int((100 * total / full).rounded()))% of \(trials) × \(max) without early stopping)"
  }

  /// Epochs at which successive halving decides: min·η^k up to `max`.
  private func rungs(min: Int, factor: Int, max: Int) -> [Int] {
    var r: [Int] = []
    var e = min
    while e < max {
      r.append(e)
      e *= factor
    }
    return r + [max]
  }

  private func parameterTable(_ space: SearchSpace) -> [String] {
    let rows: [[String]] = [["name", "kind", "domain", "scale", "active when"]] + space.parameters.map { p in
      let (domain, scale): (String, String)
      switch p.domain {
      case .float(let r):
        domain = "\(Wording.number(r.low)) … \(Wording.number(r.high))" + (r.step.map { " step \(Wording.number($0))" } ?? "")
          + (r.gridPoints.map { " (\($0) grid points)" } ?? "")
        scale = r.log ? "log" : "linear"
      case .int(let r):
        domain = "\(r.low) … \(r.high)" + (r.step > 1 ? " step \(r.step)" : "") + (r.gridPoints.map { " (\($0) grid points)" } ?? "")
        scale = r.log ? "log" : "linear"
      case .categorical(let c):
        domain = c.map(\.plainText).joined(separator: " | ")
        scale = ""
      case .fixed(let v):
        domain = v.plainText
        scale = ""
      }
      let when = p.condition?.requirements.map { r in
        "\(r.parent) " + (r.values.count == 1 ? "= \(r.values[0].plainText)" : "∈ {\(r.values.map(\.plainText).joined(separator: ", "))}")
      }.joined(separator: " and ") ?? ""
      return [p.name, p.domain.kindName, domain, scale, when]
    }
    let widths = (0..<5).map { c in rows.map { $0[c].count }.max() ?? 0 }
    return rows.map { row in
      var line = ""
      for c in 0..<5 { line += (c == 4 ? row[c] : row[c].padding(to: widths[c]) + "  ") }
      return String(line.trimmingSpaces)
    }
  }

  private func gridLine(_ space: SearchSpace) -> String {
    if let n = space.gridSize { return "grid size: \(n == Int.max ? "more than \(Int.max)" : String(n)) configurations" }
    let open = space.parameters.filter { $0.domain.gridCount == nil }.map(\.name)
    return "grid size: unbounded (\(Wording.list(open, conjunction: "and")) \(open.count == 1 ? "is" : "are") continuous; add \"grid_points\" for a grid search)"
  }

  private func conditionLine(_ space: SearchSpace) -> String {
    let edges = space.parameters.flatMap { p in (p.condition?.parents ?? []).map { "\($0) → \(p.name)" } }
    return edges.isEmpty ? "conditions: none (every parameter is always active)" : "conditions: " + edges.joined(separator: ", ")
  }

  private func percent(_ x: Double) -> String { Wording.number((x * 100).rounded()) }

  /// "metric ≥ min and metric ≤ max" for a gate or a constraint.
  private static func bounds(_ g: Gate) -> String {
    [g.min.map { "\(g.metric.rawValue) ≥ \(Wording.number($0))" }, g.max.map { "\(g.metric.rawValue) ≤ \(Wording.number($0))" }]
      .compactMap { $0 }.joined(separator: " and ")
  }
}

extension String {
  /// The string padded with spaces to `width` characters.
  func padding(to width: Int) -> String { count >= width ? self : self + String(repeating: " ", count: width - count) }
}
