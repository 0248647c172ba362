import Foundation
import HPOCore
import HPOData
import HPOLinearAlgebra
import HPOModels
import HPOStore
import Logging

/// After the search: the winner is evaluated on the held-out test split, the
/// release gates decide, and the candidate is packaged — into
/// `output.dir/package/` when every gate passed, `output.dir/rejected/`
/// otherwise — with `report.md`, `junit.xml` and `result.json` in `output.dir`.
public struct ReleaseStage: Sendable {
  /// Files added to the package next to model.hpoc (e.g. model.onnx, data-profile.json):
  /// given the winner's model, the spec and the prepared data directory (`output.dir/data`).
  public typealias ExtraFiles = @Sendable (ModelCheckpoint, ExperimentSpec, String) throws -> [String: [UInt8]]
  /// More gates (e.g. data and drift gates), given the spec and the prepared data directory.
  public typealias ExtraGates = @Sendable (ModelCheckpoint, ExperimentSpec, String) throws -> [GateResult]

  public var extraFiles: ExtraFiles?
  public var extraGates: ExtraGates?
  /// The experiment file's folder, for the git commit in the manifest.
  public var experimentDirectory: String?
  public var logger: Logger

  public init(extraFiles: ExtraFiles? = nil, extraGates: ExtraGates? = nil, experimentDirectory: String? = nil,
              logger: Logger = Logger(label: "hpo.release")) {
    self.extraFiles = extraFiles
    self.extraGates = extraGates
    self.experimentDirectory = experimentDirectory
    self.logger = logger
  }

  /// Runs the stage; never throws: a failure is an outcome with status `.error`
  /// (and its report, when the output folder can be written). A command
  /// experiment's winner (and champion) are scored by the `evaluations` its
  /// `evaluate` commands reported on workers (see ``evaluationInputs(_:)``).
  public func run(_ record: SearchRecord, evaluations: [CommandEvaluation] = [], now: Date = Date()) -> ReleaseOutcome {
    let spec = record.spec
    guard spec.model.kind != .function, spec.data != nil || spec.model.kind == .command else {
      return ReleaseOutcome(status: .skipped, message: "a built-in function has no model to release")
    }
    var report = ReleaseReport(record: record, createdAt: now)
    if let refusal = Self.pickRefusal(record) {
      report.gates = [refusal]
      return finish(report)
    }
    if spec.model.kind == .command {
      guard spec.model.command?.evaluate != nil else {
        return ReleaseOutcome(
          status: .skipped,
          message: "a command experiment without model.evaluate: the winner is in the store and its checkpoint in \(spec.output.dir)/checkpoints; nothing is released")
      }
      do { try evaluateCommand(record, evaluations: evaluations, into: &report) } catch { report.error = "\(error)" }
      return finish(report)
    }
    // One BLAS thread, as workers train: a retrained winner is then the model the search trained.
    _ = BLASInfo.setThreadCount(1)
    do {
      let (manifest, directory) = try DataManifest.readOrPrepare(spec)
      switch manifest.dataType {
      case .float32: try evaluate(record, splits: try PreparedSplits<Float>(manifest: manifest, directory: directory), into: &report)
      case .float64: try evaluate(record, splits: try PreparedSplits<Double>(manifest: manifest, directory: directory), into: &report)
      }
    } catch {
      report.error = "\(error)"
    }
    return finish(report)
  }

  /// The failed `release.pick` gate when trials completed but none meets the
  /// constraints and `release.pick.subject_to`: nothing is evaluated or packaged,
  /// and the run exits as for any failed gate. `nil` otherwise (a search with no
  /// complete trial at all is an error, reported where the winner is read).
  static func pickRefusal(_ record: SearchRecord) -> GateResult? {
    let spec = record.spec
    guard spec.release?.pick != nil || !spec.allConstraints.isEmpty, record.winner == nil,
      record.trials.contains(where: { $0.state == .complete })
    else { return nil }
    let bounds = spec.allConstraints + (spec.release?.pick?.subjectTo ?? [])
    return GateResult(
      name: "release.pick", kind: .pick, passed: false,
      threshold: bounds.map { ExperimentSpec.describe($0) }.joined(separator: ", "), detail: record.noWinnerReason)
  }

  /// Writes the reports of `report` into `output.dir` and returns the outcome.
  private func finish(_ report: ReleaseReport) -> ReleaseOutcome {
    let spec = report.spec
    let output = URL(fileURLWithPath: spec.output.dir)
    let outcome = report.outcome(output: output.path)
    do {
      try report.write(to: output.path)
    } catch {
      return ReleaseOutcome(status: .error, message: "\(outcome.message); and the reports could not be written: \(error)")
    }
    logger.info("release stage done", metadata: ["experiment": "\(spec.name)", "outcome": "\(outcome.status.rawValue)"])
    return outcome
  }

  private func evaluate<D: DataScalar>(_ record: SearchRecord, splits: PreparedSplits<D>, into report: inout ReleaseReport) throws {
    let spec = record.spec
    let v = spec.validation ?? ValidationSpec()
    let metric = spec.releaseObjective.metric
    let winner = try splits.winner(record)
    report.winner = winner
    var gates = ReleaseGates.thresholds(v.gates, test: winner.testMetrics)
    if let maxGap = v.maxGap {
      gates.append(ReleaseGates.gap(maxGap, metric: metric, validation: winner.validationMetrics, test: winner.testMetrics))
    }
    if let entry = v.champion {
      let comparison = try splits.compare(winner: winner.checkpoint, championEntry: entry, spec: spec)
      report.champion = comparison
      gates.append(ReleaseGates.champion(comparison, entry: entry, validation: v, direction: spec.releaseObjective.direction))
    }
    if v.stress { gates += splits.stress(winner.checkpoint, seed: spec.search.seed, outputRange: v.outputRange) }
    if let s = v.seedStability {
      let seeds = (1...UInt64(s.seeds)).map { winner.seed &+ $0 }
      var values = [winner.testMetrics[metric] ?? .nan]
      for seed in seeds {
        let model = try splits.train(
          spec, configuration: winner.configuration, seed: seed, trainOn: v.refit ? splits.trainAndValidation : nil)
        values.append(try splits.evaluate(model, what: "the winner with seed \(seed)")[metric] ?? .nan)
      }
      gates.append(ReleaseGates.seedStability(s, values: values, seeds: [winner.seed] + seeds, metric: metric))
    }
    if let extraGates { gates += try extraGates(winner.checkpoint, spec, splits.directory) }
    report.gates = gates
    report.data = splits.manifest
    report.statistics = splits.statistics
    report.imputation = winner.checkpoint.preprocessing?.imputation

    var files: [String: [UInt8]] = ["model.hpoc": winner.checkpoint.encoded()]
    if let extraFiles {
      for (name, bytes) in try extraFiles(winner.checkpoint, spec, splits.directory) { files[name] = bytes }
    }
    let passed = gates.allSatisfy(\.passed)
    let destination = URL(fileURLWithPath: spec.output.dir).appendingPathComponent(passed ? "package" : "rejected").path
    let dataFolder = spec.data.map { URL(fileURLWithPath: $0.path).deletingLastPathComponent().path }
    report.system = SystemInfo.current(experimentDirectory: experimentDirectory ?? dataFolder)
    files["manifest.json"] = Array(try report.manifestJSON(files: files).utf8)
    files["README.md"] = Array(report.modelCard().utf8)
    try PackageWriter.write(files, to: destination)
    report.packagePath = destination
  }
}
