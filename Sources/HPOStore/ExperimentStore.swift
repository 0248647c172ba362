import Foundation
import GRDB
import HPOCore

/// How a commit reaches the disk before ``ExperimentStore/apply(_:at:)`` returns.
public enum StoreDurability: Sendable, Equatable {
  /// `PRAGMA synchronous = FULL` with WAL (the default): every commit fsyncs the WAL before
  /// `apply` returns, so an acknowledged change survives a crash of the coordinator, of the
  /// operating system and a power loss. Costs one fsync per batch, hence batch the writes.
  case full
  /// `PRAGMA synchronous = NORMAL` with WAL: commits are written to the WAL but only fsynced at
  /// checkpoints. An acknowledged change survives a crash of the coordinator (kill -9), but an
  /// OS crash or power loss may roll back the last commits (never corrupt the file). For
  /// benchmarks and throw-away stores; do not acknowledge results to workers under it.
  case normal
}

/// The experiment store: experiments, trials, intermediate metrics, results and checkpoint
/// records in one SQLite file (WAL mode, through GRDB), written only by the coordinator.
///
/// **One writer.** ``open(path:durability:)`` takes an exclusive lock (see `StoreLock`) on
/// `<path>.lock`; a second coordinator, or a second `open` of the same file in this process, is
/// refused with ``StoreError/Kind/locked(lockFile:holder:)``. The API is not meant for several
/// writing processes; other tools read the store through the coordinator.
///
/// **Durability.** ``apply(_:at:)`` returns after the batch has committed (with `.full`, after
/// the fsync), so the coordinator applies a change first and acknowledges it to the worker after.
///
/// **Threads.** `ExperimentStore` is `Sendable`: every method may be called from any thread.
/// Writes are serialised by GRDB's writer queue; reads of a file store run on reader
/// connections concurrently with a write and see the last committed batch. All methods are
/// synchronous and may block on disk I/O (an fsync takes ~1–5 ms on the 2-core dev machine).
public final class ExperimentStore: Sendable {
  /// The store file, or `:memory:`.
  public let path: String
  let writer: any DatabaseWriter
  private let lock: StoreLock?
  /// The file as opened, checked before each commit (`nil` in memory).
  private let file: StoreFileWatch?

  init(path: String, writer: any DatabaseWriter, lock: StoreLock?, file: StoreFileWatch? = nil) {
    self.path = path
    self.writer = writer
    self.lock = lock
    self.file = file
  }

  deinit {
    // A deinit cannot throw; an explicit close() reports failures. SQLite keeps every committed
    // change in the file or its WAL whatever happens here.
    try? writer.close()
    lock?.release()
  }

  /// Opens the store at `path`, creating it if the file does not exist, and migrates a store of
  /// an older schema to the current one. While another process holds the store's lock, waits up
  /// to `lockWait` for it (monotonic clock), calling `onLockWait` once with the holder
  /// ("pid 4242 on node-1, hpo 0.2.0") when it starts waiting.
  /// - Throws: ``StoreError`` — `.locked` (another coordinator has it), `.newerSchema` (written
  ///   by a newer hpo), `.notAStore`, `.cannotOpen`, `.database`.
  public static func open(
    path: String, durability: StoreDurability = .full, lockWait: Duration = .zero,
    onLockWait: (_ holder: String?) -> Void = { _ in }
  ) throws(StoreError) -> ExperimentStore {
    let lock = try StoreLock(storePath: path, wait: lockWait, onWait: onLockWait)
    var configuration = GRDB.Configuration()
    configuration.label = "hpo.store"
    configuration.maximumReaderCount = 3
    let pool: DatabasePool
    do {
      pool = try DatabasePool(path: path, configuration: configuration)
    } catch {
      lock.release()
      throw openFailure(error, path: path)
    }
    let store = ExperimentStore(path: path, writer: pool, lock: lock, file: StoreFileWatch(path: path))
    do {
      // GRDB sets synchronous = NORMAL when it turns WAL on; choose ours after it.
      let synchronous = durability == .full ? "FULL" : "NORMAL"
      try store.perform("opening") { () throws -> Void in
        try pool.writeWithoutTransaction { try $0.execute(sql: "PRAGMA synchronous = \(synchronous)") }
      }
      try store.prepareSchema()
    } catch {
      // The open already failed with `error`, which is what the caller needs; a failure to
      // close the half-opened pool adds nothing.
      try? pool.close()
      lock.release()
      throw error
    }
    return store
  }

  /// Why SQLite could not open `path`: not a database, or not openable.
  static func openFailure(_ error: any Error, path: String) -> StoreError {
    guard let error = error as? DatabaseError else { return StoreError(path: path, kind: .cannotOpen(reason: "\(error)")) }
    switch error.resultCode {
    case .SQLITE_NOTADB, .SQLITE_CORRUPT:
      return StoreError(path: path, kind: .notAStore(reason: error.message ?? "not an SQLite database"))
    default:
      return StoreError(path: path, kind: .cannotOpen(reason: error.message ?? "\(error)"))
    }
  }

  /// A store in memory, for unit tests: same schema, same rules, nothing on disk, no lock.
  public static func inMemory() -> ExperimentStore {
    do {
      let store = ExperimentStore(path: ":memory:", writer: try DatabaseQueue(), lock: nil)
      try store.prepareSchema()
      return store
    } catch {
      preconditionFailure("an in-memory SQLite database cannot fail to open: \(error)")
    }
  }

  /// Refuses foreign and newer files, runs the migrations, records this hpo as the writer.
  private func prepareSchema() throws(StoreError) {
    let stamp = try perform("reading the schema version") { try writer.read(StoreSchema.stamp) }
    try StoreSchema.check(stamp, path: path)
    try perform("migrating the schema") {
      try StoreSchema.migrator.migrate(writer)
      try writer.write(StoreSchema.recordWriter)
    }
  }

  /// Copies the WAL into the database file (leaving an empty `-wal`), closes the connections
  /// and releases the lock. Later calls throw `.closed`. Dropping the last reference closes
  /// and unlocks too, without the checkpoint (the WAL is replayed on the next open).
  public func close() throws(StoreError) {
    if lock != nil {
      // Best effort: a WAL left behind is still valid. GRDB's readers open read-only and cannot
      // checkpoint when they close last, hence this explicit TRUNCATE checkpoint.
      _ = try? writer.writeWithoutTransaction { try $0.checkpoint(.truncate) }
    }
    // The lock goes even if closing fails: this process no longer writes.
    defer { lock?.release() }
    try perform("closing") { try writer.close() }
  }

  /// Throws when the store file was deleted, replaced or truncated since it was opened
  /// (``StoreError/Kind/fileDeleted``, `.fileReplaced`, `.fileTruncated`); every commit
  /// checks this first. A store in memory has no file and always passes.
  public func checkFile() throws(StoreError) {
    try file?.check()
  }

  /// Runs `body`, turning SQLite and decoding failures into ``StoreError``s that name the store.
  func perform<T>(_ operation: String, _ body: () throws -> T) throws(StoreError) -> T {
    do {
      return try body()
    } catch let error as StoreError {
      throw error
    } catch let error as StoreCoding.Corrupt {
      throw StoreError(path: path, kind: .corruptRecord(what: error.what, reason: error.reason))
    } catch let error as DatabaseError {
      if error.resultCode == .SQLITE_MISUSE && error.message == "Connection is closed" {
        throw StoreError(path: path, kind: .closed)
      }
      if error.resultCode == .SQLITE_FULL {
        throw StoreError(path: path, kind: .diskFull(
          operation: operation, mountPoint: FileSystemSpace.mountPoint(of: path), freeBytes: FileSystemSpace.freeBytes(at: path)))
      }
      throw StoreError(path: path, kind: .database(operation: operation, message: error.message ?? "\(error)"))
    } catch {
      throw StoreError(path: path, kind: .database(operation: operation, message: "\(error)"))
    }
  }

  /// `PRAGMA name` as text on the writer connection (for tests and diagnostics).
  func pragma(_ name: String) throws(StoreError) -> String? {
    try perform("reading PRAGMA \(name)") {
      try writer.writeWithoutTransaction { try String.fetchOne($0, sql: "PRAGMA \(name)") }
    }
  }
}
