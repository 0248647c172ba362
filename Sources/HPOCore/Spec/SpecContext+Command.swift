/// Readers of the `command` model kind's fields (`train`, `evaluate`,
/// `predict`, `workdir`, `env`, `timeout`), and the rules that relate a
/// command model to the rest of the experiment.
extension SpecContext {
  /// The members of `model` that only the `command` kind reads.
  static let commandKeys = ["train", "evaluate", "predict", "workdir", "env", "timeout"]

  /// `model`'s command fields, for `kind: "command"`; `nil` after reporting.
  func command(_ r: ObjectReader) -> CommandSpec? {
    let example = #"["python3", "train.py"]"#
    let train = r.required("train", accepted: "the training command as a list of strings, such as \(example)").flatMap(argv)
    let evaluate: [String]?? = r.optional("evaluate").map(argv)
    let predict: [String]?? = r.optional("predict").map(argv)
    let workdir = r.required("workdir", accepted: "the folder holding the commands' files, relative to the experiment file (\".\" for its own folder)")
      .flatMap { existingPath($0, folder: true) }
    let env = r.optional("env").map(environment) ?? [:]
    let timeout: Double?? = r.optional("timeout").map(timeout)
    guard let train, let workdir, let env else { return nil }
    if case .some(nil) = evaluate { return nil }
    if case .some(nil) = predict { return nil }
    if case .some(nil) = timeout { return nil }
    return CommandSpec(
      train: train, evaluate: evaluate ?? nil, predict: predict ?? nil, workdir: workdir, env: env, timeoutSeconds: timeout ?? nil)
  }

  /// Reports each command field given to a model of another kind; `false` when there was one.
  func refuseCommandFields(_ r: ObjectReader, kind: ModelKind) -> Bool {
    var clean = true
    for key in Self.commandKeys {
      guard let node = r.optional(key) else { continue }
      diagnostics.error(node, "\"\(key)\" belongs to model kind \"command\" (your own training command), not to \(kind.rawValue); accepted: remove \"\(key)\" or use kind \"command\"")
      clean = false
    }
    return clean
  }

  /// A command line as an argv: a non-empty list of non-empty strings, the
  /// first naming the program. hpo runs no shell.
  private func argv(_ node: SpecNode) -> [String]? {
    let accepted = #"a list of strings, the program and its arguments, such as ["python3", "train.py"]"#
    switch node.value.kind {
    case .array(let items):
      if items.isEmpty {
        diagnostics.error(node, "[] names no program; accepted: \(accepted)")
        return nil
      }
      var args: [String] = []
      for (i, item) in items.enumerated() {
        let itemNode = SpecNode(value: item, path: node.path(at: i))
        guard case .string(let arg) = item.kind else {
          diagnostics.typeMismatch(itemNode, expected: "a string (one argument; write numbers as \"3\")")
          continue
        }
        if i == 0, arg.trimmingSpaces.isEmpty {
          diagnostics.error(itemNode, "\(itemNode.shown) names no program; accepted: a program name or path, such as \"python3\" or \"./train.sh\"")
        } else if arg.isEmpty {
          diagnostics.error(itemNode, "\"\" is an empty argument; accepted: a non-empty string")
        } else if arg.contains("\0") {
          diagnostics.error(itemNode, "\(itemNode.shown) holds a NUL character, which no command line can carry; accepted: a string without NUL")
        } else {
          args.append(arg)
        }
      }
      return args.count == items.count ? args : nil
    case .string(let line):
      diagnostics.error(node, "\(node.shown) is one string; accepted: \(accepted) (hpo runs no shell: split the arguments, or write [\"sh\", \"-c\", \(JSONWriter.quote(line))])")
      return nil
    default:
      diagnostics.typeMismatch(node, expected: accepted)
      return nil
    }
  }

  /// `model.env`: names (non-empty, no `=`, not `HPO_…`) to string values.
  private func environment(_ node: SpecNode) -> [String: String]? {
    guard case .object(let members) = node.value.kind else {
      diagnostics.typeMismatch(node, expected: #"an object of environment variables {"OMP_NUM_THREADS": "1"}"#)
      return nil
    }
    var env: [String: String] = [:]
    var failed = false
    for m in members {
      let valueNode = SpecNode(value: m.value, path: node.path(of: m.key))
      let name = JSONWriter.quote(m.key)
      let problem: String? =
        if m.key.isEmpty { "\"\" is an empty variable name" }
        else if m.key.contains("=") { "\(name) holds '=', which ends a variable's name" }
        else if m.key.contains("\0") { "\(name) holds a NUL character" }
        else if m.key.hasPrefix("HPO_") { "\(name) is hpo's: the worker sets HPO_ variables for every trial" }
        else { nil }
      if let problem {
        diagnostics.error(m.key.isEmpty ? node.path : valueNode.path, m.keyPosition, "\(problem); accepted: a variable name without '=' that does not start with HPO_, such as \"OMP_NUM_THREADS\"")
        failed = true
        continue
      }
      guard case .string(let value) = m.value.kind else {
        diagnostics.typeMismatch(valueNode, expected: "a string (the variable's value; write numbers as \"1\")")
        failed = true
        continue
      }
      if value.contains("\0") {
        diagnostics.error(valueNode, "\(valueNode.shown) holds a NUL character, which no environment can carry; accepted: a string without NUL")
        failed = true
        continue
      }
      env[m.key] = value
    }
    return failed ? nil : env
  }

  /// `model.timeout`: seconds (> 0, finite) or a duration `"90s"`, `"30m"`, `"1.5h"`.
  private func timeout(_ node: SpecNode) -> Double? {
    let accepted = CommandSpec.durationAccepted
    switch node.value.kind {
    case .number(let n):
      guard n.double.isFinite, n.double > 0 else {
        diagnostics.error(node, "\(n.literal) is out of range; accepted: \(accepted)")
        return nil
      }
      return withinLimit(n.double, node)
    case .string(let text):
      guard let seconds = CommandSpec.seconds(ofDuration: text) else {
        diagnostics.error(node, "\(node.shown) is not a duration; accepted: \(accepted)")
        return nil
      }
      guard seconds > 0 else {
        diagnostics.error(node, "\(node.shown) is no time at all; accepted: \(accepted)")
        return nil
      }
      return withinLimit(seconds, node)
    default:
      diagnostics.typeMismatch(node, expected: accepted)
      return nil
    }
  }

  /// `seconds` when at most ``CommandSpec/maximumTimeoutSeconds``; `nil` after reporting.
  private func withinLimit(_ seconds: Double, _ node: SpecNode) -> Double? {
    let limit = CommandSpec.maximumTimeoutSeconds
    guard seconds <= limit else {
      diagnostics.error(node, "\(node.shown) is more than \(Wording.number(limit)) seconds (about 31 years); accepted: a timeout up to \(Wording.number(limit)) seconds, such as \"30m\" or \"2h\"")
      return nil
    }
    return seconds
  }

  /// What a command experiment's release accepts: its test metrics come from
  /// `model.evaluate`, so gates, the overfitting gap and the champion need one;
  /// the checks that run hpo's own model (stress tests, output range, refits
  /// for seed stability or on train + validation) do not apply; new data and
  /// drift compare against the training split, so they need `data`.
  func checkCommandRelease(_ spec: ExperimentSpec) {
    guard spec.model.kind == .command, let v = spec.validation else { return }
    let releaseNeeds = "accepted: add \"evaluate\" to model (the command that reports the winner's test metrics), or remove"
    if spec.model.command?.evaluate == nil {
      if !v.gates.isEmpty {
        diagnostics.error("validation.gates", position("validation", "gates"),
                          "gates are checked on the test metrics that model.evaluate reports, and this command model has no \"evaluate\"; \(releaseNeeds) \"gates\"")
      }
      if v.maxGap != nil {
        diagnostics.error("validation.max_gap", position("validation", "max_gap"),
                          "the gap compares the objective on the validation and test splits, and only model.evaluate reports test metrics; \(releaseNeeds) \"max_gap\"")
      }
      if v.champion != nil {
        diagnostics.error("validation.champion", position("validation", "champion"),
                          "the winner is compared with the champion on the test metrics that model.evaluate reports, and this command model has no \"evaluate\"; \(releaseNeeds) \"champion\"")
      }
    }
    let ownModel = "a command model's predictions come from your own code"
    if v.stress {
      diagnostics.error("validation.stress", position("validation", "stress"),
                        "stress tests probe the predictions of hpo's own models, and \(ownModel); accepted: false, or leave \"stress\" out (off for command models)")
    }
    if v.outputRange != nil {
      diagnostics.error("validation.output_range", position("validation", "output_range"),
                        "the output range is checked by the stress tests of hpo's own models, and \(ownModel); accepted: remove \"output_range\"")
    }
    if v.refit {
      diagnostics.error("validation.refit", position("validation", "refit"),
                        "refitting on train + validation retrains hpo's own models, not a command; accepted: false, or leave \"refit\" out")
    }
    if v.seedStability != nil {
      diagnostics.error("validation.seed_stability", position("validation", "seed_stability"),
                        "seed stability refits hpo's own models with other seeds, not a command; accepted: remove \"seed_stability\"")
    }
    if spec.data == nil {
      let noData = "is compared with the training split, and this experiment has no data; accepted: add \"data\", or remove"
      if v.newData != nil {
        diagnostics.error("validation.new_data", position("validation", "new_data"), "new data \(noData) \"new_data\"")
      }
      if v.drift != nil {
        diagnostics.error("validation.drift", position("validation", "drift"), "drift \(noData) \"drift\"")
      }
    }
  }
}
