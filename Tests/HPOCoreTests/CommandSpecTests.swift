import Foundation
import Testing
@testable import HPOCore

/// The `command` model kind as the experiment file writes it: what loads
/// (and into which ``CommandSpec``), and each mistake with the whole message.
@Suite struct CommandSpecTests {
  typealias ErrorCase = ExperimentLoaderErrorTests.ErrorCase

  /// `cmd-work/` next to the fixture's `data.csv`: the folder relative workdirs name.
  static let workdir: URL = {
    let dir = ExperimentFixture.directory.appendingPathComponent("cmd-work")
    // A folder that cannot be made fails every test that loads it, naming model.workdir and the path.
    try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    return dir
  }()

  static let model = #"{"kind": "command", "train": ["python3", "train.py"], "workdir": "cmd-work"}"#

  /// A command experiment without data, optimising what the command reports.
  static let base = ExperimentFixture().without("data")
    .with("model", model)
    .with("space", #"{"max_depth": {"type": "int", "low": 2, "high": 8}, "kernel": {"type": "categorical", "choices": ["rbf", "linear"]}}"#)
    .with("objective", #"{"metric": "value"}"#)

  static func withModel(_ json: String) -> ExperimentFixture { base.with("model", json) }

  static let accepted = #"a list of strings, the program and its arguments, such as ["python3", "train.py"]"#
  static let durations = #"a number of seconds > 0 or a duration such as "90s", "30m", "2h""#
  static let names = #"a variable name without '=' that does not start with HPO_, such as "OMP_NUM_THREADS""#
  static let noEvaluate = #"accepted: add "evaluate" to model (the command that reports the winner's test metrics), or remove"#

  static let cases: [ErrorCase] = [
    // train
    ErrorCase("train missing", withModel(#"{"kind": "command", "workdir": "cmd-work"}"#), at: #"{"kind": "command""#,
              #"error: model.train: missing required field; accepted: the training command as a list of strings, such as ["python3", "train.py"]"#),
    ErrorCase("train as one string", withModel(#"{"kind": "command", "train": "python3 train.py", "workdir": "cmd-work"}"#), at: #""python3 train.py""#,
              #"error: model.train: "python3 train.py" is one string; accepted: \#(accepted) (hpo runs no shell: split the arguments, or write ["sh", "-c", "python3 train.py"])"#),
    ErrorCase("train as a number", withModel(#"{"kind": "command", "train": 3, "workdir": "cmd-work"}"#), at: #"3, "workdir""#,
              "error: model.train: expected \(accepted), found an integer 3"),
    ErrorCase("train empty", withModel(#"{"kind": "command", "train": [], "workdir": "cmd-work"}"#), at: "[]",
              "error: model.train: [] names no program; accepted: \(accepted)"),
    ErrorCase("train holding a number", withModel(#"{"kind": "command", "train": ["python3", 3], "workdir": "cmd-work"}"#), at: "3]",
              #"error: model.train[1]: expected a string (one argument; write numbers as "3"), found an integer 3"#),
    ErrorCase("train holding an empty argument", withModel(#"{"kind": "command", "train": ["python3", ""], "workdir": "cmd-work"}"#), at: #""python3", ^""]"#,
              #"error: model.train[1]: "" is an empty argument; accepted: a non-empty string"#),
    ErrorCase("train naming no program", withModel(#"{"kind": "command", "train": [" ", "x"], "workdir": "cmd-work"}"#), at: #"" ""#,
              #"error: model.train[0]: " " names no program; accepted: a program name or path, such as "python3" or "./train.sh""#),
    ErrorCase("evaluate empty", withModel(#"{"kind": "command", "train": ["a"], "evaluate": [], "workdir": "cmd-work"}"#), at: "[]",
              "error: model.evaluate: [] names no program; accepted: \(accepted)"),
    ErrorCase("predict holding null", withModel(#"{"kind": "command", "train": ["a"], "predict": ["p", true], "workdir": "cmd-work"}"#), at: "true]",
              #"error: model.predict[1]: expected a string (one argument; write numbers as "3"), found a boolean true"#),
    // workdir
    ErrorCase("workdir missing", withModel(#"{"kind": "command", "train": ["python3", "train.py"]}"#), at: #"{"kind": "command""#,
              #"error: model.workdir: missing required field; accepted: the folder holding the commands' files, relative to the experiment file ("." for its own folder)"#),
    ErrorCase("workdir not a string", withModel(#"{"kind": "command", "train": ["a"], "workdir": 5}"#), at: "5}",
              "error: model.workdir: expected a string, found an integer 5"),
    ErrorCase("workdir does not exist", withModel(#"{"kind": "command", "train": ["a"], "workdir": "nowhere/sub"}"#), at: #""nowhere/sub""#,
              #"error: model.workdir: "nowhere/sub" does not exist (looked for \#(ExperimentFixture.directory.path)/nowhere/sub); accepted: a folder path relative to the experiment file"#),
    ErrorCase("workdir is a file", withModel(#"{"kind": "command", "train": ["a"], "workdir": "data.csv"}"#), at: #""data.csv""#,
              #"error: model.workdir: "data.csv" is a file (\#(ExperimentFixture.directory.path)/data.csv); accepted: the folder holding the commands' files"#),
    // env
    ErrorCase("env not an object", withModel(#"{"kind": "command", "train": ["a"], "workdir": "cmd-work", "env": ["A=1"]}"#), at: #"["A=1"]"#,
              #"error: model.env: expected an object of environment variables {"OMP_NUM_THREADS": "1"}, found an array ["A=1"]"#),
    ErrorCase("env value a number", withModel(#"{"kind": "command", "train": ["a"], "workdir": "cmd-work", "env": {"THREADS": 4}}"#), at: "4}",
              #"error: model.env.THREADS: expected a string (the variable's value; write numbers as "1"), found an integer 4"#),
    ErrorCase("env name empty", withModel(#"{"kind": "command", "train": ["a"], "workdir": "cmd-work", "env": {"": "x"}}"#), at: #"{^"": "x"}"#,
              #"error: model.env: "" is an empty variable name; accepted: \#(names)"#),
    ErrorCase("env name holding =", withModel(#"{"kind": "command", "train": ["a"], "workdir": "cmd-work", "env": {"A=B": "x"}}"#), at: #""A=B""#,
              #"error: model.env.A=B: "A=B" holds '=', which ends a variable's name; accepted: \#(names)"#),
    ErrorCase("env name of hpo's", withModel(#"{"kind": "command", "train": ["a"], "workdir": "cmd-work", "env": {"HPO_TRIAL": "3"}}"#), at: #""HPO_TRIAL""#,
              #"error: model.env.HPO_TRIAL: "HPO_TRIAL" is hpo's: the worker sets HPO_ variables for every trial; accepted: \#(names)"#),
    // timeout
    ErrorCase("timeout not a duration", withModel(#"{"kind": "command", "train": ["a"], "workdir": "cmd-work", "timeout": "soon"}"#), at: #""soon""#,
              #"error: model.timeout: "soon" is not a duration; accepted: a number of seconds > 0 or a duration such as "90s", "30m", "2h""#),
    ErrorCase("timeout of 0 seconds", withModel(#"{"kind": "command", "train": ["a"], "workdir": "cmd-work", "timeout": 0}"#), at: "0}",
              "error: model.timeout: 0 is out of range; accepted: \(durations)"),
    ErrorCase("negative timeout", withModel(#"{"kind": "command", "train": ["a"], "workdir": "cmd-work", "timeout": -5}"#), at: "-5}",
              "error: model.timeout: -5 is out of range; accepted: \(durations)"),
    ErrorCase("zero duration", withModel(#"{"kind": "command", "train": ["a"], "workdir": "cmd-work", "timeout": "0.0m"}"#), at: #""0.0m""#,
              #"error: model.timeout: "0.0m" is no time at all; accepted: \#(durations)"#),
    ErrorCase("timeout beyond the limit", withModel(#"{"kind": "command", "train": ["a"], "workdir": "cmd-work", "timeout": 1e10}"#), at: "1e10",
              #"error: model.timeout: 1e10 is more than 1000000000 seconds (about 31 years); accepted: a timeout up to 1000000000 seconds, such as "30m" or "2h""#),
    ErrorCase("duration beyond the limit", withModel(#"{"kind": "command", "train": ["a"], "workdir": "cmd-work", "timeout": "300000h"}"#), at: #""300000h""#,
              #"error: model.timeout: "300000h" is more than 1000000000 seconds (about 31 years); accepted: a timeout up to 1000000000 seconds, such as "30m" or "2h""#),
    ErrorCase("timeout a boolean", withModel(#"{"kind": "command", "train": ["a"], "workdir": "cmd-work", "timeout": true}"#), at: "true}",
              "error: model.timeout: expected \(durations), found a boolean true"),
    // fields of other kinds, and command fields on other kinds
    ErrorCase("precision on a command", withModel(#"{"kind": "command", "train": ["a"], "workdir": "cmd-work", "precision": "float64"}"#), at: #""float64""#,
              #"error: model.precision: a command model trains with your own code, in its own precision; accepted: remove "precision""#),
    ErrorCase("function on a command", withModel(#"{"kind": "command", "train": ["a"], "workdir": "cmd-work", "function": "branin"}"#), at: #""branin""#,
              #"error: model.function: only the "function" model kind evaluates a function; accepted: remove "function" or use kind "function""#),
    ErrorCase("train on mlp", ExperimentFixture().with("model", #"{"kind": "mlp", "epochs": 10, "train": ["python3", "train.py"]}"#), at: #"["python3""#,
              #"error: model.train: "train" belongs to model kind "command" (your own training command), not to mlp; accepted: remove "train" or use kind "command""#),
    ErrorCase("timeout on a function", base.with("model", #"{"kind": "function", "function": "sphere", "timeout": "1h"}"#), at: #""1h""#,
              #"error: model.timeout: "timeout" belongs to model kind "command" (your own training command), not to function; accepted: remove "timeout" or use kind "command""#),
    ErrorCase("misspelt command field", withModel(#"{"kind": "command", "train": ["a"], "workdir": "cmd-work", "timout": 60}"#), at: #""timout""#,
              #"error: model.timout: unknown field "timout"; did you mean "timeout"? accepted: kind, epochs, precision, function, checkpoint_every, train, evaluate, predict, workdir, env or timeout"#),
    // objective and early stopping
    ErrorCase("value with data", base.with("data", #"{"path": "data.csv", "task": "regression"}"#), at: #""value""#,
              #"error: objective.metric: "value" is the metric of a command experiment without data, and this one has data.task "regression"; accepted: "rmse", "mae" or "r2", or leave out "data" to optimise "value""#),
    ErrorCase("metric of the other task", base.with("data", #"{"path": "data.csv", "task": "regression"}"#).with("objective", #"{"metric": "accuracy"}"#), at: #""accuracy""#,
              #"error: objective.metric: "accuracy" is a classification metric but data.task is "regression"; accepted: "rmse", "mae" or "r2""#),
    ErrorCase("early stopping without epochs", base.with("early_stopping", #"{"scheduler": "asha"}"#), at: #"{"scheduler": "asha"}"#,
              #"error: early_stopping: command has no model.epochs to stop early; accepted: early stopping with "softmax" or "mlp" (or a function or command with epochs), or remove "early_stopping""#),
    ErrorCase("min_epochs above the command's epochs", withModel(#"{"kind": "command", "train": ["a"], "workdir": "cmd-work", "epochs": 5}"#).with("early_stopping", #"{"scheduler": "asha", "min_epochs": 9}"#), at: "9}",
              "error: early_stopping.min_epochs: 9 is more than model.epochs 5; accepted: an integer from 1 to 5"),
    // the release
    ErrorCase("gates without evaluate", base.with("validation", #"{"gates": [{"metric": "value", "max": 1}]}"#), at: #"[{"metric""#,
              "error: validation.gates: gates are checked on the test metrics that model.evaluate reports, and this command model has no \"evaluate\"; \(noEvaluate) \"gates\""),
    ErrorCase("max_gap without evaluate", base.with("validation", #"{"max_gap": 0.1}"#), at: "0.1}",
              "error: validation.max_gap: the gap compares the objective on the validation and test splits, and only model.evaluate reports test metrics; \(noEvaluate) \"max_gap\""),
    ErrorCase("champion without evaluate", base.with("validation", #"{"champion": "registry/x"}"#), at: #""registry/x""#,
              "error: validation.champion: the winner is compared with the champion on the test metrics that model.evaluate reports, and this command model has no \"evaluate\"; \(noEvaluate) \"champion\""),
    ErrorCase("stress tests on a command", base.with("validation", #"{"stress": true}"#), at: "true}",
              #"error: validation.stress: stress tests probe the predictions of hpo's own models, and a command model's predictions come from your own code; accepted: false, or leave "stress" out (off for command models)"#),
    ErrorCase("output range on a command", base.with("validation", #"{"output_range": {"min": 0}}"#), at: #"{"min": 0}"#,
              #"error: validation.output_range: the output range is checked by the stress tests of hpo's own models, and a command model's predictions come from your own code; accepted: remove "output_range""#),
    ErrorCase("refit on a command", base.with("validation", #"{"refit": true}"#), at: "true}",
              #"error: validation.refit: refitting on train + validation retrains hpo's own models, not a command; accepted: false, or leave "refit" out"#),
    ErrorCase("seed stability on a command", base.with("validation", #"{"seed_stability": {"max_spread": 0.1}}"#), at: #"{"max_spread""#,
              #"error: validation.seed_stability: seed stability refits hpo's own models with other seeds, not a command; accepted: remove "seed_stability""#),
    ErrorCase("new data without data", base.with("validation", #"{"new_data": "data.csv"}"#), at: #""data.csv""#,
              #"error: validation.new_data: new data is compared with the training split, and this experiment has no data; accepted: add "data", or remove "new_data""#),
    ErrorCase("drift without data", base.with("validation", #"{"drift": {"alpha": 0.01}}"#), at: #"{"alpha""#,
              #"error: validation.drift: drift is compared with the training split, and this experiment has no data; accepted: add "data", or remove "drift""#),
  ]

  @Test(arguments: cases)
  func load_rejectsWithWholeMessage(_ c: ErrorCase) {
    _ = Self.workdir
    do {
      let loaded = try ExperimentLoader.load(bytes: Array(c.document().utf8), file: "experiment.json", baseDirectory: ExperimentFixture.directory)
      Issue.record("accepted: \(loaded.spec.model)")
    } catch {
      #expect(error.rendered == c.expected)
    }
  }

  @Test(arguments: ["30 m", "1e3s", "5d", "-1h", ".5h", "1.h", "m", "10", "", "1.5.2h", "٣s", "inf", "30M"])
  func timeout_refusesWhatIsNotADuration(_ text: String) {
    _ = Self.workdir
    let fixture = Self.withModel(#"{"kind": "command", "train": ["a"], "workdir": "cmd-work", "timeout": \#(JSONWriter.quote(text))}"#)
    do {
      _ = try fixture.load()
      Issue.record("accepted \(text)")
    } catch {
      #expect(error.errors.map(\.description) == ["model.timeout: \(JSONWriter.quote(text)) is not a duration; accepted: \(Self.durations)"])
    }
  }

  @Test(arguments: [("90", 90.0), ("0.5", 0.5), (#""90s""#, 90), (#""30m""#, 1800), (#""2h""#, 7200), (#""1.5h""#, 5400), (#""0.25s""#, 0.25)])
  func timeout_acceptsSecondsAndDurations(_ written: String, _ seconds: Double) throws {
    _ = Self.workdir
    let spec = try Self.withModel(#"{"kind": "command", "train": ["a"], "workdir": "cmd-work", "timeout": \#(written)}"#).load().spec
    #expect(spec.model.command?.timeoutSeconds == seconds)
  }

  @Test func load_readsEveryCommandField() throws {
    _ = Self.workdir
    let loaded = try Self.withModel(#"""
      {"kind": "command", "train": ["python3", "train.py", "--fast"], "evaluate": ["python3", "evaluate.py"],
       "predict": ["./predict.sh"], "workdir": "cmd-work", "env": {"OMP_NUM_THREADS": "1", "EMPTY": ""}, "timeout": "30m", "epochs": 20}
      """#).with("early_stopping", #"{"scheduler": "asha", "min_epochs": 2}"#).load()
    let spec = loaded.spec
    #expect(spec.data == nil)
    #expect(spec.model == ModelSpec(kind: .command, epochs: 20, command: CommandSpec(
      train: ["python3", "train.py", "--fast"], evaluate: ["python3", "evaluate.py"], predict: ["./predict.sh"],
      workdir: "cmd-work", env: ["OMP_NUM_THREADS": "1", "EMPTY": ""], timeoutSeconds: 1800)))
    #expect(spec.model.hasEpochs)
    #expect(spec.earlyStopping?.minEpochs == 2)
    #expect(spec.objective == ObjectiveSpec(metric: .value, direction: .minimize))
    #expect(loaded.workdirURL?.path == Self.workdir.standardizedFileURL.path)
    #expect(loaded.warnings.isEmpty)
  }

  @Test func load_minimalCommandHasNoEnvNoTimeoutNoEpochs() throws {
    _ = Self.workdir
    let model = try Self.base.load().spec.model
    #expect(model == ModelSpec(kind: .command, command: CommandSpec(train: ["python3", "train.py"], workdir: "cmd-work")))
    #expect(!model.hasEpochs)
  }

  @Test func load_absoluteWorkdirAndTheExperimentFolder() throws {
    _ = Self.workdir
    let absolute = try Self.withModel(#"{"kind": "command", "train": ["a"], "workdir": \#(JSONWriter.quote(Self.workdir.path))}"#).load()
    #expect(absolute.workdirURL?.path == Self.workdir.path)
    let here = try Self.withModel(#"{"kind": "command", "train": ["a"], "workdir": "."}"#).load()
    #expect(here.workdirURL?.path == ExperimentFixture.directory.standardizedFileURL.path)
  }

  /// Without data any metric is the command's to report, either way round when it has no natural one.
  @Test func load_withoutDataAcceptsAnyMetric() throws {
    _ = Self.workdir
    for metric in Metric.allCases {
      let spec = try Self.base.with("objective", #"{"metric": "\#(metric.rawValue)"}"#).load().spec
      #expect(spec.objective == ObjectiveSpec(metric: metric))
    }
    let maximised = try Self.base.with("objective", #"{"metric": "value", "direction": "maximize"}"#).load().spec
    #expect(maximised.objective.direction == .maximize)
  }

  /// With data, the metric fits the task, and the release gates that a command can meet load.
  @Test func load_withDataAndAReleaseThatFits() throws {
    _ = Self.workdir
    let loaded = try Self.withModel(#"{"kind": "command", "train": ["a"], "evaluate": ["e"], "workdir": "cmd-work"}"#)
      .with("data", #"{"path": "data.csv", "task": "classification"}"#)
      .with("objective", #"{"metric": "accuracy"}"#)
      .with("validation", #"{"gates": [{"metric": "accuracy", "min": 0.9}], "max_gap": 0.05, "champion": "registry/x", "new_data": "data.csv", "drift": {"alpha": 0.01}, "stress": false, "refit": false}"#)
      .load()
    let v = try #require(loaded.spec.validation)
    #expect(loaded.spec.data?.task == .classification)
    #expect(v.gates == [Gate(metric: .accuracy, min: 0.9)])
    #expect(v.champion == "registry/x" && v.maxGap == 0.05 && v.newData == "data.csv")
    #expect(!v.stress, "stress tests are off for commands")
  }

  /// A validation section without "stress" turns stress tests off for a command (on for hpo's own models).
  @Test func stress_offByDefaultForCommandsOnly() throws {
    _ = Self.workdir
    let command = try Self.base.with("validation", #"{"gates": []}"#).load().spec
    #expect(command.validation?.stress == false)
    let mlp = try ExperimentFixture().with("validation", #"{"gates": []}"#).load().spec
    #expect(mlp.validation?.stress == true)
  }

  @Test func load_reportsEveryCommandErrorNotOnlyTheFirst() {
    _ = Self.workdir
    do {
      _ = try Self.withModel(#"{"kind": "command", "train": ["a", 1, ""], "workdir": "nowhere", "env": {"A=B": "1", "N": 2}, "timeout": "soon"}"#).load()
      Issue.record("accepted")
    } catch {
      #expect(error.errors.map(\.path) == ["model.train[1]", "model.train[2]", "model.workdir", "model.env.A=B", "model.env.N", "model.timeout"])
    }
  }

  @Test func commandFieldsOnAnotherKind_eachReported() {
    do {
      _ = try ExperimentFixture().with("model", #"{"kind": "mlp", "epochs": 10, "workdir": ".", "env": {}, "timeout": 5}"#).load()
      Issue.record("accepted")
    } catch {
      #expect(error.errors.map(\.path) == ["model.workdir", "model.env", "model.timeout"])
    }
  }

  @Test func data_stillRequiredForHPOsOwnModels() {
    do {
      _ = try ExperimentFixture().without("data").load()
      Issue.record("accepted")
    } catch {
      #expect(error.errors.map(\.description) == [
        #"data: missing required field; accepted: an object {"path": ..., "task": ...} (optional only for model kinds "function" and "command")"#,
      ])
    }
  }

  /// A command model with errors elsewhere in it still needs no data.
  @Test func data_optionalEvenWhenTheCommandHasErrors() {
    _ = Self.workdir
    do {
      _ = try Self.withModel(#"{"kind": "command", "train": [], "workdir": "cmd-work"}"#).load()
      Issue.record("accepted")
    } catch {
      #expect(error.errors.map(\.path) == ["model.train"])
    }
  }

  // MARK: Encoding

  @Test func spec_roundTripsThroughJSON() throws {
    _ = Self.workdir
    let spec = try Self.withModel(#"{"kind": "command", "train": ["python3", "t.py"], "evaluate": ["e"], "workdir": "cmd-work", "env": {"K": "V"}, "timeout": "2h", "epochs": 3}"#)
      .load().spec
    let encoder = JSONEncoder()
    encoder.outputFormatting = .sortedKeys
    let data = try encoder.encode(spec)
    #expect(try JSONDecoder().decode(ExperimentSpec.self, from: data) == spec)
    let model = try encoder.encode(spec.model)
    #expect(String(decoding: model, as: UTF8.self) == #"{"command":{"env":{"K":"V"},"evaluate":["e"],"timeout_seconds":7200,"train":["python3","t.py"],"workdir":"cmd-work"},"epochs":3,"kind":"command","precision":"float32"}"#)
  }

  /// The spec hash of hpo's own models is unchanged: their model encodes without a "command" key.
  @Test func builtInModelsEncodeAsBefore() throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = .sortedKeys
    let mlp = try encoder.encode(try ExperimentFixture().load().spec.model)
    #expect(String(decoding: mlp, as: UTF8.self) == #"{"epochs":10,"kind":"mlp","precision":"float32"}"#)
  }

  // MARK: Text

  @Test func summary_showsTheCommand() throws {
    _ = Self.workdir
    let loaded = try Self.withModel(#"{"kind": "command", "train": ["python3", "train.py", "--name", "my run"], "evaluate": ["python3", "evaluate.py"], "workdir": "cmd-work", "env": {"B": "secret", "A": "1"}, "timeout": "1.5h", "epochs": 20}"#)
      .load()
    let text = ExperimentSummary(loaded).text
    #expect(text.contains("  model      command python3 train.py --name 'my run' · 20 epochs · evaluate python3 evaluate.py · workdir cmd-work · env A, B · timeout 90m\n"), "\(text)")
    #expect(text.contains("  objective  minimize value as the train command reports it\n"), "\(text)")
    #expect(!text.contains("secret"), "values of env may be secrets")
    let plain = ExperimentSummary(try Self.base.load()).text
    #expect(plain.contains("  model      command python3 train.py · workdir cmd-work · no timeout\n"), "\(plain)")
  }

  @Test func durationText_usesTheLargestWholeUnit() {
    #expect(CommandSpec.durationText(seconds: 7200) == "2h")
    #expect(CommandSpec.durationText(seconds: 5400) == "90m")
    #expect(CommandSpec.durationText(seconds: 90) == "90s")
    #expect(CommandSpec.durationText(seconds: 60) == "1m")
    #expect(CommandSpec.durationText(seconds: 0.5) == "0.5s")
  }

  @Test func commandLine_quotesWhatAShellWouldSplit() {
    #expect(CommandSpec.commandLine(["python3", "train.py", "--lr=0.1"]) == "python3 train.py --lr=0.1")
    #expect(CommandSpec.commandLine(["sh", "-c", "echo $HOME; ls"]) == "sh -c 'echo $HOME; ls'")
    #expect(CommandSpec.commandLine(["echo", "it's"]) == #"echo 'it'\''s'"#)
  }
}
