#if canImport(Glibc)
import Glibc
#endif

extension AtomicFile {
  /// A file written in pieces (received or produced in chunks) that appears
  /// at its path only when whole: the pieces go to a fresh temporary sibling
  /// of `path` (``AtomicFile/temporaryName(for:)``, created exclusively),
  /// their SHA-256 computed on the way; ``commit()`` flushes it and renames
  /// it over `path` (as ``AtomicFile/write(_:to:mode:replace:)`` does), and
  /// ``discard()`` removes it. Memory does not grow with the file: a piece is
  /// written and forgotten.
  ///
  /// Pieces are flushed to disk every ``syncBytes`` on the way, so the flush
  /// at ``commit()`` is short (a coordinator writing one answers its other
  /// peers between pieces, not after a long flush).
  ///
  /// One owner, one thread. An appender dropped before ``commit()`` or
  /// ``discard()`` removes its temporary file (a service that stops halfway
  /// through a transfer leaves nothing half-written behind).
  public final class Appender {
    /// Where the file goes on ``commit()``.
    public let path: String
    /// The temporary file the pieces go to.
    public let temporary: String
    /// Bytes appended so far.
    public private(set) var count = 0
    private var hasher = SHA256Hex.Hasher()
    private var descriptor: Int32
    private var unsynced = 0
    /// Bytes appended between two flushes to disk.
    public static let syncBytes = 64 << 20

    /// Creates the temporary file next to `path` (whose folder must exist),
    /// with permission bits `mode` exactly (not filtered by the umask).
    ///
    /// With `inPlace`, the pieces go to `path` itself, which must not exist
    /// yet, and ``commit()`` only flushes it: for a file inside a folder that
    /// is itself put in place atomically (as ``AtomicFile/writeNew(_:to:mode:)``),
    /// whose name may be as long as the filesystem allows.
    /// - Throws: ``FileWriteError`` naming the file and the system's reason.
    public init(path: String, mode: mode_t = 0o644, inPlace: Bool = false) throws(FileWriteError) {
      self.path = path
      temporary = inPlace ? path : AtomicFile.temporaryName(for: path)
      descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
      guard descriptor >= 0 else { throw AtomicFile.failure(temporary, "cannot create it") }
      guard fchmod(descriptor, mode) == 0 else {
        let problem = AtomicFile.failure(temporary, "cannot set its mode")
        discard()
        throw problem
      }
    }

    /// Lower-case hex SHA-256 of the bytes appended so far.
    public var sha256: String { hasher.hex }

    /// Appends `bytes`.
    /// - Throws: ``FileWriteError`` (no space left, ...); the file is then
    ///   incomplete and the owner discards it.
    public func append(_ bytes: UnsafeRawBufferPointer) throws(FileWriteError) {
      guard descriptor >= 0 else { throw FileWriteError(path: temporary, reason: "it was already committed or discarded") }
      var offset = 0
      while offset < bytes.count {
        let n = Glibc.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
        if n < 0 && errno == EINTR { continue }
        guard n >= 0 else { throw AtomicFile.failure(temporary, "cannot write") }
        offset += n
      }
      hasher.update(bytes)
      count += bytes.count
      unsynced += bytes.count
      if unsynced >= Self.syncBytes {
        guard fdatasync(descriptor) == 0 else { throw AtomicFile.failure(temporary, "cannot flush") }
        unsynced = 0
      }
    }

    /// Appends `bytes`.
    public func append(_ bytes: [UInt8]) throws(FileWriteError) {
      var failure: FileWriteError?
      bytes.withUnsafeBytes { buffer in
        do throws(FileWriteError) { try append(buffer) } catch { failure = error }
      }
      if let failure { throw failure }
    }

    /// Flushes the file and renames it to ``path`` (replacing what is
    /// there), then flushes the folder (in place: only flushes the file). On
    /// failure the temporary file is removed.
    ///
    /// With `durable: false` nothing is flushed: the rename is still atomic
    /// for every reader while the machine runs, but after a power loss the
    /// file may be empty or short. Only for files whose reader checks them
    /// (a SHA-256 kept elsewhere) and can do without them.
    public func commit(durable: Bool = true) throws(FileWriteError) {
      guard descriptor >= 0 else { throw FileWriteError(path: temporary, reason: "it was already committed or discarded") }
      var problem: FileWriteError?
      if durable, fsync(descriptor) != 0 { problem = AtomicFile.failure(temporary, "cannot flush") }
      if close(descriptor) != 0 && problem == nil { problem = AtomicFile.failure(temporary, "cannot close") }
      descriptor = -1
      let inPlace = temporary == path
      if problem == nil && !inPlace && rename(temporary, path) != 0 { problem = AtomicFile.failure(path, "cannot rename \(temporary) to it") }
      if let problem {
        _ = unlink(temporary)
        throw problem
      }
      if durable, !inPlace { try AtomicFile.syncDirectory(containing: path) }
    }

    /// Closes and removes the temporary file; nothing appears at ``path``. Idempotent.
    public func discard() {
      guard descriptor >= 0 else { return }
      _ = close(descriptor)
      descriptor = -1
      _ = unlink(temporary)
    }

    deinit { discard() }
  }
}
