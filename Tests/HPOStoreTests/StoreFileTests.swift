import Foundation
import GRDB
import HPOCore
@testable import HPOStore
import Testing

/// Real SQLite files: WAL and durability settings, the single-writer lock, schema versions,
/// restart.
@Suite struct StoreFileTests {
  @Test func fileStoresUseWALWithFullSynchronousByDefault() throws {
    let dir = try TempDir()
    defer { dir.cleanup() }
    let full = try ExperimentStore.open(path: dir.path("full.sqlite"))
    #expect(try full.pragma("journal_mode") == "wal")
    #expect(try full.pragma("synchronous") == "2")  // FULL
    #expect(try full.pragma("foreign_keys") == "1")
    #expect(try full.pragma("user_version") == String(StoreSchema.current))
    let normal = try ExperimentStore.open(path: dir.path("normal.sqlite"), durability: .normal)
    #expect(try normal.pragma("synchronous") == "1")  // NORMAL
  }

  @Test func aSecondOpenerOfTheSameStoreIsRefused() throws {
    let dir = try TempDir()
    defer { dir.cleanup() }
    let path = dir.path("store.sqlite")
    let first = try ExperimentStore.open(path: path)
    let error = #expect(throws: StoreError.self) { try ExperimentStore.open(path: path) }
    let me = "pid \(getpid()) on \(ProcessInfo.processInfo.hostName), hpo \(HPOVersion.current)"
    #expect(error?.kind == .locked(lockFile: path + ".lock", holder: me))
    #expect(error?.description == """
      store \(path) is in use by another coordinator (\(me)), which holds \
      \(path).lock; stop that coordinator, or give this one another --store (a store has a single writer)
      """)

    // Another process cannot take the lock either (util-linux flock exits 42 when it is held).
    if FileManager.default.isExecutableFile(atPath: "/usr/bin/flock") {
      #expect(try run("/usr/bin/flock", ["-n", "-E", "42", path + ".lock", "true"]) == 42)
    }

    // Closing releases it.
    try first.close()
    if FileManager.default.isExecutableFile(atPath: "/usr/bin/flock") {
      #expect(try run("/usr/bin/flock", ["-n", "-E", "42", path + ".lock", "true"]) == 0)
    }
    let second = try ExperimentStore.open(path: path)
    try second.close()
    let closed = #expect(throws: StoreError.self) { try first.experiments() }
    #expect(closed?.kind == .closed)
  }

  @Test func anOpenerWaitsForTheLockWithANoticeAndTakesItWhenReleased() throws {
    let dir = try TempDir()
    defer { dir.cleanup() }
    let path = dir.path("store.sqlite")
    let first = try ExperimentStore.open(path: path)
    let me = "pid \(getpid()) on \(ProcessInfo.processInfo.hostName), hpo \(HPOVersion.current)"
    // Released 300 ms into a 10 s wait: the second opener gets it then, having said what it waits for.
    let releaser = Thread { Thread.sleep(forTimeInterval: 0.3); try? first.close() }
    releaser.start()
    var notices: [String?] = []
    let started = ContinuousClock.now
    let second = try ExperimentStore.open(path: path, lockWait: .seconds(10)) { notices.append($0) }
    let waited = ContinuousClock.now - started
    #expect(notices == [me], "one notice naming the holder")
    #expect(waited >= .milliseconds(250) && waited < .seconds(9), "took the lock once released, not at the deadline: \(waited)")
    try second.close()
  }

  @Test func aBoundedLockWaitEndsWithTheHoldersName() throws {
    let dir = try TempDir()
    defer { dir.cleanup() }
    let path = dir.path("store.sqlite")
    let first = try ExperimentStore.open(path: path)
    defer { try? first.close() }
    let started = ContinuousClock.now
    let error = #expect(throws: StoreError.self) { try ExperimentStore.open(path: path, lockWait: .milliseconds(400)) }
    #expect(ContinuousClock.now - started >= .milliseconds(400))
    #expect(error?.kind == .locked(lockFile: path + ".lock", holder: "pid \(getpid()) on \(ProcessInfo.processInfo.hostName), hpo \(HPOVersion.current)"))
  }

  @Test func aStoreOfANewerSchemaIsRefusedNamingBothVersions() throws {
    let dir = try TempDir()
    defer { dir.cleanup() }
    let path = dir.path("future.sqlite")
    try ExperimentStore.open(path: path).close()
    // What hpo 0.3.0 with the next schema would leave behind.
    let future = StoreSchema.current + 1
    let raw = try DatabaseQueue(path: path)
    try raw.write { db in
      try db.execute(sql: "UPDATE store_meta SET value = '0.3.0' WHERE key = 'written_by_hpo'")
      try db.execute(sql: "UPDATE store_meta SET value = '\(future)' WHERE key = 'schema_version'")
      try db.execute(sql: "CREATE TABLE future_things (id INTEGER PRIMARY KEY)")
      try db.execute(sql: "PRAGMA user_version = \(future)")
    }
    try raw.close()

    let error = #expect(throws: StoreError.self) { try ExperimentStore.open(path: path) }
    #expect(error?.kind == .newerSchema(schema: future, writtenBy: "0.3.0", supportedSchema: StoreSchema.current, thisVersion: HPOVersion.current))
    #expect(error?.description == """
      store \(path) was written by hpo 0.3.0 (schema \(future)); this hpo (\(HPOVersion.current)) reads schema ≤ \(StoreSchema.current); upgrade hpo
      """)
    // Refused without touching it, and the lock is released.
    let check = try DatabaseQueue(path: path)
    #expect(try check.read { try String.fetchOne($0, sql: "SELECT value FROM store_meta WHERE key = 'written_by_hpo'") } == "0.3.0")
    try check.close()
    if FileManager.default.isExecutableFile(atPath: "/usr/bin/flock") {
      #expect(try run("/usr/bin/flock", ["-n", "-E", "42", path + ".lock", "true"]) == 0)
    }
  }

  @Test func filesThatAreNotStoresAreRefused() throws {
    let dir = try TempDir()
    defer { dir.cleanup() }
    let text = dir.path("notes.txt")
    try Data(String(repeating: "not a database\n", count: 100).utf8).write(to: URL(fileURLWithPath: text))
    let garbage = #expect(throws: StoreError.self) { try ExperimentStore.open(path: text) }
    guard case .notAStore? = garbage?.kind else { Issue.record("got \(String(describing: garbage))"); return }

    let other = dir.path("other.sqlite")
    let raw = try DatabaseQueue(path: other)
    try raw.write { try $0.execute(sql: "CREATE TABLE songs (id INTEGER PRIMARY KEY)") }
    try raw.close()
    let foreign = #expect(throws: StoreError.self) { try ExperimentStore.open(path: other) }
    #expect(foreign?.kind == .notAStore(reason: "an SQLite database of another application (application_id 0)"))

    let missing = dir.path("no/such/dir/store.sqlite")
    let cannot = #expect(throws: StoreError.self) { try ExperimentStore.open(path: missing) }
    guard case .cannotOpen(let reason)? = cannot?.kind else { Issue.record("got \(String(describing: cannot))"); return }
    #expect(reason.contains("No such file or directory"))
    #expect(cannot?.description.hasPrefix("store \(missing) cannot be opened: cannot create the lock file") == true)
  }

  @Test func reopeningAfterWritesReturnsIdenticalRecords() throws {
    let dir = try TempDir()
    defer { dir.cleanup() }
    let path = dir.path("restart.sqlite")
    let store = try ExperimentStore.open(path: path)
    try FixtureHistory.write(to: store)
    let before = try Snapshot(store)
    try store.close()

    let reopened = try ExperimentStore.open(path: path)
    let after = try Snapshot(reopened)
    #expect(after == before)
    #expect(after.running.map(\.id) == [trial(FixtureHistory.iris, 3)])
    // The same history on an in-memory store reads the same (the twin is faithful).
    let twin = ExperimentStore.inMemory()
    try FixtureHistory.write(to: twin)
    #expect(try Snapshot(twin) == before)
  }

  /// A change is on disk when `apply` returns: a copy of the files taken at that moment (what a
  /// kill -9 right after the acknowledgement leaves) holds it.
  @Test func anAppliedBatchIsInTheFilesWhenApplyReturns() throws {
    let dir = try TempDir()
    defer { dir.cleanup() }
    let path = dir.path("live.sqlite")
    let store = try ExperimentStore.open(path: path)
    try FixtureHistory.write(to: store)
    let expected = try Snapshot(store)

    let crashed = dir.path("crashed.sqlite")
    for suffix in ["", "-wal"] {
      try FileManager.default.copyItem(atPath: path + suffix, toPath: crashed + suffix)
    }
    let recovered = try ExperimentStore.open(path: crashed)
    #expect(try Snapshot(recovered) == expected)
    try recovered.close()
    try store.close()
  }

  private func run(_ tool: String, _ arguments: [String]) throws -> Int32 {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: tool)
    process.arguments = arguments
    try process.run()
    process.waitUntilExit()
    return process.terminationStatus
  }
}
