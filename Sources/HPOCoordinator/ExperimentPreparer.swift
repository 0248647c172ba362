import HPOCore

/// Prepares an experiment's data when it is submitted (validation, split,
/// shards) and serves shard bytes by content hash to workers that lack them.
///
/// The coordinator decides; it never parses data. The composition root (the
/// `hpo` executable) wires an implementation over HPOData; tests inject twins.
/// ``prepare(_:)`` runs on a thread of its own (a ``BackgroundJob``), never on
/// the dispatch loop; ``shardChunk(sha256:offset:maxBytes:)`` and
/// ``shardBytes(sha256:)`` on the coordinator's thread, possibly while a
/// preparation runs: implementations are thread-safe.
public protocol ExperimentPreparer: Sendable {
  /// Validates and shards the data of `spec` (paths absolute) and returns the
  /// shards a trial needs with the source file's fingerprint. Idempotent: the
  /// same data and seed give the same shards.
  /// - Throws: an error whose description names the file, row and column at fault.
  func prepare(_ spec: ExperimentSpec) throws -> PreparedShards

  /// The bytes of the shard with this SHA-256, or `nil` when unknown.
  /// - Throws: when a known shard's file cannot be read.
  func shardBytes(sha256: String) throws -> [UInt8]?

  /// At most `maxBytes` bytes of the shard with this SHA-256 from `offset`
  /// (none at or past its end), with the shard's size, or `nil` when
  /// unknown: how workers are served, chunk by chunk. Implementations read
  /// only that range from disk.
  /// - Throws: when a known shard's file cannot be read.
  func shardChunk(sha256: String, offset: Int, maxBytes: Int) throws -> FileChunk?
}

extension ExperimentPreparer {
  /// The chunk cut from ``shardBytes(sha256:)`` (for twins that keep shards in memory).
  public func shardChunk(sha256: String, offset: Int, maxBytes: Int) throws -> FileChunk? {
    try shardBytes(sha256: sha256).map { FileChunk.slice($0, offset: offset, maxBytes: maxBytes) }
  }
}
