import Foundation
import HPOCore
import HPOData
import HPOModels
import HPOStore

/// Everything the release stage found, and the files that say it: the
/// package's manifest and model card, and `report.md`, `junit.xml` and
/// `result.json` in the output folder.
struct ReleaseReport {
  var record: SearchRecord
  var createdAt: Date
  var winner: EvaluatedWinner?
  var gates: [GateResult] = []
  var champion: ChampionComparison?
  var data: DataManifest?
  var statistics: [FeatureStatistics] = []
  /// The winner's imputation of missing values, if it has one.
  var imputation: Preprocessing.Imputation?
  var system: SystemInfo?
  var packagePath: String?
  /// Why the stage could not decide.
  var error: String?

  init(record: SearchRecord, createdAt: Date) {
    self.record = record
    self.createdAt = createdAt
  }

  var spec: ExperimentSpec { record.spec }
  var failedGates: [String] { gates.filter { !$0.passed }.map(\.name) }

  func outcome(output: String) -> ReleaseOutcome {
    let report = URL(fileURLWithPath: output).appendingPathComponent("report.md").path
    if let error {
      return ReleaseOutcome(status: .error, message: "the release stage of \(spec.name) failed: \(error)", report: report)
    }
    let failed = failedGates
    if failed.isEmpty {
      return ReleaseOutcome(
        status: .passed, message: "every gate passed (\(gates.count)); package in \(packagePath ?? "?")", report: report, package: packagePath)
    }
    return ReleaseOutcome(
      status: .gateFailed, failedGates: failed,
      message: "\(failed.count) of \(gates.count) gates failed: \(failed.joined(separator: ", ")); candidate kept in \(packagePath ?? "?")",
      report: report, package: packagePath)
  }

  // MARK: Files in the output folder

  func write(to output: String) throws {
    let dir = URL(fileURLWithPath: output)
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    let o = outcome(output: output)
    try atomicWrite(markdown(o), to: dir.appendingPathComponent("report.md").path)
    try atomicWrite(junit(o), to: dir.appendingPathComponent("junit.xml").path)
    try atomicWrite(JSONWriter.pretty(resultJSON(o)), to: dir.appendingPathComponent("result.json").path)
    try atomicWrite(html(o), to: dir.appendingPathComponent("report.html").path)
  }

  private func title(_ o: ReleaseOutcome) -> String {
    switch o.status {
    case .passed: return "passed ✅"
    case .gateFailed: return "gate failed ❌"
    case .error: return "error ⚠️"
    case .skipped: return "skipped"
    }
  }

  /// Ranked complete trials (best first), then the others.
  private var rankedTrials: [StoredTrial] {
    let sign: Double = spec.objective.direction == .minimize ? 1 : -1
    return record.trials.sorted { a, b in
      let va = a.state == .complete ? sign * (a.record.value ?? .infinity) : .infinity
      let vb = b.state == .complete ? sign * (b.record.value ?? .infinity) : .infinity
      return (va, a.number) < (vb, b.number)
    }
  }

  func markdown(_ o: ReleaseOutcome) -> String {
    let metric = spec.objective.metric.rawValue
    var md = "# \(spec.name): \(title(o))\n\n\(o.message.prefix(1).uppercased() + o.message.dropFirst()).\n\n"
    if let w = winner {
      md += "## Winner\n\nTrial \(w.trial) (\(w.origin), seed \(w.seed)), \(spec.model.kind.rawValue): `\(w.configuration)`\n\n"
      md += "| metric | validation | test |\n|---|---|---|\n"
      for m in Metric.allCases where w.validationMetrics[m] != nil || w.testMetrics[m] != nil {
        md += "| \(m.rawValue)\(m == spec.objective.metric ? " (objective)" : "") | \(formatted(w.validationMetrics[m])) | \(formatted(w.testMetrics[m])) |\n"
      }
      md += "\n"
    }
    if !gates.isEmpty {
      md += "## Gates\n\n| gate | result | value | threshold | detail |\n|---|---|---|---|---|\n"
      for g in gates {
        md += "| \(cell(g.name)) | \(g.passed ? "✅ pass" : "❌ fail") | \(formatted(g.value)) | \(cell(g.threshold)) | \(cell(g.detail)) |\n"
      }
      md += "\n"
    }
    if let c = champion {
      md += "## Champion\n\n\(c.entry) (\(c.version)): \(c.metric.rawValue) champion \(formatted(c.champion)), winner \(formatted(c.winner)); \(c.testSummary).\n\n"
    }
    md += "## Top trials by \(metric)\n\n| rank | trial | state | \(metric) | epochs | configuration |\n|---|---|---|---|---|---|\n"
    for (i, t) in rankedTrials.prefix(10).enumerated() {
      md += "| \(i + 1) | \(t.number) | \(t.state.rawValue) | \(formatted(t.record.value)) | \(t.epochs) | `\(spec.space.normalized(t.record.configuration))` |\n"
    }
    md += "\n\(record.trials.count) trials in all.\n"
    return md
  }

  private func cell(_ s: String) -> String { s.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ") }

  func junit(_ o: ReleaseOutcome) -> String {
    func esc(_ s: String) -> String {
      s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
        .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
    let suite = esc("hpo release \(spec.name)")
    let errors = o.status == .error ? 1 : 0
    let cases = gates.count + errors
    var x = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    x += "<testsuites name=\"hpo\" tests=\"\(cases)\" failures=\"\(failedGates.count)\" errors=\"\(errors)\">\n"
    x += "  <testsuite name=\"\(suite)\" tests=\"\(cases)\" failures=\"\(failedGates.count)\" errors=\"\(errors)\" timestamp=\"\(Registry.timestamp(createdAt))\">\n"
    for g in gates {
      x += "    <testcase classname=\"hpo.gates.\(g.kind.rawValue)\" name=\"\(esc(g.name))\" time=\"0\""
      if g.passed {
        x += "/>\n"
      } else {
        x += ">\n      <failure message=\"\(esc("value \(formatted(g.value)), threshold \(g.threshold)"))\">\(esc(g.detail))</failure>\n    </testcase>\n"
      }
    }
    if let error {
      x += "    <testcase classname=\"hpo.release\" name=\"release stage\" time=\"0\">\n      <error message=\"release stage failed\">\(esc(error))</error>\n    </testcase>\n"
    }
    x += "  </testsuite>\n</testsuites>\n"
    return x
  }

  func resultJSON(_ o: ReleaseOutcome) -> JSONValue {
    var members: [(String, JSONValue)] = [
      ("format", .string("hpo-release-result")), ("version", .int(1)),
      ("experiment", .string(spec.name)), ("outcome", .string(o.status.rawValue)),
      ("failed_gates", .array(o.failedGates.map { .string($0) })), ("message", .string(o.message)),
      ("package", o.package.map { .string($0) } ?? JSONValue(.null)),
      ("report", o.report.map { .string($0) } ?? JSONValue(.null)),
    ]
    if let w = winner { members.append(("winner", winnerJSON(w))) }
    members.append(("gates", .array(gates.map(\.json))))
    members.append(("champion", champion?.json ?? JSONValue(.null)))
    members.append(("created_at", .string(Registry.timestamp(createdAt))))
    return .object(members)
  }

  func winnerJSON(_ w: EvaluatedWinner) -> JSONValue {
    .object([
      ("trial", .int(w.trial)), ("configuration", w.configuration.json), ("seed", .string(String(w.seed))),
      ("origin", .string(w.origin)), ("validation", .metrics(w.validationMetrics)), ("test", .metrics(w.testMetrics)),
    ])
  }

  // MARK: Package files

  /// manifest.json: what the package is and where it came from.
  func manifestJSON(files: [String: [UInt8]]) -> String {
    var members: [(String, JSONValue)] = [
      ("format", .string("hpo-package")), ("version", .int(1)),
      ("experiment", .string(spec.name)),
      ("spec_sha256", (try? SpecDigest.sha256(of: spec)).map { .string($0) } ?? JSONValue(.null)),
      ("objective", .object([("metric", .string(spec.objective.metric.rawValue)), ("direction", .string(spec.objective.direction.rawValue))])),
    ]
    if let w = winner {
      members.append(("winner", winnerJSON(w)))
      members.append(("model", .object([
        ("kind", .string(w.checkpoint.kind.rawValue)), ("precision", .string(w.checkpoint.precision.rawValue)),
        ("task", .string(w.checkpoint.task.rawValue)), ("class_count", w.checkpoint.classCount.map { .int($0) } ?? JSONValue(.null)),
        ("input_features", .int(w.checkpoint.inputFeatureCount)), ("parameters", .int(w.checkpoint.parameterCount)),
      ])))
    }
    members.append(("gates", .array(gates.map(\.json))))
    members.append(("passed", JSONValue(.bool(gates.allSatisfy(\.passed)))))
    members.append(("champion", champion?.json ?? JSONValue(.null)))
    if let d = data {
      members.append(("data", .object([
        ("source_file", .string(spec.data?.path ?? d.sourceFile)), ("source_sha256", .string(d.sourceSHA256)),
        ("label", .string(d.labelName)), ("features", .array(d.featureNames.map { .string($0) })),
        ("missing", .string(d.missing.rawValue)),
        ("split", .object([("validation", .number(d.split.validation)), ("test", .number(d.split.test)), ("seed", .string(String(d.split.seed)))])),
        ("shards", .array((d.train + [d.validation, d.test, d.statistics, d.preprocessing]).map { s in
          .object([("file", .string(s.file)), ("rows", .int(s.rows)), ("sha256", .string(s.sha256))])
        })),
      ])))
    }
    members.append(("files", .object(files.keys.sorted().map { ($0, .string(SHA256Hex.of(files[$0] ?? []))) })))
    members.append(("hpo_version", .string(HPOVersion.current)))
    if let s = system {
      members.append(("git_commit", s.gitCommit.map { .string($0) } ?? JSONValue(.null)))
      members.append(("blas", .string(s.blas)))
      members.append(("os", .string(s.os)))
      members.append(("cpu", .object([("model", .string(s.cpu)), ("count", .int(s.cpuCount))])))
    }
    members.append(("created_at", .string(Registry.timestamp(createdAt))))
    return JSONWriter.pretty(.object(members))
  }

  /// README.md: the model card.
  func modelCard() -> String {
    guard let w = winner, let d = data else { return "# \(spec.name)\n" }
    let c = w.checkpoint
    var md = "# \(spec.name)\n\n"
    if let description = spec.description { md += "\(description)\n\n" }
    switch c.task {
    case .classification:
      md += "**Predicts** `\(d.labelName)`: one of \(c.classCount ?? 0) classes (0 … \((c.classCount ?? 1) - 1), the class indices of the training data), with a probability per class.\n\n"
    case .regression:
      md += "**Predicts** `\(d.labelName)`: a number (regression).\n\n"
    }
    md += "**Model**: \(c.kind.rawValue), \(c.precision.rawValue), \(c.parameterCount) parameters; trial \(w.trial) of \(record.trials.count) (\(w.origin)); configuration `\(w.configuration)`.\n\n"
    md += "## Inputs\n\n\(d.featureNames.count) features, in this order (training split: \(d.train.reduce(0) { $0 + $1.rows }) rows):\n\n"
    md += "| feature | min | max | mean | std |\n|---|---|---|---|---|\n"
    for s in statistics {
      md += "| \(s.name) | \(formatted(s.min)) | \(formatted(s.max)) | \(formatted(s.mean)) | \(formatted(s.std)) |\n"
    }
    md += "\n## Metrics\n\n| metric | validation | test (held out) |\n|---|---|---|\n"
    for m in Metric.allCases where w.testMetrics[m] != nil {
      md += "| \(m.rawValue) | \(formatted(w.validationMetrics[m])) | \(formatted(w.testMetrics[m])) |\n"
    }
    md += "\n## Gates\n\n"
    for g in gates { md += "- \(g.passed ? "✅" : "❌") **\(g.name)** (\(g.threshold)): \(g.detail)\n" }
    md += "\n## Limits\n\n"
    md += "- Trained and tested only on rows like those of `\(d.sourceFile)` (SHA-256 \(d.sourceSHA256.prefix(12))…); inputs outside the ranges above are extrapolation.\n"
    md += "- Missing values: " + (imputation.map { "imputed with the training \($0.strategy.rawValue).\n" }
      ?? "not imputed (data.missing \"\(d.missing.rawValue)\"; the training split had none to learn from or the policy refuses them): rows with missing values must be refused.\n")
    md += "- The test split has \(d.test.rows) rows; metric differences smaller than their sampling noise are not meaningful.\n"
    md += "\n## Files\n\n`model.hpoc` (hpo checkpoint with its preprocessing), `manifest.json` (provenance), `SHA256SUMS` (`sha256sum -c SHA256SUMS`).\n"
    return md
  }
}

/// Writes `text` to `path` atomically and durably, as a ``ReleaseError``.
func atomicWrite(_ text: String, to path: String) throws {
  do { try AtomicFile.write(text, to: path) } catch { throw ReleaseError(error.description) }
}
