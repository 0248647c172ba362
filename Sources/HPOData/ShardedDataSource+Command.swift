import Foundation
import HPOCore

extension ShardedDataSource {
  /// The file names a command experiment's preparation writes in `output.dir/data/`.
  public enum CommandFile {
    /// The workdir's file bundle (shard role `.code`).
    public static let bundle = "workdir.bundle"
    /// The training split as CSV (shard role `.trainCSV`).
    public static let train = "train.csv"
    /// The validation split as CSV (shard role `.validationCSV`).
    public static let validation = "validation.csv"
    /// The test split as CSV: never a shard; read on the coordinator's
    /// machine only, by the winner's evaluation (see ``ShardedDataSource/commandTestCSV(outputDirectory:)``).
    public static let test = "test.csv"
  }

  /// Prepares a command experiment (`model.kind == .command`, paths absolute,
  /// `model.command.workdir` included) into `output.dir/data/`:
  ///
  /// - `workdir.bundle`: the workdir's files as a ``FileBundle`` (the
  ///   experiment's output folder left out when it lies inside the workdir),
  ///   returned as the `.code` shard;
  /// - with `data`: `train.csv` and `validation.csv` (``RawCSVSplits``: the
  ///   user's own columns and cells, the rows of the built-in split for the
  ///   same data spec), returned as the `.trainCSV` and `.validationCSV`
  ///   shards, and `test.csv`, which stays here for the winner's evaluation
  ///   and is no shard (``commandTestCSV(outputDirectory:)``).
  ///
  /// The fingerprint (``PreparedShards/sourceSHA256``), which the coordinator
  /// keeps to refuse a resume whose inputs changed: without data, the
  /// bundle's SHA-256; with data, the SHA-256 of the text
  /// `"data <file's SHA-256>\ncode <bundle's SHA-256>\n"`, so a changed data
  /// file or a changed workdir is each caught.
  ///
  /// Idempotent: the same files and spec give the same bytes. Thread-safe.
  /// - Throws: ``CommandDataError`` (no command section, a relative workdir),
  ///   ``FileBundleError`` (the workdir cannot be packed), ``DataError`` (the
  ///   data cannot be split, a file cannot be written).
  public func prepareCommand(_ spec: ExperimentSpec) throws -> PreparedShards {
    guard let command = spec.model.command else {
      throw CommandDataError("the experiment's model is a command but has no \"command\" section to find its workdir in")
    }
    guard command.workdir.hasPrefix("/") else {
      throw CommandDataError(
        "model.command.workdir '\(command.workdir)' is relative; it must be resolved against the experiment file's folder before its data is prepared")
    }
    let directory = spec.output.dir + "/data"
    do { try AtomicFile.makeDirectory(directory) } catch { throw DataError(error) }

    let bundle = try FileBundle.pack(directory: command.workdir, excluding: [spec.output.dir])
    var references = [try register(bundle.encoded, at: directory + "/" + CommandFile.bundle, role: .code)]
    let notes = bundle.skipped.isEmpty ? [] : [
      "left out of \(command.workdir)'s bundle (version control, caches, Python venvs, the output folder): "
        + bundle.skipped.joined(separator: ", "),
    ]
    guard let data = spec.data else {
      return PreparedShards(shards: references, sourceSHA256: bundle.sha256, notes: notes)
    }
    let splits = try RawCSVSplits.split(spec: data, dataPath: data.path)
    references.append(try register(splits.train.bytes, at: directory + "/" + CommandFile.train, role: .trainCSV))
    references.append(
      try register(splits.validation.bytes, at: directory + "/" + CommandFile.validation, role: .validationCSV))
    do { try AtomicFile.write(splits.test.bytes, to: directory + "/" + CommandFile.test) } catch { throw DataError(error) }
    let fingerprint = SHA256Hex.of(Array("data \(splits.sourceSHA256)\ncode \(bundle.sha256)\n".utf8))
    return PreparedShards(shards: references, sourceSHA256: fingerprint, notes: notes)
  }

  /// Where the preparation of a command experiment whose `output.dir` is
  /// `outputDirectory` keeps the test split as CSV:
  /// `<output.dir>/data/test.csv` (it exists once a command experiment with
  /// data was prepared).
  public static func commandTestCSV(outputDirectory: String) -> String {
    outputDirectory + "/data/" + CommandFile.test
  }

  /// Writes `bytes` to `path` atomically, serves them by SHA-256 from now on,
  /// and returns their reference.
  private func register(_ bytes: [UInt8], at path: String, role: ShardRole) throws(DataError) -> ShardReference {
    do { try AtomicFile.write(bytes, to: path) } catch { throw DataError(error) }
    let hash = SHA256Hex.of(bytes)
    files.withLock { $0[hash] = URL(fileURLWithPath: path) }
    return ShardReference(sha256: hash, bytes: bytes.count, role: role)
  }
}

/// A command experiment that cannot be prepared for a reason in its spec.
public struct CommandDataError: Error, Sendable, Equatable, CustomStringConvertible {
  public var message: String

  public init(_ message: String) { self.message = message }

  public var description: String { message }
}
