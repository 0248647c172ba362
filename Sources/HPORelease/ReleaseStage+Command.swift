import Foundation
import HPOCore
import HPOData
import HPODrift
import HPOONNX
import HPOStore

/// The winner of a command experiment, as its `evaluate` command scored it
/// on the test split, and what its package holds.
struct CommandWinner {
  var trial: Int
  var configuration: Configuration
  var seed: UInt64
  var validationMetrics: [Metric: Double]
  var testMetrics: [Metric: Double]
  /// Every metric `evaluate` reported, by the name it used.
  var reported: [String: Double]
  /// The worker that ran `evaluate`, and how long it took.
  var worker: String
  var seconds: Double
  var command: PackagedCommand
  var codeFiles: [FileBundle.Entry] = []
  var checkpointFiles: [FileBundle.Entry] = []
  /// What `model.onnx` holds, when the checkpoint had one that loads.
  var onnx: ONNXCheck.Summary?
}

extension ReleaseStage {
  /// The release of a command experiment: the gates decide on the test
  /// metrics its `evaluate` commands reported (thresholds, the gap to the
  /// validation metrics, the champion's own `evaluate` on the same test
  /// file, drift of `validation.new_data`, and a `model.onnx` that must load
  /// when the checkpoint holds one); the package holds `command.json`,
  /// `code.bundle`, `checkpoint.bundle`, `model.onnx` and `data-profile.json`
  /// when there are, the manifest, the model card and `SHA256SUMS`.
  /// - Throws: ``ReleaseError`` when it cannot decide: an `evaluate` that
  ///   failed or did not report the objective's metric, missing files.
  func evaluateCommand(_ record: SearchRecord, evaluations: [CommandEvaluation], into report: inout ReleaseReport) throws {
    let spec = record.spec
    let v = spec.validation ?? ValidationSpec()
    let metric = spec.releaseObjective.metric
    guard let command = spec.model.command, let best = record.winner else {
      throw ReleaseError(record.noWinnerReason)
    }
    let evaluated = try Self.metrics(of: .winner, in: evaluations, metric: metric)
    var winner = CommandWinner(
      trial: best.number, configuration: spec.space.normalized(best.record.configuration), seed: best.seed,
      validationMetrics: Self.known(best.metrics), testMetrics: Self.known(evaluated.metrics), reported: evaluated.metrics,
      worker: evaluated.worker, seconds: evaluated.seconds,
      command: PackagedCommand(
        experiment: spec.name, trial: best.number, seed: best.seed,
        configuration: spec.space.normalized(best.record.configuration), command: command))
    report.commandWinner = winner

    var gates = ReleaseGates.thresholds(v.gates, test: winner.testMetrics)
    if let maxGap = v.maxGap {
      gates.append(ReleaseGates.gap(maxGap, metric: metric, validation: winner.validationMetrics, test: winner.testMetrics))
    }
    if let entry = v.champion {
      let comparison = try Self.championComparison(entry: entry, evaluations: evaluations, metric: metric, winner: evaluated.metrics)
      report.champion = comparison
      gates.append(ReleaseGates.champion(comparison, entry: entry, validation: v, direction: spec.releaseObjective.direction))
    }

    guard let kept = record.checkpoints.first(where: { $0.trial.number == best.number }) else {
      throw ReleaseError("the winning trial \(best.number) has no checkpoint in the store; nothing can be packaged")
    }
    let checkpoint = try Self.read(kept.path, what: "the winner's checkpoint", sha256: kept.sha256)
    let code = try Self.read(spec.output.dir + "/data/" + ShardedDataSource.CommandFile.bundle, what: "the workdir's bundle")
    do {
      winner.codeFiles = try FileBundle(decoding: code).entries
      let bundle = try FileBundle(decoding: checkpoint)
      winner.checkpointFiles = bundle.entries
      var files: [String: [UInt8]] = [
        PackagedCommand.codeFileName: code, PackagedCommand.checkpointFileName: checkpoint,
        PackagedCommand.fileName: try Self.encode(winner.command),
      ]
      if let index = bundle.entries.firstIndex(where: { $0.path == "model.onnx" }) {
        let onnx = Array(bundle.content(index))
        let gate: GateResult
        do {
          let summary = try ONNXCheck.check(onnx)
          winner.onnx = summary
          files["model.onnx"] = onnx
          gate = GateResult(
            name: "onnx", kind: .onnx, passed: true, threshold: "loads",
            detail: "model.onnx loads: IR \(summary.irVersion), \(summary.opsets.joined(separator: ", ")), inputs \(summary.inputs.joined(separator: ", ")), outputs \(summary.outputs.joined(separator: ", ")), \(summary.nodes) nodes")
        } catch {
          gate = GateResult(name: "onnx", kind: .onnx, passed: false, threshold: "loads", detail: "the checkpoint's model.onnx \(error.message)")
        }
        gates.append(gate)
      }
      if let data = spec.data {
        let profile = try DataProfile.make(spec: data, dataPath: data.path)
        files[DataProfile.fileName] = Array(profile.json().utf8)
        if v.newData != nil { gates += DataGates.evaluate(spec: spec, profile: profile) }
      }
      report.commandWinner = winner
      report.gates = gates
      let passed = gates.allSatisfy(\.passed)
      let destination = URL(fileURLWithPath: spec.output.dir).appendingPathComponent(passed ? "package" : "rejected").path
      report.system = SystemInfo.current(experimentDirectory: experimentDirectory ?? command.workdir)
      files["manifest.json"] = Array(try report.manifestJSON(files: files).utf8)
      files["README.md"] = Array(report.modelCard().utf8)
      try PackageWriter.write(files, to: destination)
      report.packagePath = destination
    } catch let error as FileBundleError {
      throw ReleaseError("the winner's files cannot be packaged: \(error)")
    }
  }

  /// What the `evaluate` command of `role` reported, with the objective's metric.
  /// - Throws: ``ReleaseError`` when it did not run, failed, or left the metric out.
  static func metrics(
    of role: EvaluationRole, in evaluations: [CommandEvaluation], metric: Metric
  ) throws -> CommandEvaluation {
    let who = role == .winner ? "the winner's" : "the champion's"
    guard let e = evaluations.first(where: { $0.role == role }) else {
      throw ReleaseError("\(who) evaluate command did not run; nothing was released")
    }
    if let error = e.error {
      let last = e.output.flatMap { $0.split(whereSeparator: \.isNewline).last.map { " (its last line of standard error: \($0.prefix(300)))" } } ?? ""
      throw ReleaseError("\(who) evaluate command failed on \(e.worker): \(error)\(last); its output is in output.dir/logs/evaluate-\(role.rawValue).log")
    }
    guard let value = e.metrics[metric.rawValue], value.isFinite else {
      let reported = e.metrics.keys.sorted().joined(separator: ", ")
      throw ReleaseError(
        "\(who) evaluate command reported \(e.metrics[metric.rawValue].map { "\(metric.rawValue) = \($0)" } ?? "no \(metric.rawValue)") (it reported: \(reported.isEmpty ? "nothing" : reported)); evaluate must report the objective's metric, finite, on HPO_TEST")
    }
    return e
  }

  /// The champion's metric against the winner's, both from `evaluate` on the same test file.
  private static func championComparison(
    entry: String, evaluations: [CommandEvaluation], metric: Metric, winner: [String: Double]
  ) throws -> ChampionComparison? {
    let (registry, name) = Registry.entry(entry)
    guard let version = try registry.current(name) else { return nil }
    let champion = try metrics(of: .champion, in: evaluations, metric: metric)
    return ChampionComparison(
      entry: entry, version: "versions/\(version)", metric: metric,
      champion: champion.metrics[metric.rawValue] ?? .nan, winner: winner[metric.rawValue] ?? .nan,
      unpaired: "a command's evaluate reports metrics, not per-row predictions")
  }

  /// The metrics whose names hpo knows (the gates and reports use these).
  static func known(_ metrics: [String: Double]) -> [Metric: Double] {
    var out: [Metric: Double] = [:]
    for (name, value) in metrics { if let m = Metric(rawValue: name) { out[m] = value } }
    return out
  }

  private static func read(_ path: String, what: String, sha256: String? = nil) throws -> [UInt8] {
    guard let data = FileManager.default.contents(atPath: path) else {
      throw ReleaseError("\(what) \(path) is missing or unreadable; nothing was released")
    }
    let bytes = Array(data)
    if let sha256, SHA256Hex.of(bytes) != sha256 {
      throw ReleaseError("\(what) \(path) changed since it was received; nothing was released")
    }
    return bytes
  }

  private static func encode(_ command: PackagedCommand) throws -> [UInt8] {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    return Array(try encoder.encode(command)) + [0x0A]
  }
}
