import HPOCore
import HPODrift
import HPOModels

/// A package's model and data profile, read only after `SHA256SUMS` has
/// verified every file it lists: what `hpo predict` and `hpo drift` use.
public struct PackagedModel: Sendable {
  /// The checkpoint file's name inside a package.
  public static let modelFileName = "model.hpoc"

  public var profile: DataProfile
  /// nil when read with `model: false` (drift checks need only the profile).
  public var checkpoint: ModelCheckpoint?
  /// The model's outputs on the test split (``ModelOutputs/fileName``), for
  /// prediction drift; nil for packages made before packages held them.
  public var testOutputs: ModelOutputs?

  /// Verifies `directory` and reads its profile and, when `model` is true, its checkpoint.
  /// - Throws: ``DriftError``: `.packageIntegrity` (nothing in a package that
  ///   fails its checksums is used), `.badProfile`, or `.packageIntegrity` for a
  ///   checkpoint that does not decode or does not fit the profile.
  public init(directory: String, model: Bool = true) throws(DriftError) {
    let required = [DataProfile.fileName] + (model ? [Self.modelFileName] : [])
    let files = try PackageChecksums.verify(directory: directory, required: required)
    let profilePath = directory + "/" + DataProfile.fileName
    profile = try DataProfile(json: files[DataProfile.fileName] ?? [], file: profilePath)
    if let bytes = files[ModelOutputs.fileName] {
      testOutputs = try ModelOutputs(json: bytes, file: directory + "/" + ModelOutputs.fileName)
    }
    guard model else { return }
    let modelPath = directory + "/" + Self.modelFileName
    let checkpoint: ModelCheckpoint
    do {
      checkpoint = try ModelCheckpoint(decoding: files[Self.modelFileName] ?? [])
    } catch {
      throw DriftError(.packageIntegrity, file: modelPath, message: "is not a model checkpoint this build reads: \(error.message)")
    }
    guard checkpoint.inputFeatureCount == profile.features.count, checkpoint.task == profile.label.task,
      checkpoint.classCount == profile.label.classes?.count
    else {
      throw DriftError(
        .packageIntegrity, file: modelPath,
        message: "does not fit \(DataProfile.fileName): the model reads \(checkpoint.inputFeatureCount) features for \(checkpoint.task.rawValue)"
          + " but the profile describes \(profile.features.count) for \(profile.label.task.rawValue)")
    }
    self.checkpoint = checkpoint
  }
}
