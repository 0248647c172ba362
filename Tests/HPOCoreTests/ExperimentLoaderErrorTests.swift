import Testing
@testable import HPOCore

/// The bad-input table: each case is one mistake a user makes, and the whole
/// message they see (file:line:column: error: path: what is wrong; what is accepted).
@Suite struct ExperimentLoaderErrorTests {
  struct ErrorCase: CustomTestStringConvertible, Sendable {
    let id: String
    let document: @Sendable () -> String
    let expected: String
    var testDescription: String { id }

    /// `expected` without its location, which is where `anchor` first occurs in
    /// the document (the document's start when `nil`), as line:column.
    init(_ id: String, _ fixture: @autoclosure @escaping @Sendable () -> ExperimentFixture, at anchor: String?, _ expected: String) {
      self.id = id
      let text = fixture().text
      self.document = { text }
      self.expected = "experiment.json:\(Self.location(of: anchor, in: text)): " + expected
    }

    static func location(of anchor: String?, in text: String) -> String {
      guard let anchor else { return "1:1" }
      // A '^' in the anchor marks the spot; otherwise its first character does.
      let parts = anchor.split(separator: "^", maxSplits: 1, omittingEmptySubsequences: false)
      let plain = parts.joined()
      guard let range = text.range(of: plain) else { return "anchor not found" }
      let spot = text.index(range.lowerBound, offsetBy: parts.count == 2 ? parts[0].count : 0)
      let before = text[..<spot]
      let line = before.filter { $0 == "\n" }.count + 1
      let column = before.count - (before.lastIndex(of: "\n").map { before.distance(from: before.startIndex, to: $0) + 1 } ?? 0) + 1
      return "\(line):\(column)"
    }

    init(_ id: String, text: String, _ expected: String) {
      self.id = id
      self.document = { text }
      self.expected = expected
    }
  }

  static let base = ExperimentFixture()

  static let cases: [ErrorCase] = [
    ErrorCase("malformed JSON", text: "{\n\"name\": \"t\",\n\"data\": {\"path\": \"data.csv\",}\n}",
              "experiment.json:3:29: error: malformed JSON: trailing comma before '}'; remove the last ','"),
    ErrorCase("not an object", text: "[1, 2]",
              "experiment.json:1:1: error: expected an experiment object {\"name\": ..., \"data\": ..., ...}, found an array [1, 2]"),
    ErrorCase("unknown top-level key", base.with("serach", "{}"),
              at: String(#""serach""#), "error: serach: unknown field \"serach\"; did you mean \"search\"? accepted: $schema, name, description, data, model, space, objective, objectives, constraints, search, early_stopping, validation, release, output or resources"),
    ErrorCase("unknown key in data", base.with("data", #"{"path": "data.csv", "task": "classification", "lable": "y"}"#),
              at: String(#""lable""#), "error: data.lable: unknown field \"lable\"; did you mean \"label\"? accepted: path, label, task, split, shards, missing or categorical"),
    ErrorCase("missing required name", base.without("name"),
              at: nil, "error: name: missing required field; accepted: a name of letters, digits, '.', '_' and '-'"),
    ErrorCase("missing task", base.with("data", #"{"path": "data.csv"}"#),
              at: String(#"{"path": "data.csv"}"#), "error: data.task: missing required field; accepted: \"classification\" or \"regression\""),
    ErrorCase("wrong type for trials", base.with("search", #"{"strategy": "random", "trials": "10"}"#),
              at: String(#""10""#), "error: search.trials: expected an integer from 1 to 1000000, found a string \"10\""),
    ErrorCase("fractional trials", base.with("search", #"{"strategy": "random", "trials": 10.5}"#),
              at: String(#"10.5"#), "error: search.trials: 10.5 is not an integer; accepted: an integer from 1 to 1000000"),
    ErrorCase("trials below 1", base.with("search", #"{"strategy": "random", "trials": 0}"#),
              at: String(#""trials": ^0"#), "error: search.trials: 0 is out of range; accepted: an integer from 1 to 1000000"),
    ErrorCase("parallel below 1", base.with("search", #"{"strategy": "random", "trials": 5, "parallel": 0}"#),
              at: String(#""parallel": ^0"#), "error: search.parallel: 0 is out of range; accepted: an integer from 1 to 10000"),
    ErrorCase("unknown strategy", base.with("search", #"{"strategy": "bayes", "trials": 5}"#),
              at: String(#""bayes""#), "error: search.strategy: \"bayes\" is not a search strategy; accepted: \"grid\", \"random\", \"sobol\", \"tpe\", \"gp\" or \"nsga2\""),
    ErrorCase("strategy typo", base.with("search", #"{"strategy": "tpee", "trials": 5}"#),
              at: String(#""tpee""#), "error: search.strategy: \"tpee\" is not a search strategy; did you mean \"tpe\"? accepted: \"grid\", \"random\", \"sobol\", \"tpe\", \"gp\" or \"nsga2\""),
    ErrorCase("unknown model kind", base.with("model", #"{"kind": "cnn", "epochs": 3}"#),
              at: String(#""cnn""#), "error: model.kind: \"cnn\" is not a model kind; accepted: \"ridge\", \"softmax\", \"mlp\", \"function\" or \"command\""),
    ErrorCase("unknown metric", base.with("objective", #"{"metric": "precision"}"#),
              at: String(#""precision""#), "error: objective.metric: \"precision\" is not a metric; accepted: \"accuracy\", \"balanced_accuracy\", \"f1_macro\", \"log_loss\", \"roc_auc\", \"rmse\", \"mae\", \"r2\", \"value\", \"model_bytes\", \"latency_ms\", \"params\" or \"train_seconds\""),
    ErrorCase("metric does not fit the task", base.with("objective", #"{"metric": "rmse"}"#),
              at: String(#""rmse""#), "error: objective.metric: \"rmse\" is a regression metric but data.task is \"classification\"; accepted: \"accuracy\", \"balanced_accuracy\", \"f1_macro\", \"log_loss\" or \"roc_auc\""),
    ErrorCase("direction against the metric", base.with("objective", #"{"metric": "accuracy", "direction": "minimize"}"#),
              at: String(#""minimize""#), "error: objective.direction: \"minimize\" is the wrong way for accuracy, where higher is better; accepted: \"maximize\" or leave \"direction\" out"),
    ErrorCase("unknown scheduler", base.with("early_stopping", #"{"scheduler": "pbt"}"#),
              at: String(#""pbt""#), "error: early_stopping.scheduler: \"pbt\" is not a scheduler; accepted: \"median\", \"asha\", \"hyperband\" or \"bohb\""),
    ErrorCase("data path does not exist", base.with("data", #"{"path": "nope.csv", "task": "classification"}"#),
              at: String(#""nope.csv""#), "error: data.path: \"nope.csv\" does not exist (looked for \(ExperimentFixture.directory.path)/nope.csv); accepted: a file path relative to the experiment file"),
    ErrorCase("split sums to 1", base.with("data", #"{"path": "data.csv", "task": "classification", "split": {"validation": 0.5, "test": 0.5}}"#),
              at: String(#"{"validation": 0.5"#), "error: data.split: validation 0.5 + test 0.5 = 1 leaves no rows to train on; accepted: fractions whose sum is below 1"),
    ErrorCase("split fraction out of range", base.with("data", #"{"path": "data.csv", "task": "classification", "split": {"test": 1.5}}"#),
              at: String(#"1.5"#), "error: data.split.test: 1.5 is out of range; accepted: a number in (0, 1)"),
    ErrorCase("categorical not an array", base.with("data", #"{"path": "data.csv", "task": "classification", "categorical": "colour"}"#),
              at: String(#""colour""#), "error: data.categorical: expected an array of column names [\"colour\", ...], found a string \"colour\""),
    ErrorCase("duplicate categorical column", base.with("data", #"{"path": "data.csv", "task": "classification", "categorical": ["colour", "size", "colour"]}"#),
              at: String(#""colour"]"#), "error: data.categorical[2]: \"colour\" is a duplicate of item 0; accepted: distinct column names"),
    ErrorCase("empty categorical column name", base.with("data", #"{"path": "data.csv", "task": "classification", "categorical": ["colour", " "]}"#),
              at: String(#"" "]"#), "error: data.categorical[1]: \" \" is an empty column name; accepted: the name of a feature column"),
    ErrorCase("categorical name not a string", base.with("data", #"{"path": "data.csv", "task": "classification", "categorical": [3]}"#),
              at: String(#"3]"#), "error: data.categorical[0]: expected a column name (a string), found an integer 3"),
    ErrorCase("low not below high", base.with("space", #"{"learning_rate": {"type": "float", "low": 0.5, "high": 0.1}}"#),
              at: String(#"0.5"#), "error: space.learning_rate.low: low 0.5 is not below high 0.1; accepted: low < high"),
    ErrorCase("log with low 0", base.with("space", #"{"learning_rate": {"type": "float", "low": 0, "high": 0.1, "log": true}}"#),
              at: String(#"0, "high""#), "error: space.learning_rate.low: low 0 on a log scale; accepted: low > 0 with \"log\": true"),
    ErrorCase("step does not divide", base.with("space", #"{"batch_size": {"type": "int", "low": 16, "high": 100, "step": 16}}"#),
              at: String(#"16}"#), "error: space.batch_size.step: 16 does not divide the range 16...100 (84 is not a multiple of 16); accepted: a step that divides high − low"),
    ErrorCase("float step does not divide", base.with("space", #"{"momentum": {"type": "float", "low": 0, "high": 0.9, "step": 0.4}}"#),
              at: String(#"0.4"#), "error: space.momentum.step: 0.4 does not divide the range 0...0.9 (0.9 / 0.4 = 2.25); accepted: a step that divides high − low"),
    ErrorCase("empty choices", base.with("space", #"{"activation": {"type": "categorical", "choices": []}}"#),
              at: String(#"[]"#), "error: space.activation.choices: no choices; accepted: a non-empty array of distinct strings, numbers or booleans"),
    ErrorCase("duplicate choices", base.with("space", #"{"activation": {"type": "categorical", "choices": ["relu", "tanh", "relu"]}}"#),
              at: String(#""relu"]"#), "error: space.activation.choices[2]: \"relu\" is a duplicate of choice 0; accepted: distinct choices"),
    ErrorCase("a choice that messages would carry as a number", base.with("space", #"{"kernel": {"type": "categorical", "choices": ["nan", "linear"]}}"#),
              at: String(#""nan","#), "error: space.kernel.choices[0]: \"nan\" is reserved: messages carry the numbers NaN and ±infinity as the strings \"nan\", \"inf\" and \"-inf\", so it would arrive as a number; accepted: any other string"),
    ErrorCase("unknown parameter type", base.with("space", #"{"learning_rate": {"type": "double", "low": 0.1, "high": 1}}"#),
              at: String(#""double""#), "error: space.learning_rate.type: \"double\" is not a parameter type; accepted: \"float\", \"int\", \"categorical\" or \"fixed\""),
    ErrorCase("unknown key in a parameter", base.with("space", #"{"learning_rate": {"type": "float", "low": 0.1, "high": 1, "lg": true}}"#),
              at: String(#""lg""#), "error: space.learning_rate.lg: unknown field \"lg\"; did you mean \"log\"? accepted: type, low, high, log, step, grid_points, when or default"),
    ErrorCase("when names an unknown parameter", base.with("space", #"{"optimizer": {"type": "categorical", "choices": ["sgd", "adam"]}, "momentum": {"type": "float", "low": 0, "high": 0.9, "when": {"optimiser": "sgd"}}}"#),
              at: String(#""optimiser""#), "error: space.momentum.when.optimiser: \"optimiser\" is not a parameter of the space; did you mean \"optimizer\"? accepted: optimizer"),
    ErrorCase("when with a value the parent never takes", base.with("space", #"{"optimizer": {"type": "categorical", "choices": ["sgd", "adam"]}, "momentum": {"type": "float", "low": 0, "high": 0.9, "when": {"optimizer": "rmsprop"}}}"#),
              at: String(#""rmsprop""#), "error: space.momentum.when.optimizer: \"rmsprop\" is a value optimizer can never take; accepted: \"sgd\" or \"adam\""),
    ErrorCase("cyclic conditions", base.with("space", #"{"optimizer": {"type": "categorical", "choices": ["sgd", "adam"], "when": {"schedule": "cosine"}}, "schedule": {"type": "categorical", "choices": ["constant", "cosine"], "when": {"optimizer": "sgd"}}}"#),
              at: String(#"{"schedule": "cosine"}"#), "error: space.optimizer.when: conditions form a cycle: optimizer → schedule → optimizer; accepted: conditions whose parents do not depend on their children"),
    ErrorCase("parameter the model does not read", base.with("space", #"{"learning_rat": {"type": "float", "low": 0.001, "high": 0.1}}"#),
              at: String(#"{"type": "float", "low": 0.001, "high": 0.1}"#), "error: space.learning_rat: \"learning_rat\" is not a hyperparameter of mlp; did you mean \"learning_rate\"? accepted: activation, batch_size, dropout, hidden_units, init, l2, layers, learning_rate, momentum, optimizer or schedule"),
    ErrorCase("choice the model does not accept", base.with("space", #"{"activation": {"type": "categorical", "choices": ["relu", "sigmoid"]}}"#),
              at: String(#"{"type": "categorical", "choices": ["relu", "sigmoid"]}"#), "error: space.activation: \"sigmoid\" is not accepted for mlp's activation; accepted: \"relu\", \"tanh\" or \"gelu\""),
    ErrorCase("float range for an integer hyperparameter", base.with("space", #"{"layers": {"type": "float", "low": 1, "high": 3}}"#),
              at: String(#"{"type": "float", "low": 1, "high": 3}"#), "error: space.layers: a float range is not accepted for mlp's layers; accepted: an integer from 1 to 4"),
    ErrorCase("epochs missing for an iterative model", base.with("model", #"{"kind": "mlp"}"#),
              at: String(#"{"kind": "mlp"}"#), "error: model.epochs: missing required field for mlp; accepted: an integer from 1 to 100000"),
    ErrorCase("epochs for ridge", base.with("model", #"{"kind": "ridge", "epochs": 5}"#).with("space", #"{"alpha": {"type": "float", "low": 0.01, "high": 10, "log": true}}"#),
              at: String(#"5}"#), "error: model.epochs: ridge trains in closed form and has no epochs; remove \"epochs\""),
    ErrorCase("early stopping on ridge", base.with("model", #"{"kind": "ridge"}"#).with("space", #"{"alpha": {"type": "float", "low": 0.01, "high": 10, "log": true}}"#).with("early_stopping", #"{"scheduler": "asha"}"#),
              at: String(#"{"scheduler": "asha"}"#), "error: early_stopping: ridge trains in closed form and has no epochs to stop early; accepted: early stopping with \"softmax\" or \"mlp\" (or a function or command with epochs), or remove \"early_stopping\""),
    ErrorCase("reduction factor below 2", base.with("early_stopping", #"{"scheduler": "asha", "reduction_factor": 1}"#),
              at: String(#"1}"#), "error: early_stopping.reduction_factor: 1 is out of range; accepted: an integer from 2 to 100"),
    ErrorCase("min_epochs above epochs", base.with("early_stopping", #"{"scheduler": "asha", "min_epochs": 20}"#),
              at: String(#"20}"#), "error: early_stopping.min_epochs: 20 is more than model.epochs 10; accepted: an integer from 1 to 10"),
    ErrorCase("grid over a float without grid points", base.with("search", #"{"strategy": "grid", "trials": 10}"#),
              at: String(#"{"type": "float", "low": 0.001"#), "error: space.learning_rate: grid search needs a finite grid but this float has neither \"grid_points\" nor \"step\"; accepted: add \"grid_points\" (for example 5) or \"step\", or use strategy \"random\", \"sobol\" or \"tpe\""),
    ErrorCase("tpe options with another strategy", base.with("search", #"{"strategy": "random", "trials": 10, "tpe": {"gamma": 0.2}}"#),
              at: String(#"{"gamma": 0.2}"#), "error: search.tpe: TPE options given but search.strategy is \"random\"; accepted: \"tpe\" options only with strategy \"tpe\""),
    ErrorCase("gate without a threshold", base.with("validation", #"{"gates": [{"metric": "accuracy"}]}"#),
              at: String(#"[^{"metric": "accuracy"}"#), "error: validation.gates[0]: a gate needs a bound; accepted: \"min\", \"max\" or both"),
    ErrorCase("gate above the metric's range", base.with("validation", #"{"gates": [{"metric": "accuracy", "min": 1.01}]}"#),
              at: String(#"[^{"metric": "accuracy", "min": 1.01}"#), "error: validation.gates[0]: min 1.01 is above the largest accuracy, 1; no model can pass; accepted: thresholds within accuracy's range [0, 1]"),
    ErrorCase("seed stability without a bound", base.with("validation", #"{"seed_stability": {"seeds": 3}}"#),
              at: String(#"{"seeds": 3}"#), "error: validation.seed_stability.max_spread: missing required field; accepted: a number ≥ 0: the largest allowed max − min of the test metric over the seeds"),
    ErrorCase("drift ks above 1", base.with("validation", #"{"drift": {"ks_max": 1.5}}"#),
              at: String(#"1.5}"#), "error: validation.drift.ks_max: 1.5 is out of range; accepted: a number in (0, 1]"),
    ErrorCase("drift alpha above 0.5", base.with("validation", #"{"drift": {"alpha": 0.7}}"#),
              at: String(#"0.7}"#), "error: validation.drift.alpha: 0.7 is out of range; accepted: a false-alarm rate in (0, 0.5], e.g. 0.05 or 0.01"),
    ErrorCase("drift alpha of 0", base.with("validation", #"{"drift": {"alpha": 0}}"#),
              at: String(#""alpha": ^0}"#), "error: validation.drift.alpha: 0 is out of range; accepted: a false-alarm rate in (0, 0.5], e.g. 0.05 or 0.01"),
    ErrorCase("drift negative min_effect", base.with("validation", #"{"drift": {"min_effect": -0.1}}"#),
              at: String(#"-0.1}"#), "error: validation.drift.min_effect: -0.1 is out of range; accepted: an effect size from 0 to 1 (KS or total-variation distance), e.g. 0.05"),
    ErrorCase("output range without a bound", base.with("validation", #"{"output_range": {}}"#),
              at: String(#"{}}"#), "error: validation.output_range: an output range needs a bound; accepted: \"min\", \"max\" or both"),
    ErrorCase("output range upside down", base.with("validation", #"{"output_range": {"min": 5, "max": 1}}"#),
              at: String(#"{"min": 5"#), "error: validation.output_range: min 5 is above max 1; accepted: min ≤ max"),
    ErrorCase("new data missing", base.with("validation", #"{"new_data": "nowhere.csv"}"#),
              at: String(#""nowhere.csv""#), "error: validation.new_data: \"nowhere.csv\" does not exist (looked for \(ExperimentFixture.directory.appendingPathComponent("nowhere.csv").path)); accepted: a file path relative to the experiment file"),
    ErrorCase("stress as a string", base.with("validation", #"{"stress": "off"}"#),
              at: String(#""off""#), "error: validation.stress: expected true or false, found a string \"off\""),
    ErrorCase("invalid name", base.with("name", #""my experiment""#),
              at: String(#""my experiment""#), "error: name: \"my experiment\" is not a valid name; accepted: 1 to 100 letters, digits, '.', '_' and '-', not starting with '.'"),
    // Several objectives and constraints (issue 21).
    ErrorCase("the same metric twice in objectives", base.without("objective").with("objectives", #"[{"metric": "accuracy"}, {"metric": "accuracy", "direction": "maximize"}]"#),
              at: String(#"{"metric": ^"accuracy", "direction""#), "error: objectives[1].metric: \"accuracy\" is already an objective; accepted: each metric at most once"),
    ErrorCase("objective and objectives both", base.with("objectives", #"[{"metric": "accuracy"}, {"metric": "log_loss"}]"#),
              at: String(#"[{"metric": "accuracy"}, {"#), "error: objectives: both \"objective\" and \"objectives\" are present; accepted: one of them (\"objectives\" for several)"),
    ErrorCase("five objectives", base.without("objective").with("objectives", #"[{"metric": "accuracy"}, {"metric": "log_loss"}, {"metric": "f1_macro"}, {"metric": "roc_auc"}, {"metric": "params"}]"#),
              at: String(#"[{"metric": "accuracy"}, {"#), "error: objectives: 5 objectives; accepted: an array of 1 to 4 objectives [{\"metric\": ..., \"direction\": ...}]"),
    ErrorCase("an unknown metric in objectives", base.without("objective").with("objectives", #"[{"metric": "accuracy"}, {"metric": "latency"}]"#),
              at: String(#""latency""#), "error: objectives[1].metric: \"latency\" is not a metric; accepted: \"accuracy\", \"balanced_accuracy\", \"f1_macro\", \"log_loss\", \"roc_auc\", \"rmse\", \"mae\", \"r2\", \"value\", \"model_bytes\", \"latency_ms\", \"params\" or \"train_seconds\""),
    ErrorCase("a constraint without a bound", base.with("constraints", #"[{"metric": "model_bytes"}]"#),
              at: String(#"{"metric": "model_bytes"}"#), "error: constraints[0]: a constraint needs a bound; accepted: \"min\", \"max\" or both"),
    ErrorCase("release.pick by a metric that is neither objective nor constraint", base.with("release", #"{"pick": {"maximize": "f1_macro"}}"#),
              at: String(#"{"maximize""#), "error: release.pick: \"f1_macro\" is neither an objective nor a constraint; accepted: \"accuracy\""),
    ErrorCase("release.pick the wrong way", base.with("release", #"{"pick": {"minimize": "accuracy"}}"#),
              at: String(#""accuracy"}}"#), "error: release.pick.minimize: accuracy is better higher, so \"minimize\" picks the worst trial; accepted: {\"maximize\": \"accuracy\"}"),
    ErrorCase("gp with several objectives", base.without("objective").with("objectives", #"[{"metric": "accuracy"}, {"metric": "log_loss"}]"#).with("search", #"{"strategy": "gp", "trials": 10}"#),
              at: String(#""gp""#), "error: search.strategy: gp models one objective and this experiment has 2 (\"accuracy\", \"log_loss\"); accepted: \"tpe\" (multi-objective TPE), \"nsga2\", \"random\", \"sobol\" or \"grid\""),
    ErrorCase("the median rule with several objectives", base.without("objective").with("objectives", #"[{"metric": "accuracy"}, {"metric": "log_loss"}]"#).with("early_stopping", #"{"scheduler": "median"}"#),
              at: String(#""median""#), "error: early_stopping.scheduler: \"median\" cannot stop trials with several objectives: the median rule compares one value per epoch; accepted: \"asha\" or \"hyperband\" (they promote by Pareto front), or no early stopping"),
    ErrorCase("a timing objective in a reproducible search", base.without("objective").with("objectives", #"[{"metric": "accuracy"}, {"metric": "train_seconds"}]"#).with("search", #"{"strategy": "random", "trials": 10, "reproducible": true}"#),
              at: String(#"[{"metric": "accuracy"}, {"#), "error: objectives[1].metric: \"train_seconds\" changes from run to run and search.reproducible is true; accepted: a metric that depends only on the configuration and seed, or \"reproducible\": false"),
    ErrorCase("a weighted pick over a metric that is no objective", base.with("release", #"{"pick": {"weighted": {"accuracy": 1, "log_loss": -1}}}"#),
              at: String(#"{"weighted""#), "error: release.pick: \"log_loss\" is neither an objective nor a constraint; accepted: \"accuracy\""),
    ErrorCase("an unknown metric in a weighted pick", base.with("release", #"{"pick": {"weighted": {"speed": 1}}}"#),
              at: "1}}}", "error: release.pick.weighted.speed: \"speed\" is not a metric; accepted: \"accuracy\", \"balanced_accuracy\", \"f1_macro\", \"log_loss\", \"roc_auc\", \"rmse\", \"mae\", \"r2\", \"value\", \"model_bytes\", \"latency_ms\", \"params\" or \"train_seconds\""),
    ErrorCase("a weighted pick and a minimize", base.with("release", #"{"pick": {"weighted": {"accuracy": 1}, "minimize": "log_loss"}}"#),
              at: String(#"{"weighted""#), "error: release.pick: more than one rule to pick by; accepted: {\"maximize\": METRIC}, {\"minimize\": METRIC} or {\"weighted\": {METRIC: WEIGHT, ...}}, with an optional \"subject_to\": [bounds]"),
    ErrorCase("NSGA-II options with another strategy", base.with("search", #"{"strategy": "random", "trials": 10, "nsga2": {"population_size": 20}}"#),
              at: String(#"{"population_size": 20}"#), "error: search.nsga2: NSGA-II options given but search.strategy is \"random\"; accepted: \"nsga2\" options only with strategy \"nsga2\""),
    ErrorCase("an NSGA-II population of 1", base.with("search", #"{"strategy": "nsga2", "trials": 10, "nsga2": {"population_size": 1}}"#),
              at: "1}}", "error: search.nsga2.population_size: 1 is out of range; accepted: an integer from 2 to 10000"),
    ErrorCase("an unknown NSGA-II crossover", base.with("search", #"{"strategy": "nsga2", "trials": 10, "nsga2": {"crossover": "blx"}}"#),
              at: String(#""blx""#), "error: search.nsga2.crossover: \"blx\" is not a crossover; accepted: \"uniform\" or \"sbx\""),
    ErrorCase("an NSGA-II mutation probability above 1", base.with("search", #"{"strategy": "nsga2", "trials": 10, "nsga2": {"mutation_probability": 1.5}}"#),
              at: "1.5", "error: search.nsga2.mutation_probability: 1.5 is out of range; accepted: a number from 0 to 1"),
    ErrorCase("a gang for a command", base.with("model", #"{"kind": "command", "train": ["python3", "train.py"], "workdir": "."}"#).with("resources", #"{"workers_per_trial": 2}"#),
              at: #""workers_per_trial": ^2"#, "error: resources.workers_per_trial: model kind command cannot be trained by a gang of workers (its own program decides how it trains); accepted: 1, or model kind \"ridge\", \"softmax\", \"mlp\" or \"function\" (gangs of 2 to 256)"),
    ErrorCase("a gang larger than the training shards", base.with("model", #"{"kind": "ridge"}"#).with("space", #"{"alpha": 1.0}"#).with("resources", #"{"workers_per_trial": 2}"#),
              at: #""workers_per_trial": ^2"#, "error: resources.workers_per_trial: a gang of 2 workers needs at least 2 training shards, one or more for each member; data.shards is 1; accepted: workers_per_trial from 1 to 1, or data.shards of 2 or more"),
    ErrorCase("a gang larger than the batch", base.with("space", #"{"batch_size": 2}"#).with("data", #"{"path": "data.csv", "task": "classification", "shards": 4}"#).with("resources", #"{"workers_per_trial": 3}"#),
              at: #""workers_per_trial": ^3"#, "error: resources.workers_per_trial: a gang of 3 workers splits each batch between its members, but batch_size is 2; accepted: workers_per_trial from 1 to 2, or a batch_size of 3 or more"),
    ErrorCase("a gang of no workers", base.with("resources", #"{"workers_per_trial": 0}"#),
              at: #""workers_per_trial": ^0"#, "error: resources.workers_per_trial: 0 is out of range; accepted: an integer from 1 to 256"),
  ]

  @Test(arguments: cases)
  func load_rejectsWithWholeMessage(_ c: ErrorCase) {
    do {
      let loaded = try ExperimentLoader.load(bytes: Array(c.document().utf8), file: "experiment.json", baseDirectory: ExperimentFixture.directory)
      Issue.record("accepted: \(loaded.spec.name)")
    } catch {
      #expect(error.rendered == c.expected)
    }
  }

  @Test func load_reportsEveryErrorNotOnlyTheFirst() {
    let fixture = Self.base
      .with("search", #"{"strategy": "random", "trials": 0, "parallel": 0}"#)
      .with("model", #"{"kind": "cnn", "epochs": 3}"#)
    do {
      _ = try fixture.load()
      Issue.record("accepted")
    } catch {
      #expect(error.errors.map(\.path) == ["model.kind", "search.trials", "search.parallel"])
    }
  }

  /// The thresholds the drift tests replaced still load, with a warning naming what replaced them.
  @Test func load_acceptsTheReplacedDriftThresholdsWithAWarning() throws {
    let loaded = try Self.base.with("validation", #"{"drift": {"psi_max": 0.2, "ks_max": 0.1, "alpha": 0.01}}"#).load()
    #expect(loaded.spec.validation?.drift == DriftSpec(alpha: 0.01, psiMax: 0.2, ksMax: 0.1))
    #expect(loaded.warnings.map(\.path) == ["validation.drift.psi_max", "validation.drift.ks_max"])
    #expect(loaded.warnings.first?.message.contains("no longer decides anything (accepted until the next release)") == true)
    #expect(loaded.warnings.first?.message.contains("Holm-corrected p-value is under \"alpha\" (default 0.05)") == true)
    let plain = try Self.base.with("validation", #"{"drift": {"min_effect": 0.1, "require_power": true}}"#).load()
    #expect(plain.warnings.isEmpty && plain.spec.validation?.drift == DriftSpec(minEffect: 0.1, requirePower: true))
  }

  @Test func load_missingFile() {
    do {
      _ = try ExperimentLoader.load(path: "/nonexistent/experiment.json")
      Issue.record("accepted")
    } catch {
      #expect(error.rendered == "/nonexistent/experiment.json: error: no such file; give the path of an experiment JSON file")
    }
  }
}

/// The `function` model kind: no data, metric `value`, a named function.
@Suite struct FunctionModelTests {
  static let function = ExperimentFixture().without("data")
    .with("model", #"{"kind": "function", "function": "branin"}"#)
    .with("space", #"{"x1": {"type": "float", "low": -5, "high": 10}, "x2": {"type": "float", "low": 0, "high": 15}}"#)
    .with("objective", #"{"metric": "value"}"#)

  @Test func function_needsNoDataAndAcceptsAnyParameterName() throws {
    let spec = try Self.function.load().spec
    #expect(spec.data == nil)
    #expect(spec.model.function == .branin)
    #expect(spec.objective.direction == .minimize)
  }

  @Test func function_rejectsAnotherMetricAndData() {
    do {
      _ = try Self.function.with("objective", #"{"metric": "accuracy"}"#).with("data", #"{"path": "data.csv", "task": "classification"}"#).load()
      Issue.record("accepted")
    } catch {
      #expect(error.errors.map(\.description) == [
        "objective.metric: a function model reports only its value; accepted: \"value\"",
        "data: a function model trains on no data; accepted: no \"data\" with model kind \"function\"",
      ])
    }
  }

  @Test func function_needsItsName() {
    do {
      _ = try Self.function.with("model", #"{"kind": "function", "function": "himmelblau"}"#).load()
      Issue.record("accepted")
    } catch {
      #expect(error.errors.map(\.description) == [
        "model.function: \"himmelblau\" is not a built-in function; accepted: \"branin\", \"rosenbrock\", \"sphere\" or \"sleep\"",
      ])
    }
  }
}

/// Early-stopping rules that relate the scheduler to the search.
@Suite struct EarlyStoppingValidationTests {
  @Test func bohb_needsTPE() {
    do {
      _ = try ExperimentFixture().with("early_stopping", #"{"scheduler": "bohb"}"#).load()
      Issue.record("accepted")
    } catch {
      #expect(error.errors.map(\.description) == [
        "early_stopping.scheduler: \"bohb\" trains TPE on the rungs' results and needs search.strategy \"tpe\", not \"random\"; accepted: strategy \"tpe\" with \"bohb\", or scheduler \"hyperband\"",
      ])
    }
  }
}
