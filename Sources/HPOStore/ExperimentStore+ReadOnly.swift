import GRDB
import HPOCore

extension ExperimentStore {
  /// Opens the store at `path` to read it only: no lock is taken, so it works
  /// while a coordinator writes the store (its committed changes are seen
  /// through the WAL) and on a copy kept as a CI artifact. Nothing is created,
  /// migrated or written; ``apply(_:at:)`` throws.
  /// Stores of schema 2 (before the failure, fingerprint and release-stage
  /// columns) are read as they are, those columns read as absent.
  /// - Throws: ``StoreError``: `.cannotOpen` (no such file, or unreadable),
  ///   `.notAStore`, `.newerSchema`, and `.olderSchema` for a store of schema 1,
  ///   which this hpo would first have to migrate (opening it with
  ///   `hpo coordinator` does).
  public static func openReadOnly(path: String) throws(StoreError) -> ExperimentStore {
    var configuration = GRDB.Configuration()
    configuration.label = "hpo.store.read-only"
    configuration.readonly = true
    let queue: DatabaseQueue
    do {
      queue = try DatabaseQueue(path: path, configuration: configuration)
    } catch {
      throw openFailure(error, path: path)
    }
    let store = ExperimentStore(path: path, writer: queue, lock: nil)
    let stamp = try store.perform("reading the schema version") { try queue.read(StoreSchema.stamp) }
    guard !stamp.isEmpty else {
      throw StoreError(path: path, kind: .notAStore(reason: "an empty database, with no experiment"))
    }
    try StoreSchema.check(stamp, path: path)
    guard stamp.schema >= StoreSchema.oldestReadable else {
      throw StoreError(path: path, kind: .olderSchema(schema: stamp.schema, supportedSchema: StoreSchema.current))
    }
    return store
  }
}
