import ArgumentParser
import Foundation
import HPOCore
import HPOData
import HPOModels

extension HPOCommand {
  /// `hpo train EXPERIMENT.json [--params JSON] [--format table|json]`: trains one
  /// configuration locally, on the experiment's data and split, through the
  /// same `Trainer.train` a worker calls, and prints validation and test
  /// metrics.
  struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Train one configuration locally and print its validation and test metrics.",
      discussion: """
        Reads and validates the experiment's data, splits it with the spec's seed, fits the \
        preprocessing on the training split and trains the model. Parameters of the space that \
        --params leaves out take their default (or the midpoint of their range, or their first \
        choice); hyperparameters outside the space take the model's defaults. Progress goes to \
        standard error, one line per epoch. Writes nothing.
        """)

    @Argument(help: "The experiment file (JSON).")
    var experiment: String

    @Option(help: "Hyperparameters as a JSON object, e.g. '{\"learning_rate\": 0.01, \"layers\": 2}'.")
    var params: String = "{}"

    @Option(help: "Training seed (default: the experiment's search seed).")
    var seed: UInt64?

    @Option(help: "Epochs to train (default: the model's \"epochs\").")
    var epochs: Int?

    @Option(help: "table: a table of the metrics; json: one object {\"validation\": {...}, \"test\": {...}, \"epochs\": n, \"seconds\": s} (default: table; csv: not available).")
    var format: OutputFormat?

    // The previous release's spelling of --format json; kept one release because scripts call it.
    @Flag(help: .hidden)
    var json = false

    func validate() throws {
      try OutputFormat.check(format, json: json, "hpo train", accepts: [.table, .json])
    }

    func run() throws {
      Bootstrap.singleThreadedBLAS()
      let loaded = try loadExperiment(experiment)
      let spec = loaded.spec
      guard spec.model.kind != .function, let data = spec.data, let dataURL = loaded.dataURL else {
        FileHandleOutput.standardError(
          "\(experiment): hpo train trains ridge, softmax and mlp models; this experiment's model is \"\(spec.model.kind.rawValue)\"")
        throw HPOExitCode.badInput
      }
      if let epochs, epochs < 1 {
        FileHandleOutput.standardError("--epochs: \(epochs) is not accepted; accepted: an integer ≥ 1")
        throw HPOExitCode.badInput
      }
      let configuration: Configuration
      do {
        configuration = try TrainParameters.configuration(params, spec: spec)
      } catch {
        FileHandleOutput.standardError("--params: \(error.message)")
        throw HPOExitCode.badInput
      }
      if spec.model.kind == .ridge || spec.model.precision == .float64 {
        try train(Double.self, spec: spec, data: data, path: dataURL.path, configuration: configuration)
      } else {
        try train(Float.self, spec: spec, data: data, path: dataURL.path, configuration: configuration)
      }
    }

    private func train<S: DataScalar>(
      _ type: S.Type, spec: ExperimentSpec, data: DataSpec, path: String, configuration: Configuration
    ) throws {
      let started = ContinuousClock.now
      let fitted: FittedSplits<S>
      do {
        fitted = try DataPipeline(spec: data, dataPath: path).fitted(as: S.self) { report in
          for issue in report.issues where issue.severity != .error {
            FileHandleOutput.standardError(issue.description)
          }
        }
      } catch {
        FileHandleOutput.standardError(error.description)
        throw HPOExitCode.badInput
      }
      let splits = fitted.splits
      let objective = spec.objective.metric
      let json = OutputFormat.resolve(format, json: self.json) == .json
      if !json {
        FileHandleOutput.standardError(
          "\(spec.name): \(spec.model.kind.rawValue) on \(splits.train.rowCount) training, \(splits.validation.rowCount) validation, "
            + "\(splits.test.rowCount) test rows; \(configuration)")
      }
      let outcome: TrainingOutcome
      let testMetrics: [Metric: Double]
      do {
        outcome = try Trainer.train(
          model: spec.model, configuration: configuration, train: splits.train, validation: splits.validation,
          preprocessing: fitted.preprocessing, seed: seed ?? spec.search.seed, epochs: epochs
        ) { report in
          let value = report.metrics[objective].map(TrainParameters.format) ?? "-"
          FileHandleOutput.standardError(
            "epoch \(report.epoch)/\(report.totalEpochs)  loss \(TrainParameters.format(report.trainingLoss))  "
              + "validation \(objective.rawValue) \(value)  \(String(format: "%.2f", report.seconds)) s")
          return true
        }
        testMetrics = try outcome.checkpoint.evaluate(splits.test)
      } catch {
        FileHandleOutput.standardError("\(experiment): \(error.message)")
        switch error.code {
        case .linearAlgebra: throw HPOExitCode.infrastructure
        default: throw HPOExitCode.badInput
        }
      }
      let elapsed = started.duration(to: .now)
      let seconds = elapsed.seconds
      let metrics = Metric.metrics(for: data.task).filter { outcome.metrics[$0] != nil || testMetrics[$0] != nil }
      if json {
        func object(_ m: [Metric: Double]) -> JSONValue {
          JSONValue(.object(metrics.compactMap { k in
            m[k].map { JSONMember(key: k.rawValue, value: $0.isFinite ? JSONValue(.number(JSONNumber($0))) : JSONValue(.null)) }
          }))
        }
        let root = JSONValue(.object([
          JSONMember(key: "validation", value: object(outcome.metrics)),
          JSONMember(key: "test", value: object(testMetrics)),
          JSONMember(key: "epochs", value: JSONValue(.number(JSONNumber(outcome.epochs)))),
          JSONMember(key: "seconds", value: JSONValue(.number(JSONNumber((seconds * 1000).rounded() / 1000)))),
        ]))
        print(root.compactText)
      } else {
        print("\(spec.name): \(spec.model.kind.rawValue), \(outcome.epochs) epochs, \(String(format: "%.2f", seconds)) s")
        print("configuration \(outcome.checkpoint.hyperparameters)")
        let width = max(6, metrics.map(\.rawValue.count).max() ?? 0)
        print("metric".padding(toLength: width, withPad: " ", startingAt: 0) + "  validation  test")
        for m in metrics {
          let v = outcome.metrics[m].map(TrainParameters.format) ?? "-"
          let t = testMetrics[m].map(TrainParameters.format) ?? "-"
          print(m.rawValue.padding(toLength: width, withPad: " ", startingAt: 0) + "  "
            + v.padding(toLength: 10, withPad: " ", startingAt: 0) + "  " + t)
        }
      }
    }
  }
}

/// Reading `--params` against an experiment: every name must be a
/// hyperparameter of the model, every value in the space's domain (or, for a
/// hyperparameter the space leaves out, accepted by the model); parameters
/// of the space that are left out take ``Parameter/fallbackValue``.
enum TrainParameters {
  struct Problem: Error {
    var message: String
  }

  static func configuration(_ text: String, spec: ExperimentSpec) throws(Problem) -> Configuration {
    let document: JSONValue
    do {
      document = try JSONParser.parse(text)
    } catch {
      throw Problem(message: "is not valid JSON (\(error.message) at \(error.position)); accepted: a JSON object such as '{\"learning_rate\": 0.01}'")
    }
    guard case .object(let members) = document.kind else {
      throw Problem(message: "is \(document.typeDescription), not a JSON object; accepted: a JSON object such as '{\"learning_rate\": 0.01}'")
    }
    let rules = spec.model.kind.hyperparameters ?? [:]
    let known = rules.keys.sorted()
    var configuration = Configuration()
    for member in members {
      let name = member.key
      guard let rule = rules[name] else {
        let hint = Wording.suggestion(for: name, among: known).map { "did you mean \"\($0)\"? " } ?? ""
        throw Problem(message: "\"\(name)\" (given \(member.value.compactText)) is not a hyperparameter of \(spec.model.kind.rawValue); \(hint)accepted: \(Wording.list(known.map { "\"\($0)\"" }))")
      }
      guard let value = ParameterValue(json: member.value) else {
        throw Problem(message: "\"\(name)\": \(member.value.compactText) is not a number, string or boolean; accepted: \(rule.summary)")
      }
      if let parameter = spec.space[name] {
        let normalized = spec.space.normalized(Configuration([name: value]))[name] ?? value
        guard parameter.domain.contains(normalized) else {
          throw Problem(message: "\"\(name)\": \(member.value.compactText) is outside the experiment's space; accepted: \(describe(parameter.domain))")
        }
        configuration[name] = normalized
      } else {
        guard rule.accepts(value) else {
          throw Problem(message: "\"\(name)\": \(member.value.compactText) is not accepted by \(spec.model.kind.rawValue); accepted: \(rule.summary)")
        }
        configuration[name] = value
      }
    }
    // Fill the active parameters the user left out, parents before children.
    var active = Set<String>()
    for p in spec.space.topologicalOrder {
      if let condition = p.condition {
        guard condition.parents.allSatisfy(active.contains), condition.isSatisfied(by: configuration) else { continue }
      }
      active.insert(p.name)
      if configuration[p.name] == nil { configuration[p.name] = p.fallbackValue }
    }
    return spec.space.normalized(configuration)
  }

  /// A domain in words: "a float from 0.0001 to 0.3 (log scale)", "one of …".
  static func describe(_ domain: Domain) -> String {
    switch domain {
    case .float(let r):
      let step = r.step.map { " in steps of \(Wording.number($0))" } ?? ""
      return "a number from \(Wording.number(r.low)) to \(Wording.number(r.high))\(r.log ? " (log scale)" : "")\(step)"
    case .int(let r):
      let step = r.step != 1 ? " in steps of \(r.step)" : ""
      return "an integer from \(r.low) to \(r.high)\(r.log ? " (log scale)" : "")\(step)"
    case .categorical(let choices):
      return Wording.list(choices.map(\.description))
    case .fixed(let v):
      return "only \(v) (fixed in the experiment)"
    }
  }

  /// A metric value with 4 significant decimals.
  static func format(_ v: Double) -> String {
    v.isFinite ? String(format: "%.4f", v) : "\(v)"
  }
}
