import HPOCore
import HPOData
import HPOReports

extension CommandWinner {
  /// The winner in `result.json` and `manifest.json`.
  var winnerJSON: JSONValue {
    .object([
      ("trial", .int(trial)), ("configuration", configuration.json), ("seed", .string(String(seed))),
      ("origin", .string("checkpoint")), ("validation", .metrics(validationMetrics)), ("test", .metrics(testMetrics)),
      ("reported", .object(reported.keys.sorted().map { ($0, .number(reported[$0])) })),
      ("evaluated_on", .string(worker)), ("evaluate_seconds", .number(seconds)),
    ])
  }

  /// The model in `manifest.json`: the commands and every file of the code and the checkpoint with its SHA-256.
  var modelJSON: JSONValue {
    func argv(_ a: [String]?) -> JSONValue { a.map { .array($0.map { .string($0) }) } ?? JSONValue(.null) }
    func files(_ entries: [FileBundle.Entry]) -> JSONValue {
      .array(entries.map { .object([("path", .string($0.path)), ("bytes", .int($0.bytes)), ("sha256", .string($0.sha256))]) })
    }
    return .object([
      ("kind", .string("command")), ("train", argv(command.train)), ("evaluate", argv(command.evaluate)),
      ("predict", argv(command.predict)), ("env", .object(command.env.keys.sorted().map { ($0, .string(command.env[$0] ?? "")) })),
      ("code_files", files(codeFiles)), ("checkpoint_files", files(checkpointFiles)),
      ("onnx", onnx.map { s in
        .object([
          ("ir_version", .int(Int(s.irVersion))), ("opsets", .array(s.opsets.map { .string($0) })),
          ("inputs", .array(s.inputs.map { .string($0) })), ("outputs", .array(s.outputs.map { .string($0) })), ("nodes", .int(s.nodes)),
        ])
      } ?? JSONValue(.null)),
    ])
  }
}

extension ReleaseReport {
  /// The model card of a command model: what it is, how to run it, how well
  /// it did (validation and held-out test), the gates, and its files.
  func commandModelCard(_ c: CommandWinner) -> String {
    let fixed = ReportText.fixed
    var md = "# \(spec.name)\n\n"
    if let description = spec.description { md += "\(description)\n\n" }
    md += "**Model**: your own code (a command model), trial \(c.trial) of \(record.trials.count); configuration `\(c.configuration)`, seed \(c.seed).\n\n"
    md += "## Commands\n\n"
    md += "- train: `\(c.command.train.joined(separator: " "))`\n"
    if let e = c.command.evaluate { md += "- evaluate: `\(e.joined(separator: " "))`\n" }
    md += "- predict: " + (c.command.predict.map { "`\($0.joined(separator: " "))` (`hpo predict --package DIR --data FILE.csv`)" } ?? "none (the experiment's model had no \"predict\")") + "\n"
    md += "\nThey run in a folder holding the files of `code.bundle`, with `HPO_CHECKPOINT_DIR` the files of `checkpoint.bundle` and `HPO_PARAMS` the configuration (`command.json`).\n"
    md += "\n## Metrics\n\n| metric | validation | test (held out) |\n|---|---|---|\n"
    for m in Metric.allCases where c.testMetrics[m] != nil || c.validationMetrics[m] != nil {
      md += "| \(m.rawValue) | \(fixed(c.validationMetrics[m])) | \(fixed(c.testMetrics[m])) |\n"
    }
    md += "\nThe test metrics are what `evaluate` reported on the held-out split (on \(c.worker), \(fixed(c.seconds)) s).\n"
    md += "\n## Gates\n\n"
    for g in gates { md += "- \(g.passed ? "✅" : "❌") **\(g.name)** (\(g.threshold)): \(g.detail)\n" }
    if gates.isEmpty { md += "None were set.\n" }
    md += "\n## Limits\n\n"
    if let data = spec.data {
      md += "- Trained and tested only on rows like those of `\(data.path)`; `data-profile.json` describes them (`hpo drift` compares new data with it).\n"
    }
    md += "- hpo ran the commands but does not know what they compute: the metrics above are the command's own.\n"
    md += "\n## Files\n\n`command.json` (how to run it), `code.bundle` (\(c.codeFiles.count) files of the workdir), `checkpoint.bundle` (\(c.checkpointFiles.count) files)"
    if c.onnx != nil { md += ", `model.onnx` (checked to load)" }
    md += ", `manifest.json` (provenance, every file with its SHA-256), `SHA256SUMS` (`sha256sum -c SHA256SUMS`).\n"
    return md
  }
}
