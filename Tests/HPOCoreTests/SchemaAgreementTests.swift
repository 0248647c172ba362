import Foundation
import Testing
@testable import HPOCore

/// Pins the agreement between `Experiments/experiment.schema.json` (what editors
/// check) and the Swift validator (``ExperimentLoader``, the authority).
///
/// One table of documents is run through both: Swift in-process, the schema
/// through Python's `jsonschema` (Draft 2020-12) in a single `python3` run for
/// the whole table plus every example in `Experiments/`. Where the schema can
/// express a rule both must agree; the documented gaps (listed in the schema's
/// top-level `$comment`) are pinned as "schema accepts, Swift rejects" or
/// "schema rejects, Swift accepts", so that closing or widening one shows up here.
///
/// Requires `python3` with `jsonschema` (the venv `Cluster/bootstrap --test` makes in .build/test-venv, first on PATH under `Cluster/test`);
/// without them these tests fail, they are never skipped.
@Suite struct SchemaAgreementTests {

  // MARK: The table

  /// What each validator should say about a document.
  enum Expectation: Sendable, Equatable {
    /// Both accept.
    case accept
    /// Both reject; Swift reports an error at (or under) `at`, and so does the schema.
    case reject(at: String)
    /// Documented gap: only the Swift validator can catch it (schema accepts, Swift rejects at `at`).
    case swiftOnly(at: String)
    /// Documented gap: the schema is stricter than Swift (schema rejects, Swift accepts).
    case schemaOnly
  }

  struct Case: Sendable, CustomTestStringConvertible {
    let id: String
    let expect: Expectation
    let json: String

    init(_ id: String, _ expect: Expectation, _ json: String) {
      self.id = id
      self.expect = expect
      self.json = json
    }

    var testDescription: String { id }
  }

  /// Builds a document from a small valid base (mlp, classification, random
  /// search): `changes` replace base members in place (or, with `nil`, remove
  /// them); new keys are appended. Values are raw JSON text.
  static func experiment(_ changes: KeyValuePairs<String, String?> = [:]) -> String {
    experiment(changing: changes.map { ($0.key, $0.value) })
  }

  static func experiment(changing changes: [(String, String?)]) -> String {
    var members: [(String, String?)] = [
      ("name", #""exp""#),
      ("data", #"{"path": "data.csv", "task": "classification"}"#),
      ("model", #"{"kind": "mlp", "epochs": 10}"#),
      ("space", #"{"learning_rate": {"type": "float", "low": 0.001, "high": 0.1, "log": true}}"#),
      ("objective", #"{"metric": "accuracy"}"#),
      ("search", #"{"strategy": "random", "trials": 10}"#),
    ]
    for (key, value) in changes {
      if let i = members.firstIndex(where: { $0.0 == key }) {
        members[i].1 = value
      } else {
        members.append((key, value))
      }
    }
    let lines = members.compactMap { key, value in value.map { "  \"\(key)\": \($0)" } }
    return "{\n" + lines.joined(separator: ",\n") + "\n}\n"
  }

  /// A command experiment without data (its workdir "." is the folder the table's documents are read from).
  static func command(_ changes: KeyValuePairs<String, String?> = [:]) -> String {
    var merged: [(String, String?)] = [
      ("data", nil), ("model", commandModel),
      ("space", #"{"max_depth": {"type": "int", "low": 2, "high": 8}}"#), ("objective", #"{"metric": "value"}"#),
    ]
    for (key, value) in changes {
      if let i = merged.firstIndex(where: { $0.0 == key }) { merged[i].1 = value } else { merged.append((key, value)) }
    }
    return experiment(changing: merged)
  }

  static func commandModel(_ extra: String) -> String { #"{"kind": "command", "train": ["python3", "train.py"], "workdir": ".", "# + extra + "}" }
  static let commandModel = #"{"kind": "command", "train": ["python3", "train.py"], "workdir": "."}"#

  static let ridgeModel = #"{"kind": "ridge"}"#
  static let ridgeSpace = #"{"alpha": {"type": "float", "low": 0.01, "high": 10, "log": true}}"#
  static let optimizerAndMomentum = #""optimizer": {"type": "categorical", "choices": ["sgd", "adam"]}"#

  static let good: [Case] = [
    Case("minimal", .accept, experiment()),
    // A whole float is the integer it equals (a message carries 64.0 as 64).
    Case("integer hyperparameter written 64.0", .accept, experiment(["space": #"{"batch_size": 64.0}"#])),
    Case("every section and option", .accept, experiment([
      "name": #""full-example_1.0""#,
      "description": #""""#,
      "data": #"{"path": "data.csv", "label": "label", "task": "classification", "split": {"validation": 0.1, "test": 0.3, "seed": 9223372036854775807}, "shards": 4096, "missing": "median"}"#,
      "model": #"{"kind": "mlp", "epochs": 100000, "precision": "float64"}"#,
      "space": #"""
        {"learning_rate": {"type": "float", "low": 1e-4, "high": 0.3, "log": true},
         "l2": {"type": "float", "low": 0, "high": 0.01},
         "optimizer": {"type": "categorical", "choices": ["sgd", "adam"], "default": "adam"},
         "momentum": {"type": "float", "low": 0.0, "high": 0.99, "when": {"optimizer": "sgd"}},
         "batch_size": {"type": "categorical", "choices": [32, 64]},
         "schedule": {"type": "fixed", "value": "cosine"},
         "hidden_units": {"type": "int", "low": 16, "high": 256, "step": 16, "default": 64},
         "layers": {"type": "int", "low": 1, "high": 4, "log": true, "grid_points": 3},
         "activation": "gelu",
         "dropout": {"type": "float", "low": 0, "high": 0.5, "step": 0.1, "default": 0.2},
         "init": {"type": "categorical", "choices": ["he", "xavier"], "when": {"activation": ["gelu"]}}}
        """#,
      "objective": #"{"metric": "log_loss", "direction": "minimize"}"#,
      "search": #"{"strategy": "tpe", "trials": 1000000, "parallel": 10000, "seed": 0, "reproducible": true, "tpe": {"startup_trials": 5, "candidates": 100000, "multivariate": false, "constant_liar": false, "gamma": 1}}"#,
      "early_stopping": #"{"scheduler": "median", "min_epochs": 100000, "reduction_factor": 100, "warmup_epochs": 99999, "min_trials": 1}"#,
      "validation": #"{"gates": [{"metric": "accuracy", "min": 0.9}, {"metric": "log_loss", "max": 0.5}, {"metric": "roc_auc", "min": 0.8, "max": 1}], "max_gap": 0, "champion": "registry/x", "champion_tolerance": 0.01, "min_improvement": 0, "refit": true, "stress": false, "seed_stability": {"seeds": 20, "max_spread": 0}, "new_data": "data.csv", "drift": {"psi_max": 0.5, "ks_max": 1}}"#,
      "output": #"{"dir": "out", "keep_top": 0}"#,
    ])),
    Case("ridge regression", .accept, experiment([
      "data": #"{"path": "data.csv", "task": "regression", "missing": "drop"}"#,
      "model": ridgeModel, "space": ridgeSpace,
      "objective": #"{"metric": "rmse", "direction": "minimize"}"#,
      "validation": #"{"gates": [{"metric": "r2", "min": 0.5}, {"metric": "mae", "max": 3}]}"#,
    ])),
    Case("ridge as a classifier with categorical alpha, sobol", .accept, experiment([
      "model": #"{"kind": "ridge", "precision": "float32"}"#,
      "space": #"{"alpha": {"type": "categorical", "choices": [0, 0.1, 1]}}"#,
      "search": #"{"strategy": "sobol", "trials": 3}"#,
    ])),
    Case("softmax with lbfgs and a fixed schedule", .accept, experiment([
      "model": #"{"kind": "softmax", "epochs": 50}"#,
      "space": #"{"optimizer": {"type": "categorical", "choices": ["sgd", "adam", "lbfgs"]}, "schedule": {"type": "fixed", "value": "step"}, "learning_rate": 0.01}"#,
      "objective": #"{"metric": "f1_macro", "direction": "maximize"}"#,
    ])),
    Case("bare scalars as fixed values", .accept, experiment([
      "space": #"{"batch_size": 64, "activation": "relu", "learning_rate": 0.05, "l2": 0, "dropout": 0.5}"#,
    ])),
    Case("conditions with one value and a list", .accept, experiment([
      "space": "{\(optimizerAndMomentum), " + #""momentum": {"type": "float", "low": 0, "high": 0.9, "when": {"optimizer": "sgd"}}, "learning_rate": {"type": "float", "low": 0.001, "high": 0.1, "when": {"optimizer": ["sgd", "adam"]}}, "schedule": {"type": "fixed", "value": "constant", "when": {"optimizer": "adam"}}}"#,
    ])),
    Case("grid over stepped and gridded floats, ints and choices", .accept, experiment([
      "space": #"{"learning_rate": {"type": "float", "low": 0.01, "high": 0.1, "log": true, "grid_points": 4}, "dropout": {"type": "float", "low": 0.0, "high": 0.5, "step": 0.1}, "layers": {"type": "int", "low": 1, "high": 3}, "activation": {"type": "categorical", "choices": ["relu", "tanh"]}}"#,
      "search": #"{"strategy": "grid", "trials": 144}"#,
    ])),
    Case("gp over a small space", .accept, experiment([
      "space": #"{"learning_rate": {"type": "float", "low": 0.001, "high": 0.1, "log": true}, "hidden_units": {"type": "int", "low": 8, "high": 128, "log": true}, "activation": {"type": "categorical", "choices": ["relu", "tanh", "gelu"]}}"#,
      "search": #"{"strategy": "gp", "trials": 30, "parallel": 2}"#,
    ])),
    Case("name of 100 characters", .accept, experiment(["name": "\"\(String(repeating: "a", count: 99))9\""])),
    Case("name with dots, dashes and underscores", .accept, experiment(["name": #""_a.b-c_9""#])),
    Case("hyperband with min_epochs equal to epochs", .accept, experiment([
      "early_stopping": #"{"scheduler": "hyperband", "min_epochs": 10, "reduction_factor": 2}"#,
    ])),
    Case("median with warmup just below epochs", .accept, experiment([
      "early_stopping": #"{"scheduler": "median", "warmup_epochs": 9, "min_trials": 3}"#,
    ])),
    Case("mlp regression with r2", .accept, experiment([
      "data": #"{"path": "data.csv", "task": "regression", "split": {"validation": 0.49, "test": 0.5}}"#,
      "objective": #"{"metric": "r2", "direction": "maximize"}"#,
      "early_stopping": #"{"scheduler": "hyperband"}"#,
    ])),
    Case("empty gate list and no champion", .accept, experiment([
      "validation": #"{"gates": [], "refit": false, "champion_tolerance": 0.5}"#,
    ])),
    Case("absolute data path", .accept, experiment([
      "data": "{\"path\": \(jsonQuoted(dataFile.path)), \"task\": \"classification\"}",
    ])),
    Case("tpe without options and parallel above trials (a warning only)", .accept, experiment([
      "search": #"{"strategy": "tpe", "trials": 2, "parallel": 8}"#,
    ])),
    Case("model rules met in every parameter form", .accept, experiment([
      "space": #"{"learning_rate": {"type": "categorical", "choices": [0.01, 1]}, "l2": {"type": "fixed", "value": 0}, "momentum": {"type": "categorical", "choices": [0, 0.5, 0.9]}, "dropout": 0, "layers": {"type": "fixed", "value": 4}, "hidden_units": {"type": "categorical", "choices": [1, 1000000]}, "batch_size": {"type": "int", "low": 1, "high": 4096, "log": true}, "optimizer": "sgd", "activation": {"type": "fixed", "value": "tanh"}, "init": {"type": "categorical", "choices": ["xavier"]}, "schedule": {"type": "categorical", "choices": ["constant", "cosine", "step"]}}"#,
    ])),
    Case("function model without data, any parameter names", .accept, experiment([
      "data": nil, "model": #"{"kind": "function", "function": "branin"}"#,
      "space": #"{"x1": {"type": "float", "low": -5, "high": 10}, "x2": {"type": "float", "low": 0, "high": 15}}"#,
      "objective": #"{"metric": "value"}"#,
    ])),
    Case("function model with epochs, early stopping and direction maximize", .accept, experiment([
      "data": nil, "model": #"{"kind": "function", "function": "sleep", "epochs": 5}"#,
      "space": #"{"seconds": 0.01, "value": {"type": "float", "low": 0, "high": 1}}"#,
      "objective": #"{"metric": "value", "direction": "maximize"}"#,
      "early_stopping": #"{"scheduler": "asha", "min_epochs": 1}"#,
    ])),
    Case("int parameter with step, default and grid points", .accept, experiment([
      "space": #"{"hidden_units": {"type": "int", "low": 10, "high": 100, "step": 10, "default": 50, "grid_points": 4}, "batch_size": {"type": "fixed", "value": 32}}"#,
    ])),
    Case("categorical columns", .accept, experiment([
      "data": #"{"path": "data.csv", "task": "classification", "categorical": ["colour", "size"]}"#,
    ])),
    Case("command model without data, every field", .accept, command([
      "model": commandModel(#""evaluate": ["python3", "evaluate.py"], "predict": ["./predict.sh", "--out", "x y"], "env": {"OMP_NUM_THREADS": "1", "EMPTY": ""}, "timeout": "1.5h", "epochs": 20"#),
      "space": #"{"max_depth": {"type": "int", "low": 2, "high": 8}, "anything": {"type": "categorical", "choices": ["a", "b"]}}"#,
      "objective": #"{"metric": "accuracy", "direction": "maximize"}"#,
      "early_stopping": #"{"scheduler": "asha", "min_epochs": 2}"#,
      "validation": #"{"gates": [{"metric": "value", "max": 1}, {"metric": "accuracy", "min": 0.5}], "champion": "registry/x", "max_gap": 0.1, "stress": false, "refit": false}"#,
    ])),
    Case("command model with data and a timeout in seconds", .accept, command([
      "data": #"{"path": "data.csv", "task": "classification"}"#,
      "model": commandModel(#""evaluate": ["e"], "timeout": 90"#),
      "objective": #"{"metric": "log_loss"}"#,
      "validation": #"{"gates": [{"metric": "accuracy", "min": 0.5}], "new_data": "data.csv", "drift": {"alpha": 0.01}}"#,
    ])),
    Case("command model maximising its value, durations in s and m", .accept, command([
      "model": commandModel(#""timeout": "90s", "env": {}"#), "objective": #"{"metric": "value", "direction": "maximize"}"#,
    ])),
    Case("command model taking 4 slots per trial", .accept, command(["resources": #"{"slots_per_trial": 4}"#])),
    Case("built-in model with one slot per trial, written out", .accept, experiment(["resources": #"{"slots_per_trial": 1}"#])),
    Case("empty resources", .accept, experiment(["resources": "{}"])),
    Case("function model trained by a gang of 3 workers", .accept, experiment([
      "data": nil, "model": #"{"kind": "function", "function": "sleep", "epochs": 2}"#,
      "space": #"{"seconds": 0.01, "value": {"type": "float", "low": 0, "high": 1}}"#,
      "objective": #"{"metric": "value"}"#, "resources": #"{"workers_per_trial": 3}"#,
    ])),
    Case("ridge trained by a gang of 2 workers on 4 shards", .accept, experiment([
      "data": #"{"path": "data.csv", "task": "regression", "shards": 4}"#, "model": #"{"kind": "ridge"}"#,
      "space": #"{"alpha": {"type": "float", "low": 0.01, "high": 10, "log": true}}"#, "objective": #"{"metric": "rmse"}"#,
      "resources": #"{"workers_per_trial": 2}"#,
    ])),
    Case("built-in model with one worker per trial, written out", .accept, experiment(["resources": #"{"workers_per_trial": 1}"#])),
  ]

  static let bad: [Case] = [
    // Document and name.
    Case("not an object", .reject(at: ""), "[]"),
    Case("missing name", .reject(at: "name"), experiment(["name": nil])),
    Case("missing space", .reject(at: "space"), experiment(["space": nil])),
    Case("unknown top-level key", .reject(at: "trails"), experiment(["trails": "10"])),
    Case("$schema key (editors link the schema with it; hpo ignores it)", .accept,
         experiment(["$schema": #""./experiment.schema.json""#])),
    Case("name with a space", .reject(at: "name"), experiment(["name": #""my exp""#])),
    Case("name starting with a dot", .reject(at: "name"), experiment(["name": #"".hidden""#])),
    Case("name of 101 characters", .reject(at: "name"), experiment(["name": "\"\(String(repeating: "a", count: 101))\""])),
    Case("name with a trailing newline", .reject(at: "name"), experiment(["name": #""exp\n""#])),
    Case("name with a non-ASCII letter", .reject(at: "name"), experiment(["name": #""expérience""#])),
    Case("empty name", .reject(at: "name"), experiment(["name": #""""#])),
    Case("description not a string", .reject(at: "description"), experiment(["description": "5"])),
    // data
    Case("unknown task", .reject(at: "data.task"), experiment(["data": #"{"path": "data.csv", "task": "clustering"}"#])),
    Case("missing data path", .reject(at: "data.path"), experiment(["data": #"{"task": "classification"}"#])),
    Case("zero shards", .reject(at: "data.shards"), experiment(["data": #"{"path": "data.csv", "task": "classification", "shards": 0}"#])),
    Case("4097 shards", .reject(at: "data.shards"), experiment(["data": #"{"path": "data.csv", "task": "classification", "shards": 4097}"#])),
    Case("unknown missing policy", .reject(at: "data.missing"), experiment(["data": #"{"path": "data.csv", "task": "classification", "missing": "zero"}"#])),
    Case("validation fraction of 1", .reject(at: "data.split.validation"), experiment(["data": #"{"path": "data.csv", "task": "classification", "split": {"validation": 1.0}}"#])),
    Case("test fraction of 0", .reject(at: "data.split.test"), experiment(["data": #"{"path": "data.csv", "task": "classification", "split": {"test": 0}}"#])),
    Case("unknown split key", .reject(at: "data.split.train"), experiment(["data": #"{"path": "data.csv", "task": "classification", "split": {"train": 0.6}}"#])),
    Case("seed beyond Int64", .reject(at: "data.split.seed"), experiment(["data": #"{"path": "data.csv", "task": "classification", "split": {"seed": 9223372036854775808}}"#])),
    Case("blank label", .reject(at: "data.label"), experiment(["data": #"{"path": "data.csv", "task": "classification", "label": " "}"#])),
    Case("duplicate categorical column", .reject(at: "data.categorical"), experiment(["data": #"{"path": "data.csv", "task": "classification", "categorical": ["colour", "size", "colour"]}"#])),
    Case("empty categorical column name", .reject(at: "data.categorical[0]"), experiment(["data": #"{"path": "data.csv", "task": "classification", "categorical": [""]}"#])),
    // model
    Case("unknown model kind", .reject(at: "model.kind"), experiment(["model": #"{"kind": "cnn", "epochs": 10}"#])),
    Case("mlp without epochs", .reject(at: "model.epochs"), experiment(["model": #"{"kind": "mlp"}"#])),
    Case("ridge with epochs", .reject(at: "model.epochs"), experiment(["model": #"{"kind": "ridge", "epochs": 5}"#, "space": ridgeSpace])),
    Case("zero epochs", .reject(at: "model.epochs"), experiment(["model": #"{"kind": "mlp", "epochs": 0}"#])),
    Case("unknown precision", .reject(at: "model.precision"), experiment(["model": #"{"kind": "mlp", "epochs": 10, "precision": "float16"}"#])),
    Case("checkpoints only at the end", .accept, experiment(["model": #"{"kind": "mlp", "epochs": 10, "checkpoint_every": 0}"#])),
    Case("checkpoints every 5 epochs", .accept, experiment(["model": #"{"kind": "softmax", "epochs": 10, "checkpoint_every": 5}"#])),
    Case("negative checkpoint cadence", .reject(at: "model.checkpoint_every"), experiment(["model": #"{"kind": "mlp", "epochs": 10, "checkpoint_every": -1}"#])),
    Case("fractional checkpoint cadence", .reject(at: "model.checkpoint_every"), experiment(["model": #"{"kind": "mlp", "epochs": 10, "checkpoint_every": 1.5}"#])),
    Case("ridge with a checkpoint cadence", .reject(at: "model.checkpoint_every"), experiment(["model": #"{"kind": "ridge", "checkpoint_every": 1}"#, "space": ridgeSpace])),
    Case("command with a checkpoint cadence", .reject(at: "model.checkpoint_every"), experiment(["data": nil, "objective": #"{"metric": "value"}"#, "model": commandModel(#""checkpoint_every": 2"#), "space": #"{"x": {"type": "float", "low": 0, "high": 1}}"#])),
    // objective
    Case("regression metric on a classification task", .reject(at: "objective.metric"), experiment(["objective": #"{"metric": "rmse"}"#])),
    Case("classification metric on a regression task", .reject(at: "objective.metric"), experiment([
      "data": #"{"path": "data.csv", "task": "regression"}"#, "objective": #"{"metric": "roc_auc"}"#])),
    Case("wrong direction for the metric", .reject(at: "objective.direction"), experiment(["objective": #"{"metric": "accuracy", "direction": "minimize"}"#])),
    Case("unknown metric", .reject(at: "objective.metric"), experiment(["objective": #"{"metric": "precision"}"#])),
    // search
    Case("zero trials", .reject(at: "search.trials"), experiment(["search": #"{"strategy": "random", "trials": 0}"#])),
    Case("trials as a string", .reject(at: "search.trials"), experiment(["search": #"{"strategy": "random", "trials": "10"}"#])),
    Case("unknown strategy", .reject(at: "search.strategy"), experiment(["search": #"{"strategy": "bayes", "trials": 10}"#])),
    Case("too many parallel trials", .reject(at: "search.parallel"), experiment(["search": #"{"strategy": "random", "trials": 10, "parallel": 10001}"#])),
    Case("negative search seed", .reject(at: "search.seed"), experiment(["search": #"{"strategy": "random", "trials": 10, "seed": -1}"#])),
    Case("reproducible as a string", .reject(at: "search.reproducible"), experiment(["search": #"{"strategy": "random", "trials": 10, "reproducible": "yes"}"#])),
    Case("tpe options with strategy random", .reject(at: "search.tpe"), experiment(["search": #"{"strategy": "random", "trials": 10, "tpe": {"gamma": 0.2}}"#])),
    Case("tpe gamma of 0", .reject(at: "search.tpe.gamma"), experiment(["search": #"{"strategy": "tpe", "trials": 10, "tpe": {"gamma": 0}}"#])),
    Case("unknown tpe option", .reject(at: "search.tpe.startup"), experiment(["search": #"{"strategy": "tpe", "trials": 10, "tpe": {"startup": 3}}"#])),
    Case("a weighted release pick", .accept, experiment([
      "objective": nil, "objectives": #"[{"metric": "accuracy"}, {"metric": "latency_ms"}]"#,
      "release": #"{"pick": {"weighted": {"accuracy": 1, "latency_ms": -0.01}, "subject_to": [{"metric": "latency_ms", "max": 5}]}}"#])),
    Case("a weighted pick and a maximize", .reject(at: "release.pick"), experiment([
      "release": #"{"pick": {"weighted": {"accuracy": 1}, "maximize": "accuracy"}}"#])),
    Case("a weight of zero", .reject(at: "release.pick.weighted.accuracy"), experiment([
      "release": #"{"pick": {"weighted": {"accuracy": 0}}}"#])),
    Case("every nsga2 option", .accept, experiment(["search": #"{"strategy": "nsga2", "trials": 10, "nsga2": {"population_size": 2, "crossover": "sbx", "crossover_probability": 1, "swapping_probability": 0, "mutation_probability": 0.25, "sbx_eta": 1000}}"#])),
    Case("nsga2 options with strategy tpe", .reject(at: "search.nsga2"), experiment(["search": #"{"strategy": "tpe", "trials": 10, "nsga2": {"population_size": 20}}"#])),
    Case("nsga2 sbx_eta above 1000", .reject(at: "search.nsga2.sbx_eta"), experiment(["search": #"{"strategy": "nsga2", "trials": 10, "nsga2": {"sbx_eta": 1001}}"#])),
    Case("unknown nsga2 option", .reject(at: "search.nsga2.population"), experiment(["search": #"{"strategy": "nsga2", "trials": 10, "nsga2": {"population": 20}}"#])),
    Case("grid over a float without step or grid points", .reject(at: "space.learning_rate"), experiment(["search": #"{"strategy": "grid", "trials": 10}"#])),
    // space: structure
    Case("empty space", .reject(at: "space"), experiment(["space": "{}"])),
    Case("unknown parameter type", .reject(at: "space.learning_rate.type"), experiment(["space": #"{"learning_rate": {"type": "double", "low": 0.001, "high": 0.1}}"#])),
    Case("parameter without type", .reject(at: "space.learning_rate.type"), experiment(["space": #"{"learning_rate": {"low": 0.001, "high": 0.1}}"#])),
    Case("float parameter with choices", .reject(at: "space.learning_rate.choices"), experiment(["space": #"{"learning_rate": {"type": "float", "low": 0.001, "high": 0.1, "choices": [0.01]}}"#])),
    Case("float parameter without high", .reject(at: "space.learning_rate.high"), experiment(["space": #"{"learning_rate": {"type": "float", "low": 0.001}}"#])),
    Case("empty choices", .reject(at: "space.activation.choices"), experiment(["space": #"{"activation": {"type": "categorical", "choices": []}}"#])),
    Case("duplicate choices", .reject(at: "space.activation.choices[1]"), experiment(["space": #"{"activation": {"type": "categorical", "choices": ["relu", "relu"]}}"#])),
    Case("choices 0 and 0.0 (one value: a message carries both as 0)", .reject(at: "space.l2.choices[1]"), experiment(["space": #"{"l2": {"type": "categorical", "choices": [0, 0.0]}}"#])),
    Case("log scale from 0", .reject(at: "space.learning_rate.low"), experiment(["space": #"{"learning_rate": {"type": "float", "low": 0, "high": 0.1, "log": true}}"#])),
    Case("log scale with a step", .reject(at: "space.learning_rate.step"), experiment(["space": #"{"learning_rate": {"type": "float", "low": 0.01, "high": 0.1, "log": true, "step": 0.01}}"#])),
    Case("one grid point", .reject(at: "space.learning_rate.grid_points"), experiment(["space": #"{"learning_rate": {"type": "float", "low": 0.001, "high": 0.1, "grid_points": 1}}"#])),
    Case("negative float step", .reject(at: "space.dropout.step"), experiment(["space": #"{"dropout": {"type": "float", "low": 0, "high": 0.5, "step": -0.1}}"#])),
    Case("int step of 0", .reject(at: "space.hidden_units.step"), experiment(["space": #"{"hidden_units": {"type": "int", "low": 8, "high": 64, "step": 0}}"#])),
    Case("int bound 1.5", .reject(at: "space.layers.low"), experiment(["space": #"{"layers": {"type": "int", "low": 1.5, "high": 3}}"#])),
    Case("null parameter", .reject(at: "space.learning_rate"), experiment(["space": #"{"learning_rate": null}"#])),
    Case("array parameter", .reject(at: "space.batch_size"), experiment(["space": #"{"batch_size": [32, 64]}"#])),
    Case("fixed parameter with a default", .reject(at: "space.batch_size.default"), experiment(["space": #"{"batch_size": {"type": "fixed", "value": 32, "default": 32}}"#])),
    Case("fixed parameter without value", .reject(at: "space.batch_size.value"), experiment(["space": #"{"batch_size": {"type": "fixed"}}"#])),
    Case("float default of the wrong type", .reject(at: "space.learning_rate.default"), experiment(["space": #"{"learning_rate": {"type": "float", "low": 0.001, "high": 0.1, "default": "high"}}"#])),
    Case("empty condition", .reject(at: "space.momentum.when"), experiment(["space": "{\(optimizerAndMomentum), " + #""momentum": {"type": "float", "low": 0, "high": 0.9, "when": {}}}"#])),
    Case("condition with no values", .reject(at: "space.momentum.when.optimizer"), experiment(["space": "{\(optimizerAndMomentum), " + #""momentum": {"type": "float", "low": 0, "high": 0.9, "when": {"optimizer": []}}}"#])),
    Case("condition with a null value", .reject(at: "space.momentum.when.optimizer"), experiment(["space": "{\(optimizerAndMomentum), " + #""momentum": {"type": "float", "low": 0, "high": 0.9, "when": {"optimizer": null}}}"#])),
    Case("condition with a nested array", .reject(at: "space.momentum.when.optimizer"), experiment(["space": "{\(optimizerAndMomentum), " + #""momentum": {"type": "float", "low": 0, "high": 0.9, "when": {"optimizer": [["sgd"]]}}}"#])),
    Case("condition as a string", .reject(at: "space.momentum.when"), experiment(["space": "{\(optimizerAndMomentum), " + #""momentum": {"type": "float", "low": 0, "high": 0.9, "when": "optimizer"}}"#])),
    // space: what the model reads
    Case("unknown hyperparameter", .reject(at: "space.lr"), experiment(["space": #"{"lr": {"type": "float", "low": 0.001, "high": 0.1}}"#])),
    Case("ridge hyperparameter on mlp", .reject(at: "space.alpha"), experiment(["space": ridgeSpace])),
    Case("mlp hyperparameter on ridge", .reject(at: "space.layers"), experiment(["model": ridgeModel, "space": #"{"alpha": 1, "layers": 2}"#])),
    Case("lbfgs on mlp", .reject(at: "space.optimizer"), experiment(["space": #"{"optimizer": {"type": "categorical", "choices": ["sgd", "lbfgs"]}}"#])),
    Case("too many layers", .reject(at: "space.layers"), experiment(["space": #"{"layers": {"type": "int", "low": 1, "high": 8}}"#])),
    Case("dropout up to 1", .reject(at: "space.dropout"), experiment(["space": #"{"dropout": {"type": "float", "low": 0, "high": 1}}"#])),
    Case("negative l2", .reject(at: "space.l2"), experiment(["space": #"{"l2": {"type": "float", "low": -0.1, "high": 0.1}}"#])),
    Case("learning rate of 0", .reject(at: "space.learning_rate"), experiment(["space": #"{"learning_rate": 0}"#])),
    Case("unknown activation", .reject(at: "space.activation"), experiment(["space": #"{"activation": {"type": "categorical", "choices": ["relu", "sigmoid"]}}"#])),
    Case("fixed schedule the model lacks", .reject(at: "space.schedule"), experiment(["space": #"{"schedule": {"type": "fixed", "value": "linear"}}"#])),
    Case("float range for hidden units", .reject(at: "space.hidden_units"), experiment(["space": #"{"hidden_units": {"type": "float", "low": 8, "high": 64}}"#])),
    Case("int range for a choice", .reject(at: "space.optimizer"), experiment(["space": #"{"optimizer": {"type": "int", "low": 0, "high": 1}}"#])),
    Case("batch size 0 among choices", .reject(at: "space.batch_size"), experiment(["space": #"{"batch_size": {"type": "categorical", "choices": [0, 32]}}"#])),
    Case("boolean for a number", .reject(at: "space.momentum"), experiment(["space": #"{"momentum": true}"#])),
    // function models
    Case("function model with data", .reject(at: "data"), experiment([
      "model": #"{"kind": "function", "function": "sphere"}"#, "space": #"{"x": {"type": "float", "low": -1, "high": 1}}"#,
      "objective": #"{"metric": "value"}"#])),
    Case("function model without function", .reject(at: "model.function"), experiment([
      "data": nil, "model": #"{"kind": "function"}"#, "space": #"{"x": {"type": "float", "low": -1, "high": 1}}"#,
      "objective": #"{"metric": "value"}"#])),
    Case("unknown function", .reject(at: "model.function"), experiment([
      "data": nil, "model": #"{"kind": "function", "function": "ackley"}"#, "space": #"{"x": {"type": "float", "low": -1, "high": 1}}"#,
      "objective": #"{"metric": "value"}"#])),
    Case("function model with a data metric", .reject(at: "objective.metric"), experiment([
      "data": nil, "model": #"{"kind": "function", "function": "sphere"}"#, "space": #"{"x": {"type": "float", "low": -1, "high": 1}}"#])),
    Case("value metric on mlp", .reject(at: "objective.metric"), experiment(["objective": #"{"metric": "value"}"#])),
    Case("function field on mlp", .reject(at: "model.function"), experiment(["model": #"{"kind": "mlp", "epochs": 10, "function": "sphere"}"#])),
    Case("missing data for a trained model", .reject(at: "data"), experiment(["data": nil])),
    Case("early stopping on a function without epochs", .reject(at: "early_stopping"), experiment([
      "data": nil, "model": #"{"kind": "function", "function": "sphere"}"#, "space": #"{"x": {"type": "float", "low": -1, "high": 1}}"#,
      "objective": #"{"metric": "value"}"#, "early_stopping": #"{"scheduler": "asha"}"#])),
    // command models
    Case("slots_per_trial above 1 for a built-in model", .reject(at: "resources.slots_per_trial"), experiment(["resources": #"{"slots_per_trial": 2}"#])),
    Case("slots_per_trial zero", .reject(at: "resources.slots_per_trial"), command(["resources": #"{"slots_per_trial": 0}"#])),
    Case("slots_per_trial above 1024", .reject(at: "resources.slots_per_trial"), command(["resources": #"{"slots_per_trial": 1025}"#])),
    Case("slots_per_trial not an integer", .reject(at: "resources.slots_per_trial"), command(["resources": #"{"slots_per_trial": "2"}"#])),
    Case("workers_per_trial above 1 for a command", .reject(at: "resources.workers_per_trial"), command(["resources": #"{"workers_per_trial": 2}"#])),
    Case("workers_per_trial zero", .reject(at: "resources.workers_per_trial"), experiment(["resources": #"{"workers_per_trial": 0}"#])),
    Case("workers_per_trial above 256", .reject(at: "resources.workers_per_trial"), experiment([
      "data": nil, "model": #"{"kind": "function", "function": "sphere"}"#, "space": #"{"x": {"type": "float", "low": 0, "high": 1}}"#,
      "objective": #"{"metric": "value"}"#, "resources": #"{"workers_per_trial": 257}"#,
    ])),
    Case("unknown resources key", .reject(at: "resources.gpus"), command(["resources": #"{"gpus": 1}"#])),
    Case("command without train", .reject(at: "model.train"), command(["model": #"{"kind": "command", "workdir": "."}"#])),
    Case("command train as one string", .reject(at: "model.train"), command(["model": #"{"kind": "command", "train": "python3 train.py", "workdir": "."}"#])),
    Case("command train empty", .reject(at: "model.train"), command(["model": #"{"kind": "command", "train": [], "workdir": "."}"#])),
    Case("command train holding a number", .reject(at: "model.train[1]"), command(["model": #"{"kind": "command", "train": ["python3", 3], "workdir": "."}"#])),
    Case("command train holding an empty argument", .reject(at: "model.train[1]"), command(["model": #"{"kind": "command", "train": ["python3", ""], "workdir": "."}"#])),
    Case("command train naming no program", .reject(at: "model.train[0]"), command(["model": #"{"kind": "command", "train": [" "], "workdir": "."}"#])),
    Case("command evaluate empty", .reject(at: "model.evaluate"), command(["model": commandModel(#""evaluate": []"#)])),
    Case("command without workdir", .reject(at: "model.workdir"), command(["model": #"{"kind": "command", "train": ["python3"]}"#])),
    Case("command workdir not a string", .reject(at: "model.workdir"), command(["model": #"{"kind": "command", "train": ["python3"], "workdir": 5}"#])),
    Case("command timeout not a duration", .reject(at: "model.timeout"), command(["model": commandModel(#""timeout": "soon""#)])),
    Case("command timeout of 0 seconds", .reject(at: "model.timeout"), command(["model": commandModel(#""timeout": 0"#)])),
    Case("command timeout of 0s", .reject(at: "model.timeout"), command(["model": commandModel(#""timeout": "0.0s""#)])),
    Case("command timeout beyond the limit in seconds", .reject(at: "model.timeout"), command(["model": commandModel(#""timeout": 1e10"#)])),
    Case("command timeout in days", .reject(at: "model.timeout"), command(["model": commandModel(#""timeout": "2d""#)])),
    Case("command timeout with a newline", .reject(at: "model.timeout"), command(["model": commandModel(#""timeout": "30m\n""#)])),
    Case("command env not an object", .reject(at: "model.env"), command(["model": commandModel(#""env": ["A=1"]"#)])),
    Case("command env value a number", .reject(at: "model.env.N"), command(["model": commandModel(#""env": {"N": 2}"#)])),
    Case("command env name holding =", .reject(at: "model.env.A=B"), command(["model": commandModel(#""env": {"A=B": "1"}"#)])),
    Case("command env name of hpo's", .reject(at: "model.env.HPO_SEED"), command(["model": commandModel(#""env": {"HPO_SEED": "1"}"#)])),
    Case("command env name empty", .reject(at: "model.env"), command(["model": commandModel(#""env": {"": "1"}"#)])),
    Case("command with precision", .reject(at: "model.precision"), command(["model": commandModel(#""precision": "float64""#)])),
    Case("command with function", .reject(at: "model.function"), command(["model": commandModel(#""function": "sphere""#)])),
    Case("train on mlp", .reject(at: "model.train"), experiment(["model": #"{"kind": "mlp", "epochs": 10, "train": ["python3"]}"#])),
    Case("workdir on ridge", .reject(at: "model.workdir"), experiment(["model": #"{"kind": "ridge", "workdir": "."}"#, "space": ridgeSpace])),
    Case("timeout on a function", .reject(at: "model.timeout"), experiment([
      "data": nil, "model": #"{"kind": "function", "function": "sphere", "timeout": 60}"#, "space": #"{"x": {"type": "float", "low": -1, "high": 1}}"#,
      "objective": #"{"metric": "value"}"#])),
    Case("command value metric with data", .reject(at: "objective.metric"), command(["data": #"{"path": "data.csv", "task": "classification"}"#])),
    Case("command metric of the other task", .reject(at: "objective.metric"), command([
      "data": #"{"path": "data.csv", "task": "regression"}"#, "objective": #"{"metric": "accuracy"}"#])),
    Case("command early stopping without epochs", .reject(at: "early_stopping"), command(["early_stopping": #"{"scheduler": "asha"}"#])),
    Case("command stress tests", .reject(at: "validation.stress"), command(["validation": #"{"stress": true}"#])),
    Case("command refit", .reject(at: "validation.refit"), command(["validation": #"{"refit": true}"#])),
    Case("command output range", .reject(at: "validation.output_range"), command(["validation": #"{"output_range": {"min": 0}}"#])),
    Case("command seed stability", .reject(at: "validation.seed_stability"), command(["validation": #"{"seed_stability": {"max_spread": 0.1}}"#])),
    Case("command gates without evaluate", .reject(at: "validation.gates"), command(["validation": #"{"gates": [{"metric": "value", "max": 1}]}"#])),
    Case("command max_gap without evaluate", .reject(at: "validation.max_gap"), command(["validation": #"{"max_gap": 0.1}"#])),
    Case("command champion without evaluate", .reject(at: "validation.champion"), command(["validation": #"{"champion": "registry/x"}"#])),
    Case("command new data without data", .reject(at: "validation.new_data"), command(["validation": #"{"new_data": "data.csv"}"#])),
    Case("command drift without data", .reject(at: "validation.drift"), command(["validation": #"{"drift": {"alpha": 0.01}}"#])),
    // early_stopping
    Case("early stopping on ridge", .reject(at: "early_stopping"), experiment(["model": ridgeModel, "space": ridgeSpace, "early_stopping": #"{"scheduler": "asha"}"#])),
    Case("unknown scheduler", .reject(at: "early_stopping.scheduler"), experiment(["early_stopping": #"{"scheduler": "pbt"}"#])),
    Case("scheduler missing", .reject(at: "early_stopping.scheduler"), experiment(["early_stopping": #"{"min_epochs": 2}"#])),
    Case("reduction factor 1", .reject(at: "early_stopping.reduction_factor"), experiment(["early_stopping": #"{"scheduler": "asha", "reduction_factor": 1}"#])),
    Case("negative warmup", .reject(at: "early_stopping.warmup_epochs"), experiment(["early_stopping": #"{"scheduler": "median", "warmup_epochs": -1}"#])),
    // validation and output
    Case("gate without threshold", .reject(at: "validation.gates[0]"), experiment(["validation": #"{"gates": [{"metric": "accuracy"}]}"#])),
    Case("gate metric of the other task", .reject(at: "validation.gates[0].metric"), experiment(["validation": #"{"gates": [{"metric": "rmse", "max": 1}]}"#])),
    Case("gate with an unknown key", .reject(at: "validation.gates[0].above"), experiment(["validation": #"{"gates": [{"metric": "accuracy", "min": 0.5, "above": 1}]}"#])),
    Case("gates as an object", .reject(at: "validation.gates"), experiment(["validation": #"{"gates": {"metric": "accuracy", "min": 0.5}}"#])),
    Case("negative max gap", .reject(at: "validation.max_gap"), experiment(["validation": #"{"max_gap": -0.1}"#])),
    Case("blank champion", .reject(at: "validation.champion"), experiment(["validation": #"{"champion": "  "}"#])),
    Case("refit as a number", .reject(at: "validation.refit"), experiment(["validation": #"{"refit": 1}"#])),
    Case("stress as a string", .reject(at: "validation.stress"), experiment(["validation": #"{"stress": "off"}"#])),
    Case("seed stability without max_spread", .reject(at: "validation.seed_stability.max_spread"), experiment(["validation": #"{"seed_stability": {"seeds": 3}}"#])),
    Case("seed stability with 0 seeds", .reject(at: "validation.seed_stability.seeds"), experiment(["validation": #"{"seed_stability": {"seeds": 0, "max_spread": 0.1}}"#])),
    Case("drift ks_max above 1", .reject(at: "validation.drift.ks_max"), experiment(["validation": #"{"drift": {"ks_max": 1.5}}"#])),
    Case("drift psi_max of 0", .reject(at: "validation.drift.psi_max"), experiment(["validation": #"{"drift": {"psi_max": 0}}"#])),
    Case("drift alpha above 0.5", .reject(at: "validation.drift.alpha"), experiment(["validation": #"{"drift": {"alpha": 0.6}}"#])),
    Case("drift alpha of 0", .reject(at: "validation.drift.alpha"), experiment(["validation": #"{"drift": {"alpha": 0}}"#])),
    Case("drift negative min_effect", .reject(at: "validation.drift.min_effect"), experiment(["validation": #"{"drift": {"min_effect": -0.01}}"#])),
    Case("drift require_power as a string", .reject(at: "validation.drift.require_power"), experiment(["validation": #"{"drift": {"require_power": "yes"}}"#])),
    Case("drift with every new key", .accept, experiment(["validation": #"{"drift": {"alpha": 0.5, "min_effect": 1, "require_power": true}}"#])),
    Case("drift with an unknown key", .reject(at: "validation.drift.psi"), experiment(["validation": #"{"drift": {"psi": 0.1}}"#])),
    Case("negative keep_top", .reject(at: "output.keep_top"), experiment(["output": #"{"keep_top": -1}"#])),
    Case("unknown output key", .reject(at: "output.folder"), experiment(["output": #"{"folder": "runs"}"#])),
    Case("empty output dir", .reject(at: "output.dir"), experiment(["output": #"{"dir": ""}"#])),
  ]

  /// Rules the schema cannot express: the schema accepts, the Swift validator rejects.
  static let swiftOnly: [Case] = [
    Case("data path does not exist", .swiftOnly(at: "data.path"), experiment(["data": #"{"path": "missing.csv", "task": "classification"}"#])),
    Case("data path is a directory", .swiftOnly(at: "data.path"), experiment(["data": #"{"path": ".", "task": "classification"}"#])),
    Case("split fractions sum to 1", .swiftOnly(at: "data.split"), experiment(["data": #"{"path": "data.csv", "task": "classification", "split": {"validation": 0.5, "test": 0.5}}"#])),
    Case("low above high", .swiftOnly(at: "space.learning_rate.low"), experiment(["space": #"{"learning_rate": {"type": "float", "low": 0.1, "high": 0.01, "log": true}}"#])),
    Case("int low equal to high", .swiftOnly(at: "space.layers.low"), experiment(["space": #"{"layers": {"type": "int", "low": 2, "high": 2}}"#])),
    Case("float step does not divide the range", .swiftOnly(at: "space.dropout.step"), experiment(["space": #"{"dropout": {"type": "float", "low": 0, "high": 0.5, "step": 0.3}}"#])),
    Case("int step does not divide the range", .swiftOnly(at: "space.hidden_units.step"), experiment(["space": #"{"hidden_units": {"type": "int", "low": 1, "high": 10, "step": 4}}"#])),
    Case("float default outside the range", .swiftOnly(at: "space.learning_rate.default"), experiment(["space": #"{"learning_rate": {"type": "float", "low": 0.001, "high": 0.1, "default": 5}}"#])),
    Case("categorical default not a choice", .swiftOnly(at: "space.activation.default"), experiment(["space": #"{"activation": {"type": "categorical", "choices": ["relu", "tanh"], "default": "gelu"}}"#])),
    Case("condition on an unknown parameter", .swiftOnly(at: "space.momentum.when.optimiser"), experiment(["space": "{\(optimizerAndMomentum), " + #""momentum": {"type": "float", "low": 0, "high": 0.9, "when": {"optimiser": "sgd"}}}"#])),
    Case("condition value the parent never takes", .swiftOnly(at: "space.momentum.when.optimizer"), experiment(["space": "{\(optimizerAndMomentum), " + #""momentum": {"type": "float", "low": 0, "high": 0.9, "when": {"optimizer": "rmsprop"}}}"#])),
    Case("condition on itself", .swiftOnly(at: "space.momentum.when.momentum"), experiment(["space": #"{"momentum": {"type": "float", "low": 0, "high": 0.9, "when": {"momentum": 0.5}}}"#])),
    Case("cyclic conditions", .swiftOnly(at: "space"), experiment(["space": #"{"optimizer": {"type": "categorical", "choices": ["sgd", "adam"], "when": {"activation": "relu"}}, "activation": {"type": "categorical", "choices": ["relu", "tanh"], "when": {"optimizer": "sgd"}}}"#])),
    Case("gate min above max", .swiftOnly(at: "validation.gates[0]"), experiment(["validation": #"{"gates": [{"metric": "accuracy", "min": 0.9, "max": 0.8}]}"#])),
    Case("gate min above the metric's range", .swiftOnly(at: "validation.gates[0]"), experiment(["validation": #"{"gates": [{"metric": "accuracy", "min": 1.01}]}"#])),
    Case("gate max below the metric's range", .swiftOnly(at: "validation.gates[0]"), experiment(["validation": #"{"gates": [{"metric": "log_loss", "max": -1}]}"#])),
    Case("new data that does not exist", .swiftOnly(at: "validation.new_data"), experiment(["validation": #"{"new_data": "missing.csv"}"#])),
    Case("command workdir that does not exist", .swiftOnly(at: "model.workdir"), command(["model": #"{"kind": "command", "train": ["a"], "workdir": "missing-folder"}"#])),
    Case("command timeout beyond the limit as a duration", .swiftOnly(at: "model.timeout"), command(["model": commandModel(#""timeout": "300000h""#)])),
    Case("command workdir that is a file", .swiftOnly(at: "model.workdir"), command(["model": #"{"kind": "command", "train": ["a"], "workdir": "data.csv"}"#])),
    Case("min_epochs above epochs", .swiftOnly(at: "early_stopping.min_epochs"), experiment(["early_stopping": #"{"scheduler": "asha", "min_epochs": 11}"#])),
    Case("median warmup reaching epochs", .swiftOnly(at: "early_stopping.warmup_epochs"), experiment(["early_stopping": #"{"scheduler": "median", "warmup_epochs": 10}"#])),
    Case("gp over more than 20 dimensions", .swiftOnly(at: "search.strategy"), experiment([
      "space": "{\"batch_size\": {\"type\": \"categorical\", \"choices\": [\((1...21).map(String.init).joined(separator: ", "))]}}",
      "search": #"{"strategy": "gp", "trials": 10}"#,
    ])),
    // Integers written as floats: JSON Schema's "integer" accepts them, Swift does not.
    Case("epochs written 30.0", .swiftOnly(at: "model.epochs"), experiment(["model": #"{"kind": "mlp", "epochs": 30.0}"#])),
    Case("trials written 1e2", .swiftOnly(at: "search.trials"), experiment(["search": #"{"strategy": "random", "trials": 1e2}"#])),
    Case("int parameter bound written 16.0", .swiftOnly(at: "space.hidden_units.low"), experiment(["space": #"{"hidden_units": {"type": "int", "low": 16.0, "high": 256}}"#])),
    Case("int parameter default written 2.0", .swiftOnly(at: "space.layers.default"), experiment(["space": #"{"layers": {"type": "int", "low": 1, "high": 3, "default": 2.0}}"#])),
    Case("condition on an int parent written 2.0", .swiftOnly(at: "space.dropout.when.layers"), experiment(["space": #"{"layers": {"type": "int", "low": 1, "high": 3}, "dropout": {"type": "float", "low": 0, "high": 0.5, "when": {"layers": 2.0}}}"#])),
    // What the Swift JSON parser refuses before validation.
    Case("duplicate key", .swiftOnly(at: ""), experiment(["name": #""a", "name": "b""#])),
    Case("number overflowing a double", .swiftOnly(at: ""), experiment(["validation": #"{"gates": [{"metric": "accuracy", "min": 0.5, "max": 1e400}]}"#])),
    Case("NaN literal (not JSON; Python's reader takes it)", .swiftOnly(at: ""), experiment(["validation": #"{"gates": [{"metric": "accuracy", "min": NaN}]}"#])),
  ]

  /// Where the schema is stricter: the schema rejects, the Swift validator accepts.
  static let schemaOnly: [Case] = [
    Case("gate on value with a data task", .reject(at: "validation.gates[0].metric"), experiment([
      "validation": #"{"gates": [{"metric": "value", "max": 1}]}"#])),
    Case("grid with a float that can never be active", .schemaOnly, experiment([
      "space": #"{"optimizer": {"type": "categorical", "choices": ["sgd", "adam"]}, "schedule": {"type": "categorical", "choices": ["constant", "cosine"], "when": {"optimizer": "sgd"}}, "momentum": {"type": "float", "low": 0, "high": 0.9, "when": {"optimizer": "adam", "schedule": "constant"}}}"#,
      "search": #"{"strategy": "grid", "trials": 3}"#,
    ])),
  ]

  static let cases: [Case] = good + bad + swiftOnly + schemaOnly

  // MARK: Files

  static let repositoryRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
  static let experimentsDirectory = repositoryRoot.appendingPathComponent("Experiments")
  static let schemaFile = experimentsDirectory.appendingPathComponent("experiment.schema.json")

  /// `Experiments/*.json` except the schema.
  static let exampleFiles: [URL] = {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: experimentsDirectory.path)) ?? []
    return names.filter { $0.hasSuffix(".json") && $0 != "experiment.schema.json" }.sorted()
      .map { experimentsDirectory.appendingPathComponent($0) }
  }()

  /// Folder where the table's relative data path `data.csv` resolves (reused across runs).
  static let dataDirectory: URL = {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("hpo-schema-agreement-tests")
    try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    try? "x1,x2,label\n1,2,0\n3,4,1\n".write(to: dir.appendingPathComponent("data.csv"), atomically: true, encoding: .utf8)
    return dir
  }()
  static let dataFile = dataDirectory.appendingPathComponent("data.csv")

  static func jsonQuoted(_ s: String) -> String {
    "\"" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
  }

  static func swiftOutcome(_ json: String) -> Result<LoadedExperiment, ExperimentError> {
    _ = dataDirectory
    do {
      return .success(try ExperimentLoader.load(bytes: Array(json.utf8), file: "case.json", baseDirectory: dataDirectory))
    } catch {
      return .failure(error)
    }
  }

  // MARK: The Python run

  struct Verdict: Sendable, Decodable {
    let valid: Bool
    /// Paths of the errors (`space.lr.low`, `validation.gates[0]`), including
    /// those of nested oneOf/anyOf errors, missing required keys and unexpected keys.
    let paths: [String]
    let messages: [String]
  }

  struct SchemaRun: Sendable {
    /// Why the run could not be used (python3 or jsonschema missing, crash, ...).
    var failure: String?
    /// "ok" when `Draft202012Validator.check_schema` passed, else its complaint.
    var schemaCheck: String?
    var verdicts: [String: Verdict] = [:]
  }

  /// The id under which an example file goes through the schema run.
  static func exampleID(_ file: URL) -> String { "example:" + file.lastPathComponent }

  /// All documents through the schema in one python3 invocation.
  static let schemaRun: SchemaRun = {
    var documents = cases.map { ["id": $0.id, "json": $0.json] }
    for file in exampleFiles {
      guard let text = try? String(contentsOf: file, encoding: .utf8) else {
        return SchemaRun(failure: "cannot read \(file.path)")
      }
      documents.append(["id": exampleID(file), "json": text])
    }
    return runPython(documents)
  }()

  static let pythonScript = #"""
    import json, sys
    try:
        import jsonschema
        from jsonschema import Draft202012Validator
    except ImportError as e:
        print(json.dumps({"fatal": "python3 cannot import jsonschema (%s); run Cluster/test, or Cluster/bootstrap --test and put .build/test-venv/bin first on PATH" % e}))
        sys.exit(0)

    schema_path, cases_path = sys.argv[1], sys.argv[2]
    with open(schema_path, encoding="utf-8") as f:
        schema = json.load(f)
    try:
        Draft202012Validator.check_schema(schema)
    except jsonschema.exceptions.SchemaError as e:
        print(json.dumps({"schema": "invalid: %s (at /%s)" % (e.message, "/".join(map(str, e.absolute_schema_path)))}))
        sys.exit(0)
    print(json.dumps({"schema": "ok"}))
    validator = Draft202012Validator(schema)

    def render(path):
        out = ""
        for p in path:
            out += "[%d]" % p if isinstance(p, int) else ("." if out else "") + p
        return out

    def paths(error):
        base = list(error.absolute_path)
        yield render(base)
        if error.validator == "required" and isinstance(error.instance, dict):
            for key in error.validator_value:
                if key not in error.instance:
                    yield render(base + [key])
        if error.validator == "additionalProperties" and isinstance(error.instance, dict):
            known = error.schema.get("properties", {})
            for key in error.instance:
                if key not in known:
                    yield render(base + [key])
        for sub in error.context or []:
            yield from paths(sub)

    with open(cases_path, encoding="utf-8") as f:
        cases = json.load(f)
    for case in cases:
        try:
            instance = json.loads(case["json"])
        except ValueError as e:
            print(json.dumps({"id": case["id"], "valid": False, "paths": [""], "messages": ["malformed JSON: %s" % e]}))
            continue
        errors = list(validator.iter_errors(instance))
        print(json.dumps({"id": case["id"], "valid": not errors,
                          "paths": sorted(set(p for e in errors for p in paths(e))),
                          "messages": [e.message[:300] for e in errors[:5]]}))
    """#

  static func runPython(_ documents: [[String: String]]) -> SchemaRun {
    let fm = FileManager.default
    let work = fm.temporaryDirectory.appendingPathComponent("hpo-schema-run-\(UUID().uuidString)")
    defer { try? fm.removeItem(at: work) }
    let casesFile = work.appendingPathComponent("cases.json")
    let stderrFile = work.appendingPathComponent("stderr.txt")
    let output: Data
    let status: Int32
    do {
      try fm.createDirectory(at: work, withIntermediateDirectories: true)
      try JSONEncoder().encode(documents).write(to: casesFile)
      _ = fm.createFile(atPath: stderrFile.path, contents: nil)
      let process = Process()
      process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
      process.arguments = ["python3", "-c", pythonScript, schemaFile.path, casesFile.path]
      let pipe = Pipe()
      process.standardOutput = pipe
      process.standardError = try FileHandle(forWritingTo: stderrFile)
      try process.run()
      output = pipe.fileHandleForReading.readDataToEndOfFile()
      process.waitUntilExit()
      status = process.terminationStatus
    } catch {
      return SchemaRun(failure: "cannot run python3 (needed for the schema checks; run Cluster/test, or Cluster/bootstrap --test with .build/test-venv/bin first on PATH): \(error)")
    }
    let stderr = (try? String(contentsOf: stderrFile, encoding: .utf8)) ?? ""
    guard status == 0 else {
      let hint = status == 127 ? "python3 is not on PATH; run Cluster/test, or Cluster/bootstrap --test with .build/test-venv/bin first on PATH. " : ""
      return SchemaRun(failure: "\(hint)python3 exited with status \(status): \(stderr)")
    }
    struct Line: Decodable {
      var fatal: String?
      var schema: String?
      var id: String?
      var valid: Bool?
      var paths: [String]?
      var messages: [String]?
    }
    var run = SchemaRun()
    for text in String(decoding: output, as: UTF8.self).split(separator: "\n") {
      guard let line = try? JSONDecoder().decode(Line.self, from: Data(text.utf8)) else {
        return SchemaRun(failure: "unexpected output from python3: \(text)\n\(stderr)")
      }
      if let fatal = line.fatal { return SchemaRun(failure: fatal) }
      if let schema = line.schema { run.schemaCheck = schema }
      if let id = line.id, let valid = line.valid {
        run.verdicts[id] = Verdict(valid: valid, paths: line.paths ?? [], messages: line.messages ?? [])
      }
    }
    if run.schemaCheck == nil { run.failure = "python3 printed no schema check: \(stderr)" }
    return run
  }

  /// The run, or a failed test saying why there is none.
  static func requireRun() throws -> SchemaRun {
    let run = schemaRun
    try #require(run.failure == nil, "\(run.failure ?? "")")
    try #require(run.schemaCheck == "ok", "experiment.schema.json is not a valid Draft 2020-12 schema: \(run.schemaCheck ?? "")")
    return run
  }

  // MARK: Tests

  @Test func schemaIsAValidDraft202012Schema() throws {
    let run = Self.schemaRun
    #expect(run.failure == nil, "\(run.failure ?? "")")
    #expect(run.schemaCheck == "ok", "check_schema: \(run.schemaCheck ?? "not run")")
  }

  @Test func tableHasEnoughCasesWithDistinctIDs() {
    #expect(Self.good.count >= 12)
    #expect(Self.bad.count + Self.swiftOnly.count + Self.schemaOnly.count >= 20)
    #expect(Set(Self.cases.map(\.id)).count == Self.cases.count, "case ids must be unique")
  }

  @Test(arguments: cases)
  func validatorsAgree(_ c: Case) throws {
    let run = try Self.requireRun()
    let verdict = try #require(run.verdicts[c.id], "the schema run has no verdict for \(c.id)")
    let swift = Self.swiftOutcome(c.json)
    let schemaSays = verdict.valid ? "accepts" : "rejects: \(verdict.messages.joined(separator: " | "))"
    switch c.expect {
    case .accept:
      if case .failure(let error) = swift { Issue.record("Swift rejects a good document:\n\(error.rendered)") }
      #expect(verdict.valid, "schema \(schemaSays)")
    case .schemaOnly:
      if case .failure(let error) = swift { Issue.record("Swift rejects (the documented gap has closed?):\n\(error.rendered)") }
      #expect(!verdict.valid, "schema accepts (the documented gap has closed?)")
    case .reject(let at):
      expectSwiftRejects(swift, at: at)
      #expect(!verdict.valid, "schema accepts a document Swift rejects at \(at)")
      if !verdict.valid {
        let related = verdict.paths.contains { p in p.hasPrefix(at) || (at.hasPrefix(p) && (!p.isEmpty || at.isEmpty)) }
        #expect(related, "schema rejects but not at \(at): paths \(verdict.paths), \(schemaSays)")
      }
    case .swiftOnly(let at):
      expectSwiftRejects(swift, at: at)
      #expect(verdict.valid, "schema \(schemaSays) (documented gap: only Swift should catch this)")
    }
  }

  private func expectSwiftRejects(_ swift: Result<LoadedExperiment, ExperimentError>, at path: String) {
    switch swift {
    case .success:
      Issue.record("Swift accepts; expected an error at \(path.isEmpty ? "the document" : path)")
    case .failure(let error):
      #expect(error.errors.contains { $0.path.hasPrefix(path) }, "Swift rejects, but not at \(path):\n\(error.rendered)")
    }
  }

  @Test func examplesValidateAgainstSchemaAndLoader() throws {
    try #require(!Self.exampleFiles.isEmpty, "no example experiments found in \(Self.experimentsDirectory.path)")
    let run = try Self.requireRun()
    for file in Self.exampleFiles {
      let verdict = try #require(run.verdicts[Self.exampleID(file)], "no schema verdict for \(file.lastPathComponent)")
      #expect(verdict.valid, "\(file.lastPathComponent) fails the schema: \(verdict.messages)")
      do {
        _ = try ExperimentLoader.load(path: file.path)
      } catch {
        Issue.record("\(file.lastPathComponent) fails the Swift loader:\n\(error.rendered)")
      }
    }
  }

  // MARK: The schema document itself

  static func schemaObject() throws -> [String: Any] {
    let data = try Data(contentsOf: schemaFile)
    return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any], "the schema is not a JSON object")
  }

  static func lookup(_ root: Any, _ keys: String...) -> Any? {
    var value: Any? = root
    for key in keys {
      if let index = Int(key), let array = value as? [Any] {
        value = index < array.count ? array[index] : nil
      } else {
        value = (value as? [String: Any])?[key]
      }
    }
    return value
  }

  @Test func schemaHasHeaderAndDescribesEveryProperty() throws {
    let schema = try Self.schemaObject()
    #expect(schema["$schema"] as? String == "https://json-schema.org/draft/2020-12/schema")
    for key in ["$id", "title", "description", "$comment"] {
      #expect(!((schema[key] as? String) ?? "").isEmpty, "missing top-level \(key)")
    }
    var undocumented: [String] = []
    func walk(_ value: Any, _ path: String) {
      if let object = value as? [String: Any] {
        for (key, child) in object where key != "if" {
          if key == "properties", let properties = child as? [String: Any] {
            for (name, property) in properties where (property as? [String: Any])?["description"] == nil {
              undocumented.append("\(path)/properties/\(name)")
            }
          }
          walk(child, "\(path)/\(key)")
        }
      } else if let array = value as? [Any] {
        for (i, child) in array.enumerated() { walk(child, "\(path)/\(i)") }
      }
    }
    walk(schema, "#")
    #expect(undocumented.isEmpty, "properties without a description: \(undocumented.sorted())")
  }

  /// The schema's enums and per-model hyperparameter names are copies of Swift
  /// tables; this catches drift when a case is added on one side only.
  @Test func schemaEnumsMatchSwiftEnums() throws {
    let s = try Self.schemaObject()
    func names<E: RawRepresentable & CaseIterable>(_: E.Type) -> [String] where E.RawValue == String {
      E.allCases.map(\.rawValue)
    }
    // The task enum by its values (it is being renamed; its name does not matter here).
    let taskType = type(of: Metric.accuracy.task!)
    func enumAt(_ keys: String...) -> [String]? {
      var value: Any? = s
      for key in keys { value = Self.lookup(value as Any, key) }
      return (value as? [String: Any])?["enum"] as? [String]
    }
    #expect(enumAt("properties", "data", "properties", "task") == names(taskType))
    #expect(enumAt("properties", "data", "properties", "missing") == names(MissingPolicy.self))
    #expect(enumAt("properties", "model", "properties", "kind") == names(ModelKind.self))
    #expect(enumAt("properties", "model", "properties", "precision") == names(Precision.self))
    #expect(enumAt("properties", "model", "properties", "function") == names(BuiltinFunction.self))
    #expect(enumAt("$defs", "objective", "properties", "direction") == names(Direction.self))
    #expect(enumAt("properties", "search", "properties", "strategy") == names(Strategy.self))
    #expect(enumAt("properties", "early_stopping", "properties", "scheduler") == names(SchedulerKind.self))
    #expect(enumAt("$defs", "metric") == names(Metric.self))
    // Every task also takes the metrics hpo measures itself.
    let measured = Metric.allCases.filter(\.isMeasured).map(\.rawValue)
    #expect(enumAt("$defs", "classificationMetric") == Metric.metrics(for: .classification).map(\.rawValue) + measured)
    #expect(enumAt("$defs", "regressionMetric") == Metric.metrics(for: .regression).map(\.rawValue) + measured)
    // Metrics without a task (a function's value) may be optimised either way; measured ones are minimised.
    let maximize = Metric.allCases.filter { $0.task != nil && $0.naturalDirection == .maximize }.map(\.rawValue)
    #expect(enumAt("$defs", "objective", "allOf", "0", "if", "properties", "metric") == maximize)
    #expect(Self.lookup(s, "$defs", "objective", "allOf", "0", "then", "properties", "direction", "const") as? String == "maximize")
    let minimize = Metric.allCases.filter { ($0.task != nil || $0.isMeasured) && $0.naturalDirection == .minimize }.map(\.rawValue)
    #expect(enumAt("$defs", "objective", "allOf", "1", "if", "properties", "metric") == minimize)
    for kind in ModelKind.allCases {
      // nil: the model reads any name (functions), and the schema has no rule for it.
      let rules: [String: HyperparameterRule]? = kind.hyperparameters
      let schemaNames = Self.lookup(s, "$defs", "\(kind.rawValue)Space", "propertyNames", "enum") as? [String]
      #expect(schemaNames == rules?.keys.sorted(), "hyperparameters of \(kind.rawValue)")
      let described = (Self.lookup(s, "$defs", "\(kind.rawValue)Space", "properties") as? [String: Any])?.keys.sorted()
      #expect(described == rules?.keys.sorted(), "value rules of \(kind.rawValue)")
    }
  }
}
