import HPOCore

/// Prepares an experiment's data when it is submitted (validation, split,
/// shards) and serves shard bytes by content hash to workers that lack them.
///
/// The coordinator decides; it never parses data. The composition root (the
/// `hpo` executable) wires an implementation over HPOData; tests inject twins.
/// ``prepare(_:)`` runs on a thread of its own (a ``BackgroundJob``), never on
/// the dispatch loop; ``shardBytes(sha256:)`` on the coordinator's thread,
/// possibly while a preparation runs: implementations are thread-safe.
public protocol ExperimentPreparer: Sendable {
  /// Validates and shards the data of `spec` (paths absolute) and returns the
  /// shards a trial needs with the source file's fingerprint. Idempotent: the
  /// same data and seed give the same shards.
  /// - Throws: an error whose description names the file, row and column at fault.
  func prepare(_ spec: ExperimentSpec) throws -> PreparedShards

  /// The bytes of the shard with this SHA-256, or `nil` when unknown.
  /// - Throws: when a known shard's file cannot be read.
  func shardBytes(sha256: String) throws -> [UInt8]?
}
