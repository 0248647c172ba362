import Foundation

/// Readers of the experiment's sections other than `space`.
extension SpecContext {
  func data(_ node: SpecNode) -> DataSpec? {
    guard let r = ObjectReader(node, accepting: ["path", "label", "task", "split", "shards", "missing", "categorical"], diagnostics)
    else { return nil }
    defer { r.finish() }
    let path = r.required("path", accepted: "the data file's path, relative to the experiment file").flatMap(existingFile)
    let label = r.optional("label").flatMap { diagnostics.string($0) }
    let task = r.required("task", accepted: "\"classification\" or \"regression\"")
      .flatMap { diagnostics.choice($0, LearningTask.self, what: "a task") }
    let split = r.optional("split").map(self.split) ?? SplitSpec()
    let shards = r.optional("shards").map { diagnostics.int($0, min: 1, max: 4096) } ?? 1
    let missing = r.optional("missing").map { diagnostics.choice($0, MissingPolicy.self, what: "a missing-value policy") }
      ?? .reject
    let categorical = r.optional("categorical").map(categoricalColumns) ?? []
    guard let path, let task, let split, let shards, let missing, let categorical else { return nil }
    return DataSpec(
      path: path, label: label, task: task, split: split, shards: shards, missing: missing, categorical: categorical)
  }

  /// `data.categorical`: distinct, non-blank column names. Whether they are
  /// feature columns of the file is HPOData's check (it reads the header).
  private func categoricalColumns(_ node: SpecNode) -> [String]? {
    guard case .array(let items) = node.value.kind else {
      diagnostics.typeMismatch(node, expected: "an array of column names [\"colour\", ...]")
      return nil
    }
    var names: [String?] = []  // one per item, nil for a non-string
    var failed = false
    for (i, item) in items.enumerated() {
      let itemNode = SpecNode(value: item, path: node.path(at: i))
      guard case .string(let name) = item.kind else {
        diagnostics.typeMismatch(itemNode, expected: "a column name (a string)")
        names.append(nil)
        failed = true
        continue
      }
      if name.trimmingSpaces.isEmpty {
        diagnostics.error(itemNode, "\(itemNode.shown) is an empty column name; accepted: the name of a feature column")
        failed = true
      } else if let first = names.firstIndex(of: name) {
        diagnostics.error(itemNode, "\(itemNode.shown) is a duplicate of item \(first); accepted: distinct column names")
        failed = true
      }
      names.append(name)
    }
    return failed ? nil : names.compactMap { $0 }
  }

  private func existingFile(_ node: SpecNode) -> String? { existingPath(node, folder: false) }

  /// The path at `node` (relative to the experiment file, or absolute) when it
  /// names an existing file, or an existing folder when `folder`.
  func existingPath(_ node: SpecNode, folder: Bool) -> String? {
    guard let path = diagnostics.string(node) else { return nil }
    let url = path.hasPrefix("/") ? URL(fileURLWithPath: path) : baseDirectory.appendingPathComponent(path).standardizedFileURL
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
      diagnostics.error(node, "\(node.shown) does not exist (looked for \(url.path)); accepted: a \(folder ? "folder" : "file") path relative to the experiment file")
      return nil
    }
    if isDirectory.boolValue != folder {
      diagnostics.error(node, folder
        ? "\(node.shown) is a file (\(url.path)); accepted: the folder holding the commands' files"
        : "\(node.shown) is a directory; accepted: a data file")
      return nil
    }
    return path
  }

  private func split(_ node: SpecNode) -> SplitSpec? {
    guard let r = ObjectReader(node, accepting: ["validation", "test", "seed"], diagnostics) else { return nil }
    defer { r.finish() }
    let fraction = "a number in (0, 1)"
    let validation = r.optional("validation").map { diagnostics.number($0, accepted: fraction) { $0 > 0 && $0 < 1 } } ?? 0.2
    let test = r.optional("test").map { diagnostics.number($0, accepted: fraction) { $0 > 0 && $0 < 1 } } ?? 0.2
    let seed = r.optional("seed").map(diagnostics.seed) ?? 0
    guard let validation, let test, let seed else { return nil }
    if validation + test >= 1 {
      diagnostics.error(node, "validation \(Wording.number(validation)) + test \(Wording.number(test)) = \(Wording.number(validation + test)) leaves no rows to train on; accepted: fractions whose sum is below 1")
      return nil
    }
    return SplitSpec(validation: validation, test: test, seed: seed)
  }

  func model(_ node: SpecNode) -> ModelSpec? {
    guard let r = ObjectReader(node, accepting: ["kind", "epochs", "precision", "function", "checkpoint_every"] + Self.commandKeys, diagnostics)
    else { return nil }
    defer { r.finish() }
    let kind = r.required("kind", accepted: Wording.list(ModelKind.allCases.map { "\"\($0.rawValue)\"" }))
      .flatMap { diagnostics.choice($0, ModelKind.self, what: "a model kind") }
    let epochsNode = r.optional("epochs")
    let epochs = epochsNode.flatMap { diagnostics.int($0, min: 1, max: 100_000) }
    let precisionNode = r.optional("precision")
    let precision = precisionNode.map { diagnostics.choice($0, Precision.self, what: "a precision") } ?? .float32
    let functionNode = r.optional("function")
    let cadenceNode = r.optional("checkpoint_every")
    let cadence = cadenceNode.flatMap { diagnostics.int($0, min: 0, max: 100_000) }
    guard let kind, let precision else { return nil }
    if let cadenceNode, !kind.isIterative {
      diagnostics.error(cadenceNode, "hpo checkpoints the epochs of softmax and mlp only, not of \(kind.rawValue); accepted: remove \"checkpoint_every\"\(kind == .command ? " (a command checkpoints through HPO_CHECKPOINT_DIR)" : "")")
      return nil
    }
    if cadenceNode != nil && cadence == nil { return nil }
    var function: BuiltinFunction?
    if kind == .function {
      guard let functionNode = r.required("function", accepted: Wording.list(BuiltinFunction.allCases.map { "\"\($0.rawValue)\"" })),
        let f = diagnostics.choice(functionNode, BuiltinFunction.self, what: "a built-in function")
      else { return nil }
      function = f
    } else if let functionNode {
      diagnostics.error(functionNode, "only the \"function\" model kind evaluates a function; accepted: remove \"function\" or use kind \"function\"")
      return nil
    }
    var command: CommandSpec?
    if kind == .command {
      if let precisionNode {
        diagnostics.error(precisionNode, "a command model trains with your own code, in its own precision; accepted: remove \"precision\"")
      }
      command = self.command(r)
      guard command != nil, precisionNode == nil else { return nil }
    } else if !refuseCommandFields(r, kind: kind) {
      return nil
    }
    if kind.isIterative, epochsNode == nil {
      diagnostics.error(node.path(of: "epochs"), node.value.position, "missing required field for \(kind.rawValue); accepted: an integer from 1 to 100000")
      return nil
    }
    if kind == .ridge, let epochsNode {
      diagnostics.error(epochsNode, "\(kind.rawValue) trains in closed form and has no epochs; remove \"epochs\"")
      return nil
    }
    if epochsNode != nil && epochs == nil { return nil }
    return ModelSpec(
      kind: kind, epochs: epochs, precision: precision, function: function, command: command, checkpointEvery: cadence)
  }

  func objective(_ node: SpecNode, task: LearningTask?, kind: ModelKind?) -> ObjectiveSpec? {
    guard let r = ObjectReader(node, accepting: ["metric", "direction"], diagnostics) else { return nil }
    defer { r.finish() }
    let metricNode = r.required("metric", accepted: Wording.list(Metric.allCases.map { "\"\($0.rawValue)\"" }))
    guard let metricNode, let metric = metric(metricNode, task: task, kind: kind) else { return nil }
    guard let directionNode = r.optional("direction") else { return ObjectiveSpec(metric: metric) }
    guard let direction = diagnostics.choice(directionNode, Direction.self, what: "a direction") else { return nil }
    if direction != metric.naturalDirection, metric != .value {
      let better = metric.naturalDirection == .maximize ? "higher" : "lower"
      diagnostics.error(directionNode, "\"\(direction.rawValue)\" is the wrong way for \(metric.rawValue), where \(better) is better; accepted: \"\(metric.naturalDirection.rawValue)\" or leave \"direction\" out")
      return nil
    }
    return ObjectiveSpec(metric: metric, direction: direction)
  }

  /// A metric that fits `task` and the model `kind` (unknown ones are not checked).
  func metric(_ node: SpecNode, task: LearningTask?, kind: ModelKind?) -> Metric? {
    guard let metric = diagnostics.choice(node, Metric.self, what: "a metric") else { return nil }
    if kind == .function, metric != .value {
      diagnostics.error(node, "a function model reports only its value; accepted: \"value\"")
      return nil
    }
    if kind == .command, metric == .value, let task {
      let fitting = Metric.metrics(for: task).map { "\"\($0.rawValue)\"" }
      diagnostics.error(node, "\"value\" is the metric of a command experiment without data, and this one has data.task \"\(task.rawValue)\"; accepted: \(Wording.list(fitting)), or leave out \"data\" to optimise \"value\"")
      return nil
    }
    if let kind, kind != .function, kind != .command, metric == .value {
      diagnostics.error(node, "\"value\" is the metric of function models, not of \(kind.rawValue); accepted: a metric of data.task")
      return nil
    }
    if let task, let metricTask = metric.task, metricTask != task {
      let fitting = Metric.metrics(for: task).map { "\"\($0.rawValue)\"" }
      diagnostics.error(node, "\"\(metric.rawValue)\" is a \(metricTask.rawValue) metric but data.task is \"\(task.rawValue)\"; accepted: \(Wording.list(fitting))")
      return nil
    }
    return metric
  }

  func search(_ node: SpecNode) -> SearchSpec? {
    guard let r = ObjectReader(node, accepting: ["strategy", "trials", "parallel", "seed", "reproducible", "tpe", "nsga2"], diagnostics)
    else { return nil }
    defer { r.finish() }
    let strategy = r.required("strategy", accepted: Wording.list(Strategy.allCases.map { "\"\($0.rawValue)\"" }))
      .flatMap { diagnostics.choice($0, Strategy.self, what: "a search strategy") }
    let trials = r.required("trials", accepted: "an integer from 1 to 1000000").flatMap { diagnostics.int($0, min: 1, max: 1_000_000) }
    let parallel = r.optional("parallel").map { diagnostics.int($0, min: 1, max: 10_000) } ?? 1
    let seed = r.optional("seed").map(diagnostics.seed) ?? 0
    let reproducible = r.optional("reproducible").map(diagnostics.bool) ?? false
    let tpeNode = r.optional("tpe")
    let tpe = tpeNode.flatMap(tpeOptions)
    guard let strategy, let trials, let parallel, let seed, let reproducible else { return nil }
    if let tpeNode, strategy != .tpe {
      diagnostics.error(tpeNode, "TPE options given but search.strategy is \"\(strategy.rawValue)\"; accepted: \"tpe\" options only with strategy \"tpe\"")
      return nil
    }
    if tpeNode != nil && tpe == nil { return nil }
    let nsga2Node = r.optional("nsga2")
    let nsga2 = nsga2Node.flatMap(nsga2Options)
    if let nsga2Node, strategy != .nsga2 {
      diagnostics.error(nsga2Node, "NSGA-II options given but search.strategy is \"\(strategy.rawValue)\"; accepted: \"nsga2\" options only with strategy \"nsga2\"")
      return nil
    }
    if nsga2Node != nil && nsga2 == nil { return nil }
    return SearchSpec(
      strategy: strategy, trials: trials, parallel: parallel, seed: seed, reproducible: reproducible,
      tpe: tpe ?? (strategy == .tpe ? TPEOptions() : nil), nsga2: nsga2)
  }

  private func nsga2Options(_ node: SpecNode) -> NSGA2Spec? {
    let keys = ["population_size", "crossover", "crossover_probability", "swapping_probability", "mutation_probability", "sbx_eta"]
    guard let r = ObjectReader(node, accepting: keys, diagnostics) else { return nil }
    defer { r.finish() }
    let d = NSGA2Spec()
    let probability = "a number from 0 to 1"
    let population = r.optional("population_size").map { diagnostics.int($0, min: 2, max: 10_000) } ?? d.populationSize
    let crossover = r.optional("crossover").map { diagnostics.choice($0, NSGA2Spec.Crossover.self, what: "a crossover") } ?? d.crossover
    let crossing = r.optional("crossover_probability").map { diagnostics.number($0, accepted: probability) { (0...1).contains($0) } } ?? d.crossoverProbability
    let swapping = r.optional("swapping_probability").map { diagnostics.number($0, accepted: probability) { (0...1).contains($0) } } ?? d.swappingProbability
    let mutationNode = r.optional("mutation_probability")
    let mutation = mutationNode.map { diagnostics.number($0, accepted: probability) { (0...1).contains($0) } }
    let eta = r.optional("sbx_eta").map { diagnostics.number($0, accepted: "a number from 0 to 1000") { $0 >= 0 && $0 <= 1000 } } ?? d.sbxEta
    guard let population, let crossover, let crossing, let swapping, let eta, mutation != .some(nil) else { return nil }
    return NSGA2Spec(
      populationSize: population, crossoverProbability: crossing, swappingProbability: swapping,
      mutationProbability: mutation ?? nil, crossover: crossover, sbxEta: eta)
  }

  private func tpeOptions(_ node: SpecNode) -> TPEOptions? {
    guard let r = ObjectReader(node, accepting: ["startup_trials", "candidates", "multivariate", "constant_liar", "gamma"], diagnostics)
    else { return nil }
    defer { r.finish() }
    let d = TPEOptions()
    let startup = r.optional("startup_trials").map { diagnostics.int($0, min: 1, max: 100_000) } ?? d.startupTrials
    let candidates = r.optional("candidates").map { diagnostics.int($0, min: 1, max: 100_000) } ?? d.candidates
    // Absent stays nil: the default depends on the number of objectives.
    let multivariateNode = r.optional("multivariate")
    let multivariate = multivariateNode.map(diagnostics.bool)
    let liar = r.optional("constant_liar").map(diagnostics.bool) ?? d.constantLiar
    let gamma = r.optional("gamma").map { diagnostics.number($0, accepted: "a number in (0, 1]") { $0 > 0 && $0 <= 1 } } ?? d.gamma
    guard let startup, let candidates, let liar, let gamma, multivariate != .some(nil) else { return nil }
    return TPEOptions(startupTrials: startup, candidates: candidates, multivariate: multivariate ?? nil, constantLiar: liar, gamma: gamma)
  }

  func earlyStopping(_ node: SpecNode) -> EarlyStoppingSpec? {
    guard let r = ObjectReader(node, accepting: ["scheduler", "min_epochs", "reduction_factor", "warmup_epochs", "min_trials"], diagnostics)
    else { return nil }
    defer { r.finish() }
    let d = EarlyStoppingSpec(scheduler: .asha)
    let scheduler = r.required("scheduler", accepted: Wording.list(SchedulerKind.allCases.map { "\"\($0.rawValue)\"" }))
      .flatMap { diagnostics.choice($0, SchedulerKind.self, what: "a scheduler") }
    let minEpochs = r.optional("min_epochs").map { diagnostics.int($0, min: 1) } ?? d.minEpochs
    let factor = r.optional("reduction_factor").map { diagnostics.int($0, min: 2, max: 100) } ?? d.reductionFactor
    let warmup = r.optional("warmup_epochs").map { diagnostics.int($0, min: 0) } ?? d.warmupEpochs
    let minTrials = r.optional("min_trials").map { diagnostics.int($0, min: 1) } ?? d.minTrials
    guard let scheduler, let minEpochs, let factor, let warmup, let minTrials else { return nil }
    return EarlyStoppingSpec(scheduler: scheduler, minEpochs: minEpochs, reductionFactor: factor, warmupEpochs: warmup, minTrials: minTrials)
  }

  func validation(_ node: SpecNode, task: LearningTask?, kind: ModelKind?) -> ValidationSpec? {
    let keys = ["gates", "max_gap", "champion", "champion_tolerance", "min_improvement", "refit", "stress", "seed_stability", "new_data", "drift", "output_range"]
    guard let r = ObjectReader(node, accepting: keys, diagnostics) else { return nil }
    defer { r.finish() }
    let gates = r.optional("gates").map { self.bounds($0, task: task, kind: kind) } ?? []
    let nonNegative = "a number ≥ 0"
    let maxGap = r.optional("max_gap").flatMap { diagnostics.number($0, accepted: nonNegative) { $0 >= 0 } }
    let champion = r.optional("champion").flatMap { diagnostics.string($0) }
    let tolerance = r.optional("champion_tolerance").map { diagnostics.number($0, accepted: nonNegative) { $0 >= 0 } } ?? 0
    let improvement = r.optional("min_improvement").flatMap { diagnostics.number($0, accepted: nonNegative) { $0 >= 0 } }
    let refit = r.optional("refit").map(diagnostics.bool) ?? false
    // Stress tests probe hpo's own models: on unless turned off, except for commands.
    let stress = r.optional("stress").map(diagnostics.bool) ?? (kind != .command)
    let stability: SeedStabilitySpec?? = r.optional("seed_stability").map(seedStability)
    let newData: String?? = r.optional("new_data").map(existingFile)
    let drift: DriftSpec?? = r.optional("drift").map(drift)
    let outputRange: OutputRange?? = r.optional("output_range").map { self.outputRange($0, task: task) }
    guard let gates, let tolerance, let refit, let stress else { return nil }
    if case .some(nil) = stability { return nil }
    if case .some(nil) = newData { return nil }
    if case .some(nil) = drift { return nil }
    if case .some(nil) = outputRange { return nil }
    return ValidationSpec(
      gates: gates, maxGap: maxGap, champion: champion, championTolerance: tolerance, minImprovement: improvement, refit: refit,
      stress: stress, seedStability: stability ?? nil, newData: newData ?? nil, drift: drift ?? nil,
      outputRange: outputRange ?? nil)
  }

  /// `validation.seed_stability`: `{"seeds": 3, "max_spread": 0.02}`.
  private func seedStability(_ node: SpecNode) -> SeedStabilitySpec? {
    guard let r = ObjectReader(node, accepting: ["seeds", "max_spread"], diagnostics, what: "an object {\"seeds\": 3, \"max_spread\": 0.02}")
    else { return nil }
    defer { r.finish() }
    let seeds = r.optional("seeds").map { diagnostics.int($0, min: 1, max: 20) } ?? 3
    let spread = r.required("max_spread", accepted: "a number ≥ 0: the largest allowed max − min of the test metric over the seeds")
      .flatMap { diagnostics.number($0, accepted: "a number ≥ 0") { $0 >= 0 } }
    guard let seeds, let spread else { return nil }
    return SeedStabilitySpec(seeds: seeds, maxSpread: spread)
  }

  /// `validation.output_range`: `{"min": 0}`, `{"min": 0, "max": 1000}`;
  /// regression only (class probabilities are always checked against [0, 1]).
  private func outputRange(_ node: SpecNode, task: LearningTask?) -> OutputRange? {
    guard let r = ObjectReader(node, accepting: ["min", "max"], diagnostics, what: "an object {\"min\": 0, \"max\": 1000}")
    else { return nil }
    defer { r.finish() }
    let lo: Double?? = r.optional("min").map { diagnostics.number($0, accepted: "a finite number") { $0.isFinite } }
    let hi: Double?? = r.optional("max").map { diagnostics.number($0, accepted: "a finite number") { $0.isFinite } }
    if case .some(nil) = lo { return nil }
    if case .some(nil) = hi { return nil }
    let range = OutputRange(min: lo ?? nil, max: hi ?? nil)
    guard range.min != nil || range.max != nil else {
      diagnostics.error(node, "an output range needs a bound; accepted: \"min\", \"max\" or both")
      return nil
    }
    if let a = range.min, let b = range.max, a > b {
      diagnostics.error(node, "min \(Wording.number(a)) is above max \(Wording.number(b)); accepted: min ≤ max")
      return nil
    }
    if task == .classification {
      diagnostics.error(node, "an output range applies to regression predictions; accepted: leave it out (class probabilities are always checked to lie in [0, 1])")
      return nil
    }
    return range
  }

  /// `validation.drift`: `{"alpha": 0.05, "min_effect": 0.05, "require_power": false}`,
  /// each optional; the replaced `psi_max` and `ks_max` are read (checked as
  /// before) with a warning naming what replaced them.
  private func drift(_ node: SpecNode) -> DriftSpec? {
    let keys = ["alpha", "min_effect", "require_power", "psi_max", "ks_max"]
    guard let r = ObjectReader(node, accepting: keys, diagnostics, what: "an object {\"alpha\": 0.05, \"min_effect\": 0.05}")
    else { return nil }
    defer { r.finish() }
    let alpha = r.optional("alpha").map {
      diagnostics.number($0, accepted: "a false-alarm rate in (0, 0.5], e.g. 0.05 or 0.01") { $0 > 0 && $0 <= 0.5 }
    } ?? DriftSpec.defaultAlpha
    let minEffect = r.optional("min_effect").map {
      diagnostics.number($0, accepted: "an effect size from 0 to 1 (KS or total-variation distance), e.g. 0.05") { $0 >= 0 && $0 <= 1 }
    } ?? DriftSpec.defaultMinEffect
    let requirePower = r.optional("require_power").map(diagnostics.bool) ?? false
    let replaced = "no longer decides anything (accepted until the next release): a feature now drifts when a two-sample test's Holm-corrected p-value is under \"alpha\" (default 0.05) and its effect size over \"min_effect\" (default 0.05); remove"
    var psi: Double?? = nil
    if let n = r.optional("psi_max") {
      psi = diagnostics.number(n, accepted: "a number > 0") { $0 > 0 }
      if psi != .some(nil) { diagnostics.warning(node.path(of: "psi_max"), n.value.position, "\(replaced) \"psi_max\"") }
    }
    var ks: Double?? = nil
    if let n = r.optional("ks_max") {
      ks = diagnostics.number(n, accepted: "a number in (0, 1]") { $0 > 0 && $0 <= 1 }
      if ks != .some(nil) { diagnostics.warning(node.path(of: "ks_max"), n.value.position, "\(replaced) \"ks_max\"") }
    }
    guard let alpha, let minEffect, let requirePower else { return nil }
    if case .some(nil) = psi { return nil }
    if case .some(nil) = ks { return nil }
    return DriftSpec(alpha: alpha, minEffect: minEffect, requirePower: requirePower, psiMax: psi ?? nil, ksMax: ks ?? nil)
  }

  /// A list of bounds on metrics: release gates, experiment constraints, `release.pick.subject_to`.
  /// - Parameter what: one item, for messages ("gate", "constraint").
  func bounds(_ node: SpecNode, what: String = "gate", task: LearningTask?, kind: ModelKind?) -> [Gate]? {
    guard case .array(let items) = node.value.kind else {
      diagnostics.typeMismatch(node, expected: "an array of \(what)s [{\"metric\": ..., \"min\": ...}]")
      return nil
    }
    var gates: [Gate] = []
    var failed = false
    for (i, item) in items.enumerated() {
      let itemNode = SpecNode(value: item, path: node.path(at: i))
      guard let r = ObjectReader(itemNode, accepting: ["metric", "min", "max"], diagnostics, what: "a \(what) {\"metric\": ..., \"min\": ...}") else {
        failed = true
        continue
      }
      defer { r.finish() }
      let metric = r.required("metric", accepted: "a metric name").flatMap { self.metric($0, task: task, kind: kind) }
      let min = r.optional("min").flatMap(diagnostics.number)
      let max = r.optional("max").flatMap(diagnostics.number)
      guard let metric else {
        failed = true
        continue
      }
      if min == nil && max == nil {
        diagnostics.error(itemNode, "a \(what) needs a bound; accepted: \"min\", \"max\" or both")
        failed = true
      } else if let min, let max, min > max {
        diagnostics.error(itemNode, "min \(Wording.number(min)) is above max \(Wording.number(max)); no value can pass; accepted: min ≤ max")
        failed = true
      } else if let unreachable = unreachable(metric, min: min, max: max) {
        diagnostics.error(itemNode, unreachable)
        failed = true
      } else {
        gates.append(Gate(metric: metric, min: min, max: max))
      }
    }
    return failed ? nil : gates
  }

  /// Why no value of `metric` can pass `min`/`max`, or `nil`: a minimum above
  /// the metric's largest value, or a maximum below its smallest.
  private func unreachable(_ metric: Metric, min: Double?, max: Double?) -> String? {
    let range = metric.range
    let accepted = "accepted: thresholds within \(metric.rawValue)'s range \(describe(range))"
    if let min, let high = range.high, min > high {
      return "min \(Wording.number(min)) is above the largest \(metric.rawValue), \(Wording.number(high)); no model can pass; \(accepted)"
    }
    if let max, let low = range.low, max < low {
      return "max \(Wording.number(max)) is below the smallest \(metric.rawValue), \(Wording.number(low)); no model can pass; \(accepted)"
    }
    return nil
  }

  private func describe(_ range: (low: Double?, high: Double?)) -> String {
    "\(range.low.map { "[\(Wording.number($0))" } ?? "(−∞"), \(range.high.map { "\(Wording.number($0))]" } ?? "∞)")"
  }

  func output(_ node: SpecNode, name: String?) -> OutputSpec? {
    guard let r = ObjectReader(node, accepting: ["dir", "keep_top"], diagnostics) else { return nil }
    defer { r.finish() }
    let dir = r.optional("dir").flatMap { diagnostics.string($0) } ?? name.map { "runs/\($0)" }
    let keepTop = r.optional("keep_top").map { diagnostics.int($0, min: 0, max: 10_000) } ?? 3
    guard let dir, let keepTop else { return nil }
    return OutputSpec(dir: dir, keepTop: keepTop)
  }
}
