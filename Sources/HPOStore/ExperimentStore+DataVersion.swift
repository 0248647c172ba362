import GRDB

extension ExperimentStore {
  /// SQLite's `PRAGMA data_version` on this store's connection: a number that changes when
  /// another connection (a coordinator writing the store) commits, and stays the same
  /// otherwise. Only comparisons of two values from the same store object mean anything;
  /// a reader polls it to notice changes without reading any table.
  public func dataVersion() throws(StoreError) -> Int {
    try perform("reading the data version") {
      try writer.read { db in try Int.fetchOne(db, sql: "PRAGMA data_version") ?? 0 }
    }
  }
}
