#if canImport(Glibc)
import Glibc
#endif

/// Writing a file so that readers see the old file or the whole new one,
/// never a part: the bytes go to a temporary file in the same directory, are
/// flushed to disk, and the temporary file is renamed over the target.
enum AtomicFile {
  /// Writes `bytes` to `path` atomically. Throws `.writeFailed` naming the path.
  static func write(_ bytes: UnsafeRawBufferPointer, to path: String) throws(DataError) {
    let temporary = path + ".tmp-\(getpid())"
    let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
    guard fd >= 0 else { throw failure(path, "cannot create \(temporary)") }
    var offset = 0
    while offset < bytes.count {
      let n = Glibc.write(fd, bytes.baseAddress! + offset, bytes.count - offset)
      if n < 0 {
        if errno == EINTR { continue }
        let reason = failure(path, "cannot write")
        _ = close(fd)
        _ = unlink(temporary)
        throw reason
      }
      offset += n
    }
    guard fsync(fd) == 0, close(fd) == 0 else {
      let reason = failure(path, "cannot flush")
      _ = unlink(temporary)
      throw reason
    }
    guard rename(temporary, path) == 0 else {
      let reason = failure(path, "cannot rename \(temporary) to it")
      _ = unlink(temporary)
      throw reason
    }
  }

  /// Writes `text` as UTF-8 to `path` atomically.
  static func write(_ text: String, to path: String) throws(DataError) {
    try write(Array(text.utf8), to: path)
  }

  /// Writes `bytes` to `path` atomically.
  static func write(_ bytes: [UInt8], to path: String) throws(DataError) {
    var failure: DataError?
    bytes.withUnsafeBytes { buffer in
      do throws(DataError) { try write(buffer, to: path) } catch { failure = error }
    }
    if let failure { throw failure }
  }

  /// Creates `path` and its missing parents.
  static func makeDirectory(_ path: String) throws(DataError) {
    var prefix = path.hasPrefix("/") ? "/" : ""
    for part in path.split(separator: "/") {
      prefix += part + "/"
      if mkdir(prefix, 0o755) != 0 && errno != EEXIST {
        throw failure(path, "cannot create directory")
      }
    }
  }

  private static func failure(_ path: String, _ what: String) -> DataError {
    DataError(.writeFailed, file: path, message: "\(what): \(MappedFile.reason(errno))")
  }
}
