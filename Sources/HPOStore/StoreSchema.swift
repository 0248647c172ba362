import GRDB
import HPOCore

/// The store's schema, its migrations and its version stamp.
///
/// The schema version lives in `PRAGMA user_version` (readable before any table is known) and
/// in `store_meta` next to the hpo versions that created and last wrote the store.
/// `PRAGMA application_id` marks the file as an hpo store.
///
/// **Changing the schema:** never edit a registered migration. Register "v2", … after "v1",
/// end it with `setSchemaVersion(db, 2)`, raise ``current``, and add a golden fixture of the
/// new version under Tests/HPOStoreTests/Fixtures/; the v1 fixture test must keep passing,
/// which proves the migration works on a real old store.
enum StoreSchema {
  /// The newest schema this hpo writes and reads.
  static let current = 4
  /// The oldest schema ``ExperimentStore/openReadOnly(path:)`` reads without migrating it.
  static let oldestReadable = 2
  /// `PRAGMA application_id` of hpo stores: "HPOS".
  static let applicationID: Int64 = 0x4850_4F53

  static var migrator: DatabaseMigrator {
    var migrator = DatabaseMigrator()
    migrator.registerMigration("v1", migrate: v1)
    migrator.registerMigration("v2", migrate: v2)
    migrator.registerMigration("v3", migrate: v3)
    migrator.registerMigration("v4", migrate: v4)
    return migrator
  }

  /// Schema 1. All tables are WITHOUT ROWID on their natural keys; timestamps are INTEGER
  /// milliseconds since 1970 UTC; see ``StoreCoding`` for the other column encodings.
  private static func v1(_ db: Database) throws {
    try db.execute(sql: """
      CREATE TABLE store_meta (
        key TEXT NOT NULL PRIMARY KEY,
        value TEXT NOT NULL
      ) WITHOUT ROWID;

      CREATE TABLE experiments (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE CHECK (name <> ''),
        spec_json TEXT NOT NULL,
        spec_sha256 TEXT NOT NULL CHECK (length(spec_sha256) = 64),
        seed INTEGER NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('queued', 'running', 'finished', 'cancelled', 'failed')),
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        finished_at INTEGER
      );

      CREATE TABLE trials (
        experiment_id INTEGER NOT NULL REFERENCES experiments(id),
        number INTEGER NOT NULL CHECK (number >= 0),
        configuration_json TEXT NOT NULL,
        seed INTEGER NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('pending', 'running', 'complete', 'pruned', 'failed')),
        worker TEXT,
        lease_deadline INTEGER,
        attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
        value REAL,
        reason TEXT,
        rung INTEGER CHECK (rung >= 0),
        epochs INTEGER NOT NULL DEFAULT 0 CHECK (epochs >= 0),
        created_at INTEGER NOT NULL,
        started_at INTEGER,
        finished_at INTEGER,
        PRIMARY KEY (experiment_id, number),
        CHECK (state <> 'running' OR (worker IS NOT NULL AND lease_deadline IS NOT NULL AND attempts > 0)),
        CHECK (state = 'running' OR lease_deadline IS NULL)
      ) WITHOUT ROWID;
      CREATE INDEX trials_running_by_deadline ON trials(lease_deadline) WHERE state = 'running';

      CREATE TABLE intermediate_metrics (
        experiment_id INTEGER NOT NULL,
        trial_number INTEGER NOT NULL,
        step INTEGER NOT NULL CHECK (step >= 0),
        value REAL NOT NULL,
        metrics_json TEXT,
        recorded_at INTEGER NOT NULL,
        PRIMARY KEY (experiment_id, trial_number, step),
        FOREIGN KEY (experiment_id, trial_number) REFERENCES trials(experiment_id, number)
      ) WITHOUT ROWID;

      CREATE TABLE results (
        experiment_id INTEGER NOT NULL,
        trial_number INTEGER NOT NULL,
        metrics_json TEXT,
        seconds REAL NOT NULL CHECK (seconds >= 0),
        recorded_at INTEGER NOT NULL,
        PRIMARY KEY (experiment_id, trial_number),
        FOREIGN KEY (experiment_id, trial_number) REFERENCES trials(experiment_id, number)
      ) WITHOUT ROWID;

      CREATE TABLE checkpoints (
        experiment_id INTEGER NOT NULL,
        trial_number INTEGER NOT NULL,
        path TEXT NOT NULL CHECK (path <> ''),
        sha256 TEXT NOT NULL CHECK (length(sha256) = 64),
        bytes INTEGER NOT NULL CHECK (bytes >= 0),
        created_at INTEGER NOT NULL,
        PRIMARY KEY (experiment_id, trial_number),
        FOREIGN KEY (experiment_id, trial_number) REFERENCES trials(experiment_id, number)
      ) WITHOUT ROWID;
      """)
    try db.execute(sql: "PRAGMA application_id = \(applicationID)")
    try db.execute(
      sql: "INSERT INTO store_meta (key, value) VALUES ('created_by_hpo', ?), ('written_by_hpo', ?)",
      arguments: [HPOVersion.current, HPOVersion.current])
    try setSchemaVersion(db, 1)
  }

  /// Schema 2: the outcome of each experiment's release stage (held-out evaluation, gates, package).
  private static func v2(_ db: Database) throws {
    try db.execute(sql: """
      CREATE TABLE releases (
        experiment_id INTEGER NOT NULL PRIMARY KEY REFERENCES experiments(id),
        status TEXT NOT NULL CHECK (status IN ('passed', 'gate_failed', 'error', 'skipped')),
        failed_gates_json TEXT NOT NULL,
        message TEXT NOT NULL,
        report_path TEXT,
        package_path TEXT,
        recorded_at INTEGER NOT NULL
      );
      """)
    try setSchemaVersion(db, 2)
  }

  /// Schema 3: the `preparing` state, why an experiment failed
  /// (`failure_cause`: data, data_changed or internal, with `failure_message`),
  /// the SHA-256 of its data file (`data_fingerprint`, compared on resume) and
  /// its release stage (`release_stage`: `pending` once its search finished
  /// under a coordinator with a release stage, `done` once the outcome is in
  /// `releases`; NULL when none is owed). The table is rebuilt (SQLite cannot
  /// change a CHECK); GRDB runs migrations with foreign keys off and checks
  /// them after.
  private static func v3(_ db: Database) throws {
    try db.execute(sql: """
      CREATE TABLE experiments_v3 (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE CHECK (name <> ''),
        spec_json TEXT NOT NULL,
        spec_sha256 TEXT NOT NULL CHECK (length(spec_sha256) = 64),
        seed INTEGER NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('preparing', 'queued', 'running', 'finished', 'cancelled', 'failed')),
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        finished_at INTEGER,
        failure_cause TEXT CHECK (failure_cause IN ('data', 'data_changed', 'internal')),
        failure_message TEXT,
        data_fingerprint TEXT CHECK (length(data_fingerprint) = 64),
        release_stage TEXT CHECK (release_stage IN ('pending', 'done')),
        CHECK ((failure_cause IS NULL) = (failure_message IS NULL))
      );
      INSERT INTO experiments_v3 (id, name, spec_json, spec_sha256, seed, state, created_at, updated_at, finished_at)
        SELECT id, name, spec_json, spec_sha256, seed, state, created_at, updated_at, finished_at FROM experiments;
      UPDATE experiments_v3 SET release_stage = 'done' WHERE id IN (SELECT experiment_id FROM releases);
      DROP TABLE experiments;
      ALTER TABLE experiments_v3 RENAME TO experiments;
      """)
    try setSchemaVersion(db, 3)
  }

  /// Schema 4 (command trials): the `infeasible` trial state, the last 4 KB
  /// of a failed command's standard error (`trials.output_tail`), and the
  /// `repeated_failure` cause of a failed experiment. Both tables are rebuilt
  /// (SQLite cannot change a CHECK), as in schema 3.
  private static func v4(_ db: Database) throws {
    try db.execute(sql: """
      CREATE TABLE trials_v4 (
        experiment_id INTEGER NOT NULL REFERENCES experiments(id),
        number INTEGER NOT NULL CHECK (number >= 0),
        configuration_json TEXT NOT NULL,
        seed INTEGER NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('pending', 'running', 'complete', 'pruned', 'failed', 'infeasible')),
        worker TEXT,
        lease_deadline INTEGER,
        attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
        value REAL,
        reason TEXT,
        rung INTEGER CHECK (rung >= 0),
        epochs INTEGER NOT NULL DEFAULT 0 CHECK (epochs >= 0),
        created_at INTEGER NOT NULL,
        started_at INTEGER,
        finished_at INTEGER,
        output_tail TEXT CHECK (length(CAST(output_tail AS BLOB)) <= 4096),
        PRIMARY KEY (experiment_id, number),
        CHECK (state <> 'running' OR (worker IS NOT NULL AND lease_deadline IS NOT NULL AND attempts > 0)),
        CHECK (state = 'running' OR lease_deadline IS NULL)
      ) WITHOUT ROWID;
      INSERT INTO trials_v4 (experiment_id, number, configuration_json, seed, state, worker, lease_deadline, attempts,
                             value, reason, rung, epochs, created_at, started_at, finished_at)
        SELECT experiment_id, number, configuration_json, seed, state, worker, lease_deadline, attempts,
               value, reason, rung, epochs, created_at, started_at, finished_at FROM trials;
      DROP INDEX trials_running_by_deadline;
      DROP TABLE trials;
      ALTER TABLE trials_v4 RENAME TO trials;
      CREATE INDEX trials_running_by_deadline ON trials(lease_deadline) WHERE state = 'running';

      CREATE TABLE experiments_v4 (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE CHECK (name <> ''),
        spec_json TEXT NOT NULL,
        spec_sha256 TEXT NOT NULL CHECK (length(spec_sha256) = 64),
        seed INTEGER NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('preparing', 'queued', 'running', 'finished', 'cancelled', 'failed')),
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        finished_at INTEGER,
        failure_cause TEXT CHECK (failure_cause IN ('data', 'data_changed', 'internal', 'repeated_failure')),
        failure_message TEXT,
        data_fingerprint TEXT CHECK (length(data_fingerprint) = 64),
        release_stage TEXT CHECK (release_stage IN ('pending', 'done')),
        CHECK ((failure_cause IS NULL) = (failure_message IS NULL))
      );
      INSERT INTO experiments_v4 SELECT id, name, spec_json, spec_sha256, seed, state, created_at, updated_at,
        finished_at, failure_cause, failure_message, data_fingerprint, release_stage FROM experiments;
      DROP TABLE experiments;
      ALTER TABLE experiments_v4 RENAME TO experiments;
      """)
    try setSchemaVersion(db, 4)
  }

  /// Records `version` in `store_meta` and `PRAGMA user_version`; the last step of each migration.
  private static func setSchemaVersion(_ db: Database, _ version: Int) throws {
    try db.execute(
      sql: "INSERT OR REPLACE INTO store_meta (key, value) VALUES ('schema_version', ?)",
      arguments: [String(version)])
    try db.execute(sql: "PRAGMA user_version = \(version)")
  }

  /// What an opened file says about itself.
  struct Stamp {
    /// The file has no table yet (a new or empty file).
    var isEmpty: Bool
    var applicationID: Int64
    var schema: Int
    /// The hpo version that last wrote the store, if recorded.
    var writtenBy: String?
  }

  static func stamp(_ db: Database) throws -> Stamp {
    let appID = try Int64.fetchOne(db, sql: "PRAGMA application_id") ?? 0
    let schema = try Int.fetchOne(db, sql: "PRAGMA user_version") ?? 0
    let tables = try Int.fetchOne(
      db, sql: "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'") ?? 0
    var writtenBy: String?
    if try db.tableExists("store_meta") {
      // Only for the message of a refused store ("written by hpo V"): unknown when unreadable.
      writtenBy = try? String.fetchOne(db, sql: "SELECT value FROM store_meta WHERE key = 'written_by_hpo'")
    }
    return Stamp(isEmpty: tables == 0, applicationID: appID, schema: schema, writtenBy: writtenBy)
  }

  /// Refuses files that are not hpo stores and stores of a newer schema; passes new files and
  /// stores of this or an older schema (which the migrator then brings up to date).
  static func check(_ stamp: Stamp, path: String) throws(StoreError) {
    if stamp.isEmpty && stamp.applicationID == 0 && stamp.schema == 0 { return }
    guard stamp.applicationID == applicationID else {
      throw StoreError(path: path, kind: .notAStore(
        reason: "an SQLite database of another application (application_id \(stamp.applicationID))"))
    }
    guard stamp.schema <= current else {
      throw StoreError(path: path, kind: .newerSchema(
        schema: stamp.schema, writtenBy: stamp.writtenBy ?? "an unknown version",
        supportedSchema: current, thisVersion: HPOVersion.current))
    }
  }

  /// Records this hpo as the store's last writer (after migrations).
  static func recordWriter(_ db: Database) throws {
    try db.execute(
      sql: "UPDATE store_meta SET value = ? WHERE key = 'written_by_hpo' AND value <> ?",
      arguments: [HPOVersion.current, HPOVersion.current])
  }
}
