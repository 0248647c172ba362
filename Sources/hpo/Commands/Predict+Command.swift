import ArgumentParser
import Foundation
import HPOCore
import HPODrift
import HPORelease
import HPOWorker

#if canImport(Glibc)
import Glibc
#endif

extension HPOCommand.Predict {
  /// `hpo predict` on the package of a command experiment: checks the package,
  /// its `predict` command, the input (and its header against
  /// `data-profile.json` when there is one) and the output's folder (exit 2,
  /// nothing run), then runs `predict` with `HPO_DATA` and `HPO_OUTPUT` (see
  /// ``PackageCommandRun``) and moves what it wrote to `--output` in one
  /// rename, or copies it to standard output. The command failing, or exiting
  /// 0 without writing `HPO_OUTPUT`: exit 3, nothing written.
  func predictWithCommand(data: String) throws {
    let packaged: CommandPackage
    do {
      packaged = try CommandPackage(directory: package)
    } catch {
      FileHandleOutput.standardError(error.description)
      throw HPOExitCode.badInput
    }
    let commandFile = (package as NSString).appendingPathComponent(PackagedCommand.fileName)
    guard let predict = packaged.command.predict else {
      FileHandleOutput.standardError(
        "\(commandFile): has no predict command: the experiment's model had no \"predict\"; add \"predict\": [...] to model and run the search again")
      throw HPOExitCode.badInput
    }
    if let problem = Self.inputProblem(data) {
      FileHandleOutput.standardError("\(data): \(problem)")
      throw HPOExitCode.badInput
    }
    if let profile = packaged.profile {
      do { try CommandPackage.checkHeader(of: data, against: profile) } catch {
        FileHandleOutput.standardError(error.description)
        throw HPOExitCode.badInput
      }
    }
    let destination = output.map { URL(fileURLWithPath: $0).standardizedFileURL.path }
    if let output, let destination, let problem = Self.outputProblem(destination) {
      FileHandleOutput.standardError("\(output): \(problem)")
      throw HPOExitCode.badInput
    }

    let run: PackageCommandRun
    do {
      run = try PackageCommandRun.prepare(
        command: packaged.command, code: packaged.code, checkpoint: packaged.checkpoint,
        guardExecutable: CommandLaunch.runningExecutable)
    } catch {
      FileHandleOutput.standardError("hpo predict: \(error.message)")
      throw HPOExitCode.infrastructure
    }
    // Next to --output, so that the finished file is renamed into place; else inside the run's folder.
    let written = destination.map { AtomicFile.temporaryName(for: $0) } ?? run.folder + "/predictions.csv"
    defer {
      if destination != nil, FileManager.default.fileExists(atPath: written) {
        // What a failed command left half written; failing to remove it is reported, not fatal.
        do { try FileManager.default.removeItem(atPath: written) } catch {
          FileHandleOutput.standardError("warning: cannot remove \(written): \(error.localizedDescription)")
        }
      }
      do { try run.remove() } catch { FileHandleOutput.standardError("warning: \(error.message)") }
    }
    let shown = "the package's predict command (\(predict.joined(separator: " ")))"
    let nothing = output.map { "nothing was written to \($0)" } ?? "no predictions were written"
    let result: CommandResult
    do {
      result = try run.run(
        predict, adding: ["HPO_DATA": URL(fileURLWithPath: data).standardizedFileURL.path, "HPO_OUTPUT": written],
        stop: Bootstrap.stopSignal())
    } catch {
      FileHandleOutput.standardError("hpo predict: cannot run \(shown): \(error.message); \(nothing)")
      throw HPOExitCode.infrastructure
    }
    if let failure = PackageCommandRun.failure(of: result) {
      FileHandleOutput.standardError("hpo predict: \(shown) failed: \(failure); \(nothing)")
      throw HPOExitCode.infrastructure
    }
    var info = stat()
    guard lstat(written, &info) == 0, info.st_mode & S_IFMT == S_IFREG else {
      FileHandleOutput.standardError(
        "hpo predict: \(shown) exited 0 but did not write its predictions to HPO_OUTPUT (\(written)) as a file; \(nothing)")
      throw HPOExitCode.infrastructure
    }
    guard let output, let destination else {
      try Self.copyToStandardOutput(written)
      return
    }
    do {
      try Self.moveIntoPlace(written, to: destination)
    } catch {
      FileHandleOutput.standardError("\(output): cannot write the predictions: \(error.reason)")
      throw HPOExitCode.infrastructure
    }
    FileHandleOutput.standardError("\(output): predictions written by \(shown)")
  }

  /// Why `path` cannot be the input, or nil: it must be a readable file.
  static func inputProblem(_ path: String) -> String? {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
      return "does not exist; give the CSV file to predict (--data)"
    }
    if isDirectory.boolValue { return "is a folder; give the CSV file to predict (--data)" }
    guard access(path, R_OK) == 0 else { return "cannot be read (\(String(cString: strerror(errno)))); give a CSV file you can read" }
    return nil
  }

  /// Why the absolute path `path` cannot take the predictions, or nil: not a
  /// folder, in a folder that exists (checked before the command runs).
  static func outputProblem(_ path: String) -> String? {
    var isDirectory: ObjCBool = false
    if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
      return "is a folder; accepted: a file path in an existing folder"
    }
    let folder = (path as NSString).deletingLastPathComponent
    guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else {
      return "the folder \(folder) does not exist; accepted: a file path in an existing folder"
    }
    return nil
  }

  /// Flushes the file `source` to disk and renames it to `destination` (in
  /// the same folder), then flushes the folder: readers see the old file or
  /// the whole new one.
  static func moveIntoPlace(_ source: String, to destination: String) throws(FileWriteError) {
    func failure(_ what: String) -> FileWriteError {
      FileWriteError(path: destination, reason: "\(what): \(String(cString: strerror(errno)))")
    }
    let fd = open(source, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { throw failure("cannot open \(source)") }
    defer { close(fd) }
    guard fsync(fd) == 0 else { throw failure("cannot flush \(source) to disk") }
    guard rename(source, destination) == 0 else { throw failure("cannot rename \(source) to it") }
    try AtomicFile.syncDirectory(containing: destination)
  }

  /// Copies the file at `path` to standard output.
  static func copyToStandardOutput(_ path: String) throws {
    guard let handle = FileHandle(forReadingAtPath: path) else {
      FileHandleOutput.standardError("hpo predict: cannot read the predictions at \(path)")
      throw HPOExitCode.infrastructure
    }
    defer {
      // Closing a file only read from loses nothing.
      try? handle.close()
    }
    do {
      while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
        FileHandle.standardOutput.write(chunk)
      }
    } catch {
      FileHandleOutput.standardError("hpo predict: cannot read the predictions at \(path): \(error.localizedDescription)")
      throw HPOExitCode.infrastructure
    }
  }
}
