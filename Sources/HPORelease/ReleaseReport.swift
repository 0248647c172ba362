import Foundation
import HPOCore
import HPOData
import HPOModels
import HPOReports
import HPOStore

/// Everything the release stage found, and the files that say it: the
/// package's manifest and model card, and `report.md`, `junit.xml`,
/// `result.json` and `report.html` in the output folder. The reports people
/// read are rendered by HPOReports from ``reportInput(_:)``; the JSON files here.
struct ReleaseReport {
  var record: SearchRecord
  var createdAt: Date
  var winner: EvaluatedWinner?
  /// A command experiment's winner (instead of ``winner``).
  var commandWinner: CommandWinner?
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
      message: "\(failed.count) of \(gates.count) gates failed: \(failed.joined(separator: ", ")); "
        + (packagePath.map { "candidate kept in \($0)" } ?? "no candidate was packaged"),
      report: report, package: packagePath)
  }

  // MARK: Files in the output folder

  func write(to output: String) throws {
    let dir = URL(fileURLWithPath: output)
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    let o = outcome(output: output)
    let input = reportInput(o)
    try atomicWrite(MarkdownReport.render(input), to: dir.appendingPathComponent("report.md").path)
    try atomicWrite(
      JUnitReport.render(input, timestamp: Registry.timestamp(createdAt)), to: dir.appendingPathComponent("junit.xml").path)
    try atomicWrite(JSONWriter.pretty(resultJSON(o)), to: dir.appendingPathComponent("result.json").path)
    try atomicWrite(HTMLReport.render(input), to: dir.appendingPathComponent("report.html").path)
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
    if let c = commandWinner { members.append(("winner", c.winnerJSON)) }
    if let selection = selectionJSON { members.append(("selection", selection)) }
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
  /// - Throws: when the spec cannot be encoded for its hash (a package never lacks its provenance).
  func manifestJSON(files: [String: [UInt8]]) throws -> String {
    var members: [(String, JSONValue)] = [
      ("format", .string("hpo-package")), ("version", .int(1)),
      ("experiment", .string(spec.name)),
      ("spec_sha256", .string(try SpecDigest.sha256(of: spec))),
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
    if let c = commandWinner {
      members.append(("winner", c.winnerJSON))
      members.append(("model", c.modelJSON))
    }
    if let selection = selectionJSON { members.append(("selection", selection)) }
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
}

/// Writes `text` to `path` atomically and durably, as a ``ReleaseError``.
func atomicWrite(_ text: String, to path: String) throws {
  do { try AtomicFile.write(text, to: path) } catch { throw ReleaseError(error.description) }
}
