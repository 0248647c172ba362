import Foundation
import Testing

/// `hpo validate` and `hpo --version`, run as the built binary.
@Suite struct ValidateCommandTests {
  @Test func version_printsTheVersion() throws {
    let r = try HPOProcess.run(["--version"])
    #expect(r.exitCode == 0)
    #expect(r.standardOutput == "0.1.0\n")
  }

  @Test func validate_exampleExperimentPrintsItsSummary() throws {
    let r = try HPOProcess.run(["validate", "Experiments/digits-mlp.json"])
    #expect(r.exitCode == 0)
    #expect(r.standardError == "")
    #expect(r.standardOutput == """
      digits-mlp: valid
        data            data/digits.csv · classification · label "label" · split 60/20/20 train/validation/test (seed 0) · 4 shards · missing values: reject
        model           mlp · 27 epochs · float32
        objective       maximize accuracy on the validation split
        search          tpe · 40 trials · 4 parallel · seed 42 · 10 startup trials, 24 candidates, gamma 0.1, multivariate, constant liar
        early stopping  asha · min 1 epoch · reduction factor 3 · rungs at epochs 1, 3, 9, 27 · expected about 120 epochs in all (11% of 40 × 27 without early stopping)
        gates           accuracy ≥ 0.95 · champion registry/digits-mlp (tolerance 0) · stress tests
        output          runs/digits-mlp · keep top 3 checkpoints

      parameters (8)
        name           kind         domain         scale   active when
        activation     categorical  relu | tanh
        batch_size     categorical  32 | 64 | 128
        hidden_units   int          16 … 256       log
        l2             float        1e-06 … 0.01   log
        layers         int          1 … 3          linear
        learning_rate  float        0.0001 … 0.3   log
        momentum       float        0 … 0.99       linear  optimizer = sgd
        optimizer      categorical  sgd | adam

      grid size: unbounded (l2, learning_rate and momentum are continuous; add "grid_points" for a grid search)
      conditions: optimizer → momentum

      """)
  }

  @Test func validate_pathsAreRelativeToTheExperimentFile() throws {
    // Run from another folder: data/digits.csv must still resolve next to the experiment.
    let elsewhere = try HPOProcess.temporaryDirectory()
    let r = try HPOProcess.run(["validate", HPOProcess.repository.appendingPathComponent("Experiments/digits-mlp.json").path], in: elsewhere)
    #expect(r.exitCode == 0, "\(r.standardError)")
  }

  @Test func validate_hyperbandBudgetWeighsItsBrackets() throws {
    // 80 trials, rungs 1, 3, 9, 27: brackets of 27, 12, 6 and 4 trials per cycle spend
    // 3, 7, 15 and 27 epochs per trial, so about 80 × 363/49 = 593 epochs (ASHA alone: 240).
    let dir = try HPOProcess.temporaryDirectory()
    let path = dir.appendingPathComponent("hb.json").path
    try """
      {"name": "hb", "model": {"kind": "function", "function": "sleep", "epochs": 27},
       "space": {"x": {"type": "float", "low": 0, "high": 1}}, "objective": {"metric": "value"},
       "search": {"strategy": "random", "trials": 80},
       "early_stopping": {"scheduler": "hyperband", "min_epochs": 1, "reduction_factor": 3}}
      """.write(toFile: path, atomically: true, encoding: .utf8)
    let r = try HPOProcess.run(["validate", path])
    #expect(r.exitCode == 0, "\(r.standardError)")
    #expect(r.standardOutput.contains("rungs at epochs 1, 3, 9, 27 · expected about 593 epochs in all (27% of 80 × 27 without early stopping)"), "\(r.standardOutput)")
  }

  struct BadInput: CustomTestStringConvertible, Sendable {
    let id: String
    let json: String?
    let arguments: [String]
    let expectedError: String
    var testDescription: String { id }
  }

  static let badInputs: [BadInput] = [
    BadInput(id: "malformed JSON", json: "{\"name\": \"x\",\n \"data\": [}", arguments: [],
             expectedError: "exp.json:2:11: error: malformed JSON: unexpected '}'; expected a value (object, array, string, number, true, false or null)\n"),
    BadInput(id: "unknown key", json: #"{"name": "x", "dta": {}}"#, arguments: [],
             expectedError: """
               exp.json:1:1: error: model: missing required field; accepted: an object {"kind": "ridge" | "softmax" | "mlp" | "function" | "command", ...}
               exp.json:1:1: error: data: missing required field; accepted: an object {"path": ..., "task": ...} (optional only for model kinds "function" and "command")
               exp.json:1:1: error: space: missing required field; accepted: an object of parameters {"learning_rate": {"type": "float", ...}}
               exp.json:1:1: error: objective: missing required field; accepted: "objective": {"metric": ..., "direction": ...}, or "objectives": [...] for several
               exp.json:1:1: error: search: missing required field; accepted: an object {"strategy": ..., "trials": ...}
               exp.json:1:15: error: dta: unknown field "dta"; did you mean "data"? accepted: $schema, name, description, data, model, space, objective, objectives, constraints, search, early_stopping, validation, release, output or resources

               """),
    BadInput(id: "missing experiment file", json: nil, arguments: ["missing.json"],
             expectedError: "missing.json: error: no such file; give the path of an experiment JSON file\n"),
  ]

  @Test(arguments: badInputs)
  func validate_badInputExitsTwoWithTheMessageAndWritesNothing(_ c: BadInput) throws {
    let dir = try HPOProcess.temporaryDirectory()
    if let json = c.json { try json.write(to: dir.appendingPathComponent("exp.json"), atomically: true, encoding: .utf8) }
    let before = try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
    let r = try HPOProcess.run(["validate"] + (c.arguments.isEmpty ? ["exp.json"] : c.arguments), in: dir)
    #expect(r.exitCode == 2)
    #expect(r.standardError == c.expectedError)
    #expect(r.standardOutput == "")
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() == before, "validate writes nothing")
  }

  @Test func validate_semanticErrorEndToEnd() throws {
    let dir = try HPOProcess.temporaryDirectory()
    try "a,label\n1,0\n".write(to: dir.appendingPathComponent("d.csv"), atomically: true, encoding: .utf8)
    let json = """
      {"name": "x", "data": {"path": "d.csv", "task": "regression"}, "model": {"kind": "ridge"},
       "space": {"alpha": {"type": "float", "low": 10, "high": 1}},
       "objective": {"metric": "accuracy"}, "search": {"strategy": "random", "trials": 5}}
      """
    try json.write(to: dir.appendingPathComponent("exp.json"), atomically: true, encoding: .utf8)
    let r = try HPOProcess.run(["validate", "exp.json"], in: dir)
    #expect(r.exitCode == 2)
    #expect(r.standardError == """
      exp.json:2:46: error: space.alpha.low: low 10 is not below high 1; accepted: low < high
      exp.json:3:26: error: objective.metric: "accuracy" is a classification metric but data.task is "regression"; accepted: "rmse", "mae" or "r2"

      """)
  }

  @Test func validate_gridLargerThanBudgetIsAWarningNotAnError() throws {
    let dir = try HPOProcess.temporaryDirectory()
    try "a,label\n1,0\n".write(to: dir.appendingPathComponent("d.csv"), atomically: true, encoding: .utf8)
    let json = """
      {"name": "g", "data": {"path": "d.csv", "task": "classification"}, "model": {"kind": "softmax", "epochs": 5},
       "space": {"learning_rate": {"type": "float", "low": 0.001, "high": 0.1, "log": true, "grid_points": 5},
                 "batch_size": {"type": "categorical", "choices": [32, 64]}},
       "objective": {"metric": "accuracy"}, "search": {"strategy": "grid", "trials": 4}}
      """
    try json.write(to: dir.appendingPathComponent("exp.json"), atomically: true, encoding: .utf8)
    let r = try HPOProcess.run(["validate", "exp.json"], in: dir)
    #expect(r.exitCode == 0)
    #expect(r.standardError == "exp.json:4:80: warning: search.trials: the grid has 10 configurations but the budget is 4 trials; only 4 will be tried\n")
    #expect(r.standardOutput.contains("grid size: 10 configurations\n"))
  }

  /// A command experiment (issue 18): the user's own training command, no data.
  @Test func validate_commandExperiment() throws {
    let dir = try HPOProcess.temporaryDirectory()
    try FileManager.default.createDirectory(at: dir.appendingPathComponent("trainer"), withIntermediateDirectories: true)
    try """
      {"name": "own", "model": {"kind": "command", "train": ["python3", "train.py"], "evaluate": ["python3", "evaluate.py"],
                                "workdir": "trainer", "env": {"OMP_NUM_THREADS": "1"}, "timeout": "30m", "epochs": 9},
       "space": {"max_depth": {"type": "int", "low": 2, "high": 8}}, "objective": {"metric": "accuracy"},
       "search": {"strategy": "random", "trials": 20}, "early_stopping": {"scheduler": "asha"},
       "validation": {"gates": [{"metric": "accuracy", "min": 0.8}]}}
      """.write(to: dir.appendingPathComponent("exp.json"), atomically: true, encoding: .utf8)
    let r = try HPOProcess.run(["validate", "exp.json"], in: dir)
    #expect(r.exitCode == 0, "\(r.standardError)")
    #expect(r.standardError == "")
    #expect(r.standardOutput.contains("""
        model           command python3 train.py · 9 epochs · evaluate python3 evaluate.py · workdir trainer · env OMP_NUM_THREADS · timeout 30m
        objective       maximize accuracy as the train command reports it

      """), "\(r.standardOutput)")
    #expect(r.standardOutput.contains("  gates           accuracy ≥ 0.8 · no stress tests\n"), "\(r.standardOutput)")
  }

  @Test func validate_badCommandExperimentExitsTwoNamingTheFields() throws {
    let dir = try HPOProcess.temporaryDirectory()
    try """
      {"name": "own", "model": {"kind": "command", "train": "python3 train.py",
                                "workdir": "trainer", "timeout": "soon"},
       "space": {"max_depth": {"type": "int", "low": 2, "high": 8}}, "objective": {"metric": "value"},
       "search": {"strategy": "random", "trials": 20}}
      """.write(to: dir.appendingPathComponent("exp.json"), atomically: true, encoding: .utf8)
    let before = try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
    let r = try HPOProcess.run(["validate", "exp.json"], in: dir)
    #expect(r.exitCode == 2)
    #expect(r.standardOutput == "")
    #expect(r.standardError == """
      exp.json:1:55: error: model.train: "python3 train.py" is one string; accepted: a list of strings, the program and its arguments, such as ["python3", "train.py"] (hpo runs no shell: split the arguments, or write ["sh", "-c", "python3 train.py"])
      exp.json:2:38: error: model.workdir: "trainer" does not exist (looked for \(dir.standardizedFileURL.path)/trainer); accepted: a folder path relative to the experiment file
      exp.json:2:60: error: model.timeout: "soon" is not a duration; accepted: a number of seconds > 0 or a duration such as "90s", "30m", "2h"

      """)
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() == before, "validate writes nothing")
  }

  @Test func usageErrorsExitTwo() throws {
    let r = try HPOProcess.run(["validate"])
    #expect(r.exitCode == 2)
    #expect(r.standardError.hasPrefix("Error: Missing expected argument '<experiment>'"))
    let unknown = try HPOProcess.run(["frobnicate"])
    #expect(unknown.exitCode == 2)
  }
}
