import Foundation
import HPOCore
import HPOData
import HPOStore

extension ReleaseStage {
  /// The `evaluate` commands a command experiment's release needs (see
  /// ``HPOCoordinator/ReleaseRunner``): the winner's, on the checkpoint its
  /// trial sent, and — when `validation.champion` names a registry entry
  /// with a current version — the champion's, from its package; both on the
  /// test split (`HPO_TEST`, when the experiment has data). Empty for
  /// built-in models and command experiments without `evaluate`.
  /// - Throws: ``ReleaseError`` when a command cannot be run: no winner, a
  ///   winner without a checkpoint (or one that changed on disk), a missing
  ///   workdir bundle or test split, a champion package that fails its
  ///   checksums or has no `evaluate`.
  public func evaluationInputs(_ record: SearchRecord) throws -> [EvaluationInputs] {
    let spec = record.spec
    guard spec.model.kind == .command, let command = spec.model.command, command.evaluate != nil else { return [] }
    guard let best = record.winner else {
      throw ReleaseError(record.noWinnerReason)
    }
    guard let kept = record.checkpoints.first(where: { $0.trial.number == best.number }) else {
      throw ReleaseError(
        "the winning trial \(best.number) sent no checkpoint, so model.evaluate has nothing to score: its train command must write the model into HPO_CHECKPOINT_DIR (and output.keep_top must be at least 1)")
    }
    let data = spec.output.dir + "/data"
    let code = try Self.shard(data + "/" + ShardedDataSource.CommandFile.bundle, role: .code, what: "the workdir's bundle")
    let candidate = try Self.shard(kept.path, role: .candidate, what: "trial \(best.number)'s checkpoint", sha256: kept.sha256)
    var common: [(ShardReference, String)] = []
    if spec.data != nil {
      common.append(try Self.shard(
        ShardedDataSource.commandTestCSV(outputDirectory: spec.output.dir), role: .testCSV, what: "the test split"))
    }
    var inputs = [Self.inputs(
      .winner, configuration: spec.space.normalized(best.record.configuration), seed: best.seed, command: command,
      shards: [code, candidate] + common, subject: "the winner (trial \(best.number))")]
    if let entry = spec.validation?.champion, let champion = try championInputs(entry: entry, common: common) {
      inputs.append(champion)
    }
    return inputs
  }

  /// The champion's `evaluate`, from the package `entry/current` points at;
  /// `nil` when the entry has no current version (nothing in production yet).
  private func championInputs(entry: String, common: [(ShardReference, String)]) throws -> EvaluationInputs? {
    let (registry, name) = Registry.entry(entry)
    guard let version = try registry.current(name) else { return nil }
    let directory = URL(fileURLWithPath: entry).standardizedFileURL.appendingPathComponent("versions/\(version)").path
    let package: CommandPackage
    do { package = try CommandPackage(directory: directory) } catch {
      throw ReleaseError("the champion's package cannot be used: \(error)")
    }
    guard let evaluate = package.command.evaluate else {
      throw ReleaseError(
        "the champion \(directory) has no evaluate command (its experiment's model had no \"evaluate\"), so the winner cannot be compared with it on the test split; promote a package that has one, or remove validation.champion")
    }
    let command = CommandSpec(
      train: package.command.train, evaluate: evaluate, predict: package.command.predict, workdir: directory,
      env: package.command.env, timeoutSeconds: package.command.timeoutSeconds)
    return Self.inputs(
      .champion, configuration: package.command.configuration, seed: package.command.seed, command: command,
      shards: [
        (ShardReference(sha256: package.code.sha256, bytes: package.code.encoded.count, role: .code),
         directory + "/" + PackagedCommand.codeFileName),
        (ShardReference(sha256: package.checkpoint.sha256, bytes: package.checkpoint.encoded.count, role: .candidate),
         directory + "/" + PackagedCommand.checkpointFileName),
      ] + common,
      subject: "the champion \(entry) (version \(version))")
  }

  private static func inputs(
    _ role: EvaluationRole, configuration: Configuration, seed: UInt64, command: CommandSpec,
    shards: [(ShardReference, String)], subject: String
  ) -> EvaluationInputs {
    EvaluationInputs(
      role: role, configuration: configuration, seed: seed, command: command, shards: shards.map(\.0),
      files: Dictionary(shards.map { ($0.0.sha256, $0.1) }, uniquingKeysWith: { first, _ in first }), subject: subject)
  }

  /// The file at `path` as a shard of `role` (its SHA-256 computed, or checked against `sha256`).
  private static func shard(_ path: String, role: ShardRole, what: String, sha256: String? = nil) throws -> (ShardReference, String) {
    let file: (sha256: String, bytes: Int)
    do { file = try SHA256Hex.ofFile(path) } catch {
      throw ReleaseError("\(what) \(path) is missing or unreadable (\(error.localizedDescription)); run the experiment again (hpo run --resume) to prepare it")
    }
    if let sha256, sha256 != file.sha256 {
      throw ReleaseError("\(what) \(path) changed since it was received (SHA-256 \(file.sha256), the store says \(sha256)); it is not evaluated")
    }
    return (ShardReference(sha256: file.sha256, bytes: file.bytes, role: role), path)
  }
}
