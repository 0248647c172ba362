/// Rules that relate sections to each other: the space against the model, the
/// search strategy against the space, early stopping against the model.
extension SpecContext {
  /// Dimensions a Gaussian process handles (categorical parameters one-hot).
  static let gaussianProcessDimensionLimit = 20

  func crossChecks(_ spec: ExperimentSpec) {
    checkHyperparameters(spec)
    checkStrategy(spec)
    checkEarlyStopping(spec)
    checkCommandRelease(spec)
    checkObjectives(spec)
    checkGang(spec)
    if spec.search.parallel > spec.search.trials {
      diagnostics.warning("search.parallel", position("search", "parallel"),
                          "\(spec.search.parallel) parallel trials but only \(spec.search.trials) trials; at most \(spec.search.trials) will run at once")
    }
  }

  /// Where the value at `keys` starts, or the closest ancestor that exists.
  func position(_ keys: String...) -> SourcePosition {
    var value = root
    for key in keys {
      guard let next = value[key] else { break }
      value = next
    }
    return value.position
  }

  /// Every parameter must be one the model reads, with values it accepts.
  private func checkHyperparameters(_ spec: ExperimentSpec) {
    guard let rules = spec.model.kind.hyperparameters else { return }
    let known = rules.keys.sorted()
    for p in spec.space.parameters {
      let path = "space.\(p.name)"
      guard let rule = rules[p.name] else {
        let hint = Wording.suggestion(for: p.name, among: known).map { "did you mean \"\($0)\"? " } ?? ""
        diagnostics.error(path, position("space", p.name), "\"\(p.name)\" is not a hyperparameter of \(spec.model.kind.rawValue); \(hint)accepted: \(Wording.list(known))")
        continue
      }
      if let problem = conflict(of: p.domain, with: rule) {
        diagnostics.error(path, position("space", p.name), "\(problem) for \(spec.model.kind.rawValue)'s \(p.name); accepted: \(rule.summary)")
      }
    }
  }

  /// Why `domain` has values `rule` rejects, or `nil` when every value is fine.
  private func conflict(of domain: Domain, with rule: HyperparameterRule) -> String? {
    let values: [ParameterValue]
    switch domain {
    case .float(let r):
      if case .integer = rule { return "a float range is not accepted" }
      if case .choice = rule { return "a numeric range is not accepted" }
      values = [.float(r.low), .float(r.high)]
    case .int(let r):
      if case .choice = rule { return "a numeric range is not accepted" }
      values = [.int(r.low), .int(r.high)]
    case .categorical(let choices): values = choices
    case .fixed(let v): values = [v]
    }
    return values.first { !rule.accepts($0) }.map { "\($0) is not accepted" }
  }

  /// Grid needs a finite grid (and warns about the budget); GP has a dimension limit.
  private func checkStrategy(_ spec: ExperimentSpec) {
    let strategyPosition = position("search", "strategy")
    switch spec.search.strategy {
    case .grid:
      guard let size = spec.space.gridSize else {
        let open = spec.space.parameters.first { $0.domain.gridCount == nil }!
        diagnostics.error("space.\(open.name)", position("space", open.name),
                          "grid search needs a finite grid but this float has neither \"grid_points\" nor \"step\"; accepted: add \"grid_points\" (for example 5) or \"step\", or use strategy \"random\", \"sobol\" or \"tpe\"")
        return
      }
      if size > spec.search.trials {
        diagnostics.warning("search.trials", position("search", "trials"),
                            "the grid has \(size) configurations but the budget is \(spec.search.trials) trials; only \(spec.search.trials) will be tried")
      } else if size < spec.search.trials {
        diagnostics.warning("search.trials", position("search", "trials"),
                            "the grid has only \(size) configurations; the search stops after \(size) of the \(spec.search.trials) trials")
      }
    case .gp:
      let dimensions = spec.space.parameters.reduce(0) { n, p in
        switch p.domain {
        case .categorical(let c): return n + c.count
        case .fixed: return n
        default: return n + 1
        }
      }
      if dimensions > Self.gaussianProcessDimensionLimit {
        diagnostics.error("search.strategy", strategyPosition,
                          "gp handles up to \(Self.gaussianProcessDimensionLimit) dimensions (categorical choices count one each) but this space has \(dimensions); accepted: \"tpe\", \"random\" or \"sobol\" for this space")
      }
    case .random, .sobol, .tpe, .nsga2:
      break
    }
  }

  private func checkEarlyStopping(_ spec: ExperimentSpec) {
    guard let es = spec.earlyStopping else { return }
    guard let epochs = spec.model.epochs else {
      let why = spec.model.kind == .ridge ? "trains in closed form and has no epochs to stop early" : "has no model.epochs to stop early"
      diagnostics.error("early_stopping", position("early_stopping"),
                        "\(spec.model.kind.rawValue) \(why); accepted: early stopping with \"softmax\" or \"mlp\" (or a function or command with epochs), or remove \"early_stopping\"")
      return
    }
    if es.scheduler == .bohb, spec.search.strategy != .tpe {
      diagnostics.error("early_stopping.scheduler", position("early_stopping", "scheduler"),
                        "\"bohb\" trains TPE on the rungs' results and needs search.strategy \"tpe\", not \"\(spec.search.strategy.rawValue)\"; accepted: strategy \"tpe\" with \"bohb\", or scheduler \"hyperband\"")
    }
    if es.minEpochs > epochs {
      diagnostics.error("early_stopping.min_epochs", position("early_stopping", "min_epochs"),
                        "\(es.minEpochs) is more than model.epochs \(epochs); accepted: an integer from 1 to \(epochs)")
    }
    if es.warmupEpochs >= epochs, es.scheduler == .median {
      diagnostics.error("early_stopping.warmup_epochs", position("early_stopping", "warmup_epochs"),
                        "\(es.warmupEpochs) leaves no epoch to stop at (model.epochs is \(epochs)); accepted: an integer from 0 to \(epochs - 1)")
    }
  }
}
