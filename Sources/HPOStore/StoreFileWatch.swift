import Foundation
import Synchronization

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The store file as its writer opened it: its device and inode, and the largest size seen.
/// ``check()`` runs before each commit, so a store file deleted, replaced or truncated under
/// a running coordinator stops it at its next commit. Without it SQLite goes on writing into
/// the deleted inode (every later result gone with the process) or checkpoints into a
/// truncated file (a damaged store), and nobody is told.
///
/// A store file never shrinks while hpo writes it: hpo never vacuums, and a checkpoint only
/// grows the database file (it truncates the `-wal`, not the store).
final class StoreFileWatch: Sendable {
  let path: String
  private let device: UInt64
  private let inode: UInt64
  /// The largest size the file has had at a check.
  private let largest: Mutex<Int64>

  /// Watches the file at `path` as it is now; `nil` if it cannot be examined (then
  /// SQLite's own errors are all there is).
  init?(path: String) {
    guard let s = StoreFileWatch.examine(path) else { return nil }
    self.path = path
    device = UInt64(s.st_dev)
    inode = UInt64(s.st_ino)
    largest = Mutex(Int64(s.st_size))
  }

  /// Throws when the file at `path` is gone, is another file, or is smaller than it was.
  func check() throws(StoreError) {
    guard let s = StoreFileWatch.examine(path) else {
      throw StoreError(path: path, kind: .fileDeleted)
    }
    guard UInt64(s.st_dev) == device, UInt64(s.st_ino) == inode else {
      throw StoreError(path: path, kind: .fileReplaced)
    }
    let size = Int64(s.st_size)
    let shrunk: Int64? = largest.locked { largest in
      if size < largest { return largest }
      largest = size
      return nil
    }
    if let before = shrunk {
      throw StoreError(path: path, kind: .fileTruncated(from: before, to: size))
    }
  }

  private static func examine(_ path: String) -> stat? {
    var s = stat()
    return stat(path, &s) == 0 ? s : nil
  }
}

/// Where a file lives: the mount point of its file system and the bytes free there,
/// for a disk-full message that names the disk.
enum FileSystemSpace {
  /// The mount point of the file system holding `path` (a file or directory; for a file
  /// that does not exist, its directory): the highest ancestor on the same device.
  static func mountPoint(of path: String) -> String? {
    var url = URL(fileURLWithPath: path).standardizedFileURL
    var s = stat()
    while stat(url.path, &s) != 0 {
      guard url.path != "/" else { return nil }
      url = url.deletingLastPathComponent()
    }
    let device = s.st_dev
    while url.path != "/" {
      let parent = url.deletingLastPathComponent()
      guard stat(parent.path, &s) == 0, s.st_dev == device else { break }
      url = parent
    }
    return url.path
  }

  /// Bytes an unprivileged process may still write on the file system holding `path`.
  static func freeBytes(at path: String) -> Int64? {
    var v = statvfs()
    guard statvfs(path, &v) == 0 else { return nil }
    return Int64(v.f_bavail) * Int64(v.f_frsize)
  }
}
