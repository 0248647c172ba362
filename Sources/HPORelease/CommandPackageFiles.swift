import Foundation
import HPOCore
import HPODrift

/// The package of a command experiment, verified: every file `SHA256SUMS`
/// lists matches, `command.json`, `code.bundle` and `checkpoint.bundle` are
/// among them, and `command.json` is a ``PackagedCommand`` this build reads.
struct CommandPackageFiles {
  var command: PackagedCommand
  var codePath: String
  var codeSHA256: String
  var codeBytes: Int
  var checkpointPath: String
  var checkpointSHA256: String
  var checkpointBytes: Int

  /// - Throws: ``ReleaseError`` naming the file and what is wrong.
  init(directory: String) throws {
    let files: [String: [UInt8]]
    do {
      files = try PackageChecksums.verify(
        directory: directory,
        required: [PackagedCommand.fileName, PackagedCommand.codeFileName, PackagedCommand.checkpointFileName])
    } catch {
      throw ReleaseError("the package \(directory) cannot be used: \(error)")
    }
    do {
      command = try JSONDecoder().decode(PackagedCommand.self, from: Data(files[PackagedCommand.fileName] ?? [])).validated()
    } catch {
      throw ReleaseError("\(directory)/\(PackagedCommand.fileName) is not a command package description this hpo reads: \(error)")
    }
    let code = files[PackagedCommand.codeFileName] ?? []
    let checkpoint = files[PackagedCommand.checkpointFileName] ?? []
    codePath = directory + "/" + PackagedCommand.codeFileName
    codeSHA256 = SHA256Hex.of(code)
    codeBytes = code.count
    checkpointPath = directory + "/" + PackagedCommand.checkpointFileName
    checkpointSHA256 = SHA256Hex.of(checkpoint)
    checkpointBytes = checkpoint.count
  }
}
