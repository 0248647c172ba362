#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A whole file mapped read-only into memory; the one owner of the mapping.
///
/// Readers scan `bytes` front to back and call ``release(before:)`` as they go,
/// so pages already parsed leave the resident set: reading a 150 MB file costs
/// a few MB of resident memory on top of what is parsed into. `close()` is
/// explicit; `deinit` only unmaps a mapping that was never closed.
final class MappedFile {
  /// The file's bytes; empty for an empty file. Valid until `close()`.
  private(set) var bytes: UnsafeRawBufferPointer
  private static let pageSize = Int(sysconf(Int32(_SC_PAGESIZE)))

  /// Maps `path`. Throws `.fileUnreadable` naming the file and the reason.
  init(path: String) throws(DataError) {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else {
      throw DataError(.fileUnreadable, file: path, message: "cannot open: \(Self.reason(errno))")
    }
    defer { _ = Glibc.close(fd) }
    var info = stat()
    guard fstat(fd, &info) == 0 else {
      throw DataError(.fileUnreadable, file: path, message: "cannot stat: \(Self.reason(errno))")
    }
    guard (info.st_mode & S_IFMT) == S_IFREG else {
      throw DataError(.fileUnreadable, file: path, message: "is not a regular file")
    }
    let size = Int(info.st_size)
    if size == 0 {
      bytes = UnsafeRawBufferPointer(start: nil, count: 0)
      return
    }
    guard let base = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), base != MAP_FAILED else {
      throw DataError(.fileUnreadable, file: path, message: "cannot map: \(Self.reason(errno))")
    }
    _ = madvise(base, size, MADV_SEQUENTIAL)
    bytes = UnsafeRawBufferPointer(start: base, count: size)
  }

  /// Drops the whole pages inside `range` (byte offsets) from this process's
  /// resident set; they are read again from the page cache if touched later.
  func release(_ range: Range<Int>) {
    guard let base = bytes.baseAddress else { return }
    let page = Self.pageSize
    let lower = (range.lowerBound + page - 1) / page * page
    let upper = min(range.upperBound, bytes.count) / page * page
    guard upper > lower else { return }
    _ = madvise(UnsafeMutableRawPointer(mutating: base) + lower, upper - lower, MADV_DONTNEED)
  }

  /// Unmaps the file. Idempotent.
  func close() {
    if let base = bytes.baseAddress {
      _ = munmap(UnsafeMutableRawPointer(mutating: base), bytes.count)
    }
    bytes = UnsafeRawBufferPointer(start: nil, count: 0)
  }

  deinit { close() }

  static func reason(_ code: Int32) -> String {
    guard let text = strerror(code) else { return "error \(code)" }
    return String(cString: text)
  }
}
