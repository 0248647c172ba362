import Foundation
import HPOCore
@testable import HPOStore
import Testing

/// The store file changed under its writer: deleted, replaced or truncated, the next commit
/// stops with an error naming the file (SQLite alone would go on writing into the deleted
/// inode, or checkpoint into the truncated file); a full disk is named by its mount point.
/// Cluster/test-faults injects the same faults into a running coordinator.
@Suite struct StoreFileWatchTests {
  @Test func aDeletedStoreFileStopsTheNextCommitNamingIt() throws {
    let dir = try TempDir()
    defer { dir.cleanup() }
    let path = dir.path("store.sqlite")
    let store = try ExperimentStore.open(path: path)
    try store.apply(.createExperiment(sampleSpec("a"), seed: 1))
    try FileManager.default.removeItem(atPath: path)
    let error = #expect(throws: StoreError.self) { try store.apply(.createExperiment(sampleSpec("b"), seed: 2)) }
    #expect(error?.kind == .fileDeleted)
    #expect(error?.description == """
      store \(path) was deleted while this coordinator was writing it; stopping, so that no result goes \
      into a file nobody can read; restore the file from a copy, or start over with a new store
      """)
  }

  @Test func aReplacedStoreFileStopsTheNextCommit() throws {
    let dir = try TempDir()
    defer { dir.cleanup() }
    let path = dir.path("store.sqlite")
    let store = try ExperimentStore.open(path: path)
    try store.apply(.createExperiment(sampleSpec("a"), seed: 1))
    try Data("another file".utf8).write(to: URL(fileURLWithPath: dir.path("other")))
    #expect(rename(dir.path("other"), path) == 0)
    let error = #expect(throws: StoreError.self) { try store.apply(.createExperiment(sampleSpec("b"), seed: 2)) }
    #expect(error?.kind == .fileReplaced)
  }

  @Test func aTruncatedStoreFileStopsTheNextCommitWithBothSizes() throws {
    let dir = try TempDir()
    defer { dir.cleanup() }
    let path = dir.path("store.sqlite")
    let store = try ExperimentStore.open(path: path)
    try store.apply(.createExperiment(sampleSpec("a"), seed: 1))
    // Checkpoints grow the file; commits after them pass (a store that grows is fine).
    _ = try store.pragma("wal_checkpoint(TRUNCATE)")
    try store.apply(.createExperiment(sampleSpec("b"), seed: 2))
    _ = try store.pragma("wal_checkpoint(TRUNCATE)")
    try store.apply(.createExperiment(sampleSpec("c"), seed: 3))
    let size = try #require(FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
    #expect(size > 0)
    #expect(truncate(path, off_t(size / 2)) == 0)
    let error = #expect(throws: StoreError.self) { try store.apply(.createExperiment(sampleSpec("d"), seed: 4)) }
    #expect(error?.kind == .fileTruncated(from: Int64(size), to: Int64(size / 2)))
    #expect(error?.description.hasPrefix("store \(path) was truncated (from \(size) to \(size / 2) bytes)") == true)
  }

  @Test func aFullDiskIsNamedByItsMountPoint() {
    let error = StoreError(path: "/mnt/runs/store.sqlite", kind: .diskFull(
      operation: "committing a batch of 3 change(s)", mountPoint: "/mnt/runs", freeBytes: 0))
    #expect(error.description == """
      store /mnt/runs/store.sqlite: committing a batch of 3 change(s) failed: the disk is full (the file system \
      mounted at /mnt/runs has 0 bytes free); nothing of that batch was written and every result acknowledged \
      before is in the store: free space there, then start the coordinator on this store again (hpo run: --resume)
      """)
    #expect(FileSystemSpace.mountPoint(of: "/proc/self/status") == "/proc")
    #expect(FileSystemSpace.mountPoint(of: "/proc/no/such/file") == "/proc")
    #expect(FileSystemSpace.freeBytes(at: "/") != nil)
  }
}
