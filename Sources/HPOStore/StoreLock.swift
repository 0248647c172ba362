import Foundation
import HPOCore
import Synchronization

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The exclusive lock that makes the coordinator a store's only writer: `flock(LOCK_EX)` on
/// `<store>.lock`, held from open until close (or until the process ends, however it ends: the
/// kernel drops the lock with the file descriptor, so a killed coordinator leaves no stale
/// lock). The file also says who holds it ("pid 4242 on node-1, hpo 0.1.0"), for the refusal
/// message and for the wait notice.
///
/// The file is never deleted (deleting it would let two processes lock two different files).
/// Its descriptor is close-on-exec, so workers started by the coordinator do not inherit it.
/// `flock` is reliable on local file systems; on NFS keep stores on a local disk.
final class StoreLock: Sendable {
  /// The lock file's descriptor; -1 once released.
  private let fd: Mutex<Int32>
  let lockPath: String

  /// Takes the lock of the store at `storePath`. While another process holds it, retries every
  /// 50 ms for up to `wait` (monotonic clock; `.zero`: no wait), after calling `onWait` once with
  /// the holder's note so the user learns what is being waited for.
  /// - Throws: `.locked` (naming the holder) if it is still held after `wait`, `.cannotOpen` if
  ///   the file cannot be made or locked.
  init(storePath: String, wait: Duration = .zero, onWait: (_ holder: String?) -> Void = { _ in }) throws(StoreError) {
    lockPath = storePath + ".lock"
    let fd = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
    guard fd >= 0 else {
      let reason = String(cString: strerror(errno))
      throw StoreError(path: storePath, kind: .cannotOpen(reason: "cannot create the lock file \(lockPath): \(reason)"))
    }
    let deadline = ContinuousClock.now + wait
    var told = false
    while flock(fd, LOCK_EX | LOCK_NB) != 0 {
      let code = errno
      if code == EWOULDBLOCK, ContinuousClock.now < deadline {
        if !told {
          onWait(StoreLock.readHolder(fd))
          told = true
        }
        Thread.sleep(forTimeInterval: 0.05)
        continue
      }
      let holder = StoreLock.readHolder(fd)
      close(fd)
      if code == EWOULDBLOCK {
        throw StoreError(path: storePath, kind: .locked(lockFile: lockPath, holder: holder))
      }
      throw StoreError(path: storePath, kind: .cannotOpen(
        reason: "cannot lock \(lockPath): \(String(cString: strerror(code)))"))
    }
    self.fd = Mutex(fd)
    let note = "\(StoreLock.holderNote)\n"
    _ = ftruncate(fd, 0)
    _ = note.withCString { pwrite(fd, $0, strlen($0), 0) }
  }

  deinit { release() }

  /// How this process names itself in the lock file: "pid 4242 on node-1, hpo 0.1.0".
  static var holderNote: String {
    "pid \(getpid()) on \(ProcessInfo.processInfo.hostName), hpo \(HPOVersion.current)"
  }

  /// Drops the lock; idempotent.
  func release() {
    fd.locked { fd in
      guard fd >= 0 else { return }
      close(fd)  // closing the descriptor releases the flock
      fd = -1
    }
  }

  private static func readHolder(_ fd: Int32) -> String? {
    var buffer = [UInt8](repeating: 0, count: 200)
    let n = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, 0) }
    guard n > 0 else { return nil }
    let text = String(decoding: buffer[0..<n], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    return text.isEmpty ? nil : text
  }
}
