#if canImport(Glibc)
  private import Glibc
#endif

/// A POSIX shared-memory object (`/dev/shm`) mapped into this process:
/// the memory the members of a gang on one host reduce through.
///
/// The creator makes it readable and writable by its own user only
/// (`0600`) and reserves its pages up front (`posix_fallocate`), so a full
/// `/dev/shm` is an error here, never a `SIGBUS` later. The name is removed
/// with ``unlink(name:)`` as soon as every member has mapped it; the memory
/// lives until the last member unmaps it (``close()`` or `deinit`), so
/// nothing is left behind when a member dies afterwards.
///
/// **Not thread-safe**: one owner, like the communicator that holds it.
final class SharedMemorySegment {
  let name: String
  let byteCount: Int
  /// The start of the mapping; `nil` once closed.
  private(set) var base: UnsafeMutableRawPointer?

  private init(name: String, byteCount: Int, base: UnsafeMutableRawPointer) {
    self.name = name
    self.byteCount = byteCount
    self.base = base
  }

  /// Creates the object `name` (it must not exist) of `byteCount` bytes,
  /// zero-filled, and maps it.
  /// - Throws: ``SharedMemoryError`` naming the call and `errno`.
  static func create(name: String, byteCount: Int) throws(SharedMemoryError) -> SharedMemorySegment {
    let fd = shm_open(name, O_CREAT | O_EXCL | O_RDWR, 0o600)
    guard fd >= 0 else { throw SharedMemoryError(call: "shm_open(\(name), create)", errno: errno) }
    defer { Glibc.close(fd) }
    guard ftruncate(fd, off_t(byteCount)) == 0 else {
      let code = errno
      shm_unlink(name)
      throw SharedMemoryError(call: "ftruncate(\(name), \(byteCount))", errno: code)
    }
    // posix_fallocate returns its error instead of setting errno.
    let reserved = posix_fallocate(fd, 0, off_t(byteCount))
    guard reserved == 0 else {
      shm_unlink(name)
      throw SharedMemoryError(call: "posix_fallocate(\(name), \(byteCount))", errno: reserved)
    }
    do {
      return try map(fd, name: name, byteCount: byteCount)
    } catch {
      shm_unlink(name)
      throw error
    }
  }

  /// Maps the existing object `name`, which must be `byteCount` bytes.
  /// - Throws: ``SharedMemoryError`` naming the call and `errno`, or a size
  ///   that is not `byteCount`.
  static func open(name: String, byteCount: Int) throws(SharedMemoryError) -> SharedMemorySegment {
    let fd = shm_open(name, O_RDWR, 0)
    guard fd >= 0 else { throw SharedMemoryError(call: "shm_open(\(name))", errno: errno) }
    defer { Glibc.close(fd) }
    var status = stat()
    guard fstat(fd, &status) == 0 else { throw SharedMemoryError(call: "fstat(\(name))", errno: errno) }
    guard Int(status.st_size) == byteCount else {
      throw SharedMemoryError(call: "fstat(\(name))", message: "its size is \(status.st_size) bytes, not \(byteCount)")
    }
    return try map(fd, name: name, byteCount: byteCount)
  }

  private static func map(_ fd: Int32, name: String, byteCount: Int) throws(SharedMemoryError) -> SharedMemorySegment {
    guard let base = mmap(nil, byteCount, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0), base != MAP_FAILED else {
      throw SharedMemoryError(call: "mmap(\(name), \(byteCount))", errno: errno)
    }
    return SharedMemorySegment(name: name, byteCount: byteCount, base: base)
  }

  /// Removes the name (the memory stays mapped where it is mapped).
  /// - Returns: `false` when there was no such name.
  @discardableResult
  static func unlink(name: String) -> Bool {
    shm_unlink(name) == 0
  }

  /// Unmaps the memory. Idempotent.
  func close() {
    guard let base else { return }
    munmap(base, byteCount)
    self.base = nil
  }

  deinit {
    close()
  }
}

/// A shared-memory call that failed.
struct SharedMemoryError: Error, CustomStringConvertible {
  let call: String
  let message: String

  init(call: String, errno code: Int32) {
    self.call = call
    message = String(cString: strerror(code))
  }

  init(call: String, message: String) {
    self.call = call
    self.message = message
  }

  var description: String { "\(call): \(message)" }
}
