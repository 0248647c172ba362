#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// Why a file could not be written: the path, and the system's reason.
public struct FileWriteError: Error, Sendable, Equatable, CustomStringConvertible {
  public enum Kind: Sendable, Equatable {
    /// `write(_:to:replace: false)` found a file at the path.
    case exists
    /// The system refused (no space, no permission, a missing folder, …).
    case failed
  }

  public var kind: Kind
  /// The file hpo was writing.
  public var path: String
  /// What failed, in words, with the system's reason.
  public var reason: String

  public init(_ kind: Kind = .failed, path: String, reason: String) {
    self.kind = kind
    self.path = path
    self.reason = reason
  }

  public var description: String { "cannot write \(path): \(reason)" }
}

/// The one way hpo writes a file that matters: readers see the old file or
/// the whole new one, never a part, and after a crash or a power loss the
/// file is either the old or the new one.
///
/// The bytes go to a fresh temporary file next to the target (created
/// exclusively, so nothing someone placed there is written through), are
/// flushed to disk (`fsync`), the temporary file is renamed over the target
/// (or hard-linked to it, to refuse replacing one), and the folder is flushed
/// so the rename itself is durable. Thread-safe; temporaries of concurrent
/// writers never collide.
public enum AtomicFile {
  /// Writes `bytes` to `path` atomically and durably, with permission bits
  /// `mode`. With `replace: false` an existing file is left alone and the
  /// write throws ``FileWriteError/Kind/exists``.
  public static func write(
    _ bytes: UnsafeRawBufferPointer, to path: String, mode: mode_t = 0o644, replace: Bool = true
  ) throws(FileWriteError) {
    let temporary = temporaryName(for: path)
    try writeNew(bytes, to: temporary, mode: mode)
    defer { _ = unlink(temporary) }
    if replace {
      guard rename(temporary, path) == 0 else { throw failure(path, "cannot rename \(temporary) to it") }
    } else if link(temporary, path) != 0 {
      if errno == EEXIST { throw FileWriteError(.exists, path: path, reason: "it already exists") }
      throw failure(path, "cannot link \(temporary) to it")
    }
    try syncDirectory(containing: path)
  }

  /// Writes `bytes` to `path` atomically and durably (see the main overload).
  public static func write(_ bytes: [UInt8], to path: String, mode: mode_t = 0o644, replace: Bool = true) throws(FileWriteError) {
    var failure: FileWriteError?
    bytes.withUnsafeBytes { buffer in
      do throws(FileWriteError) { try write(buffer, to: path, mode: mode, replace: replace) } catch { failure = error }
    }
    if let failure { throw failure }
  }

  /// Writes `text` as UTF-8 to `path` atomically and durably.
  public static func write(_ text: String, to path: String, mode: mode_t = 0o644, replace: Bool = true) throws(FileWriteError) {
    try write(Array(text.utf8), to: path, mode: mode, replace: replace)
  }

  /// Creates a file that must not exist yet, writes `bytes` and flushes them
  /// to disk; on failure nothing is left behind. For files inside a folder
  /// that is itself switched into place atomically (a package).
  public static func writeNew(_ bytes: UnsafeRawBufferPointer, to path: String, mode: mode_t = 0o644) throws(FileWriteError) {
    let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
    guard fd >= 0 else { throw failure(path, "cannot create it") }
    var problem: FileWriteError?
    // The mode given to open(2) is filtered by the umask; a secret key must be 0600 exactly.
    if fchmod(fd, mode) != 0 { problem = failure(path, "cannot set its mode") }
    var offset = 0
    while problem == nil && offset < bytes.count {
      let n = Glibc.write(fd, bytes.baseAddress! + offset, bytes.count - offset)
      if n < 0 && errno == EINTR { continue }
      if n < 0 { problem = failure(path, "cannot write") } else { offset += n }
    }
    if problem == nil && fsync(fd) != 0 { problem = failure(path, "cannot flush") }
    if close(fd) != 0 && problem == nil { problem = failure(path, "cannot close") }
    if let problem {
      _ = unlink(path)
      throw problem
    }
  }

  /// ``writeNew(_:to:mode:)`` for an array of bytes.
  public static func writeNew(_ bytes: [UInt8], to path: String, mode: mode_t = 0o644) throws(FileWriteError) {
    var failure: FileWriteError?
    bytes.withUnsafeBytes { buffer in
      do throws(FileWriteError) { try writeNew(buffer, to: path, mode: mode) } catch { failure = error }
    }
    if let failure { throw failure }
  }

  /// Flushes the folder holding `path`, so that a rename or link into it
  /// survives a power loss.
  public static func syncDirectory(containing path: String) throws(FileWriteError) {
    let slash = path.lastIndex(of: "/")
    try syncDirectory(slash.map { $0 == path.startIndex ? "/" : String(path[..<$0]) } ?? ".")
  }

  /// Flushes the folder `path` itself (its list of names).
  public static func syncDirectory(_ path: String) throws(FileWriteError) {
    let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    guard fd >= 0 else { throw failure(path, "cannot open the folder to flush it") }
    defer { _ = close(fd) }
    guard fsync(fd) == 0 else { throw failure(path, "cannot flush the folder") }
  }

  /// Creates `path` and its missing parents with permission bits `mode`.
  public static func makeDirectory(_ path: String, mode: mode_t = 0o755) throws(FileWriteError) {
    var prefix = path.hasPrefix("/") ? "/" : ""
    for part in path.split(separator: "/") {
      prefix += part + "/"
      if mkdir(prefix, mode) != 0 && errno != EEXIST {
        throw failure(path, "cannot create the folder \(prefix)")
      }
    }
  }

  /// A hidden sibling of `path` no other writer uses: `.NAME.tmp-PID-N`.
  /// ``isTemporary(_:)`` recognises it (for clean-ups after a crash).
  public static func temporaryName(for path: String) -> String {
    let n = counter.add(1, ordering: .relaxed).oldValue
    let slash = path.lastIndex(of: "/")
    let folder = slash.map { String(path[...$0]) } ?? ""
    let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
    return folder + "." + name + temporaryMarker + "\(getpid())-\(n)"
  }

  /// The pid of the process that made the temporary file `name` (a file
  /// name, not a path), or `nil` when `name` is not one of ours.
  public static func temporaryOwner(_ name: String) -> Int32? {
    guard name.hasPrefix("."), let range = name.range(of: temporaryMarker) else { return nil }
    return name[range.upperBound...].split(separator: "-").first.flatMap { Int32($0) }
  }

  private static let temporaryMarker = ".tmp-"
  private static let counter = Atomic<Int>(0)

  /// The error for `what` on `path`, with `errno`'s text (read first).
  static func failure(_ path: String, _ what: String) -> FileWriteError {
    let code = errno
    return FileWriteError(path: path, reason: "\(what): \(String(cString: strerror(code)))")
  }
}
