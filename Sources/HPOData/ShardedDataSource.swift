import Foundation
import HPOCore
import Synchronization

/// An experiment's prepared data, as the coordinator serves it: validates, splits and shards an experiment's CSV
/// (``DataPreparer``) into `output.dir/data/`, and serves the files to workers
/// by content hash (the SHA-256 of the whole file), so workers need no shared
/// filesystem. Shards are written as float32 or float64 as the model's
/// precision asks. Thread-safe.
public final class ShardedDataSource: Sendable {
  /// The prepared files by SHA-256.
  let files = Mutex<[String: URL]>([:])

  public init() {}

  /// Validates and shards the data of `spec` (paths absolute) into
  /// `output.dir/data/` and returns the files a trial needs, with the source
  /// file's SHA-256. Idempotent. Thread-safe: called off the coordinator's loop.
  /// - Throws: `DataError` naming the file, row and column at fault.
  ///
  /// A command experiment (`model.kind == .command`) is prepared by
  /// ``prepareCommand(_:)`` instead: its workdir bundle and raw CSV splits.
  public func prepare(_ spec: ExperimentSpec) throws -> PreparedShards {
    if spec.model.kind == .command { return try prepareCommand(spec) }
    guard let data = spec.data else { return PreparedShards(shards: [], sourceSHA256: "") }
    let directory = URL(fileURLWithPath: spec.output.dir).appendingPathComponent("data")
    let manifest: DataManifest
    switch spec.model.precision {
    case .float32:
      manifest = try DataPreparer.prepare(spec: data, dataPath: data.path, outputDirectory: directory.path, as: Float.self).manifest
    case .float64:
      manifest = try DataPreparer.prepare(spec: data, dataPath: data.path, outputDirectory: directory.path, as: Double.self).manifest
    }
    var references: [ShardReference] = []
    let parts = manifest.train.map { ($0.file, ShardRole.train) }
      + [(manifest.validation.file, ShardRole.validation), (manifest.preprocessing.file, ShardRole.preprocessing)]
    for (file, role) in parts {
      let url = directory.appendingPathComponent(file)
      let bytes = try Data(contentsOf: url)
      let hash = SHA256Hex.of(bytes)
      files.locked { $0[hash] = url }
      references.append(ShardReference(sha256: hash, bytes: bytes.count, role: role))
    }
    return PreparedShards(shards: references, sourceSHA256: manifest.sourceSHA256)
  }

  /// The bytes of the file with this SHA-256, or `nil` when unknown.
  /// - Throws: when the file was prepared but can no longer be read (deleted,
  ///   unreadable): a known shard that is gone is an error, not "unknown".
  public func shardBytes(sha256: String) throws -> [UInt8]? {
    guard let url = files.locked({ $0[sha256] }) else { return nil }
    return [UInt8](try Data(contentsOf: url))
  }

  /// At most `maxBytes` bytes of the file with this SHA-256 from `offset`,
  /// with its size, read without reading the rest; `nil` when unknown.
  /// - Throws: when the file was prepared but can no longer be read.
  public func shardChunk(sha256: String, offset: Int, maxBytes: Int) throws -> FileChunk? {
    guard let url = files.locked({ $0[sha256] }) else { return nil }
    return try FileChunk.read(url.path, offset: offset, maxBytes: maxBytes)
  }
}
