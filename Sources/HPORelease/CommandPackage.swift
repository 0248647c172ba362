import Foundation
import HPOCore
import HPOData
import HPODrift

/// The package of a command experiment (`command.json`, `code.bundle`,
/// `checkpoint.bundle`, optionally `data-profile.json`), read only after
/// `SHA256SUMS` has verified every file it lists: what `hpo predict` runs
/// the package's `predict` command from.
///
/// Invariants of a value: ``command`` passed ``PackagedCommand/validated()``;
/// ``code`` and ``checkpoint`` decoded in full (every file's SHA-256 checked);
/// ``profile`` is the package's `data-profile.json` when it lists one.
public struct CommandPackage: Sendable {
  /// The package directory, as the caller named it.
  public var directory: String
  /// `command.json`.
  public var command: PackagedCommand
  /// The workdir's files (`code.bundle`).
  public var code: FileBundle
  /// The winner's checkpoint folder (`checkpoint.bundle`).
  public var checkpoint: FileBundle
  /// The training split's profile; nil for an experiment without `data`.
  public var profile: DataProfile?

  /// Whether `directory` holds the package of a command experiment rather than
  /// of a built-in model: `command.json` is there and `model.hpoc` is not.
  /// Decided by the names only; nothing is used before ``init(directory:)``
  /// has verified it.
  public static func isCommandPackage(directory: String) -> Bool {
    let fm = FileManager.default
    return fm.fileExists(atPath: (directory as NSString).appendingPathComponent(PackagedCommand.fileName))
      && !fm.fileExists(atPath: (directory as NSString).appendingPathComponent(PackagedModel.modelFileName))
  }

  /// Verifies `directory` against its `SHA256SUMS` (which must list
  /// `command.json`, `code.bundle` and `checkpoint.bundle`) and reads them,
  /// and `data-profile.json` when listed.
  /// - Throws: ``DriftError``: `.packageIntegrity` naming the file and what is
  ///   wrong (a missing, unlisted or changed file; a `command.json` that does
  ///   not decode or validate; a bundle that does not decode), `.badProfile`.
  public init(directory: String) throws(DriftError) {
    let required = [PackagedCommand.fileName, PackagedCommand.codeFileName, PackagedCommand.checkpointFileName]
    let files = try PackageChecksums.verify(directory: directory, required: required)
    func path(_ name: String) -> String { (directory as NSString).appendingPathComponent(name) }
    let decoded: PackagedCommand
    do {
      decoded = try JSONDecoder().decode(PackagedCommand.self, from: Data(files[PackagedCommand.fileName] ?? []))
    } catch {
      throw DriftError(
        .packageIntegrity, file: path(PackagedCommand.fileName),
        message: "is not a command description this build reads: \(Self.decodingProblem(error))")
    }
    do { command = try decoded.validated() } catch {
      throw DriftError(.packageIntegrity, file: path(PackagedCommand.fileName), message: error.message)
    }
    func bundle(_ name: String) throws(DriftError) -> FileBundle {
      do { return try FileBundle(decoding: files[name] ?? []) } catch {
        throw DriftError(.packageIntegrity, file: path(name), message: "is not a file bundle this build reads: \(error.message)")
      }
    }
    code = try bundle(PackagedCommand.codeFileName)
    checkpoint = try bundle(PackagedCommand.checkpointFileName)
    if let bytes = files[DataProfile.fileName] {
      profile = try DataProfile(json: bytes, file: path(DataProfile.fileName))
    }
    self.directory = directory
  }

  /// A `JSONDecoder` error in words: the field's path and what was wrong with it.
  static func decodingProblem(_ error: any Error) -> String {
    func at(_ path: [any CodingKey]) -> String {
      path.isEmpty ? "the top level" : path.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
    }
    switch error as? DecodingError {
    case .keyNotFound(let key, let context)?:
      return "\(at(context.codingPath + [key])) is missing"
    case .typeMismatch(_, let context)?, .valueNotFound(_, let context)?:
      return "\(at(context.codingPath)): \(context.debugDescription)"
    case .dataCorrupted(let context)?:
      return context.codingPath.isEmpty ? "it is not valid JSON" : "\(at(context.codingPath)): \(context.debugDescription)"
    default:
      return "\(error)"
    }
  }
}
