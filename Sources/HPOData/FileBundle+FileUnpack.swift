import HPOCore

#if canImport(Glibc)
import Glibc
#endif

extension FileBundle {
  /// Reads the bundle file at `file` and unpacks it into the folder
  /// `directory`, streaming: memory holds the index and a buffer of
  /// ``streamBufferBytes``, whatever the bundle's size. The file is checked
  /// as ``init(decoding:)`` checks bytes — magic, version, every length
  /// against the file's size, flags, paths, their order — before anything is
  /// written, and every file's SHA-256 as it is written: any file gives
  /// files or an error, never a trap. All or nothing, with the folder rules
  /// of ``unpack(into:)`` (a temporary sibling renamed into place; a
  /// `directory` that exists already is left as it is).
  ///
  /// - Parameters:
  ///   - file: The bundle file.
  ///   - directory: The folder to create.
  ///   - limit: The largest bundle file accepted, in bytes (default ``fileLimit``, 64 GiB).
  /// - Returns: The bundle's files.
  /// - Throws: ``FileBundleError``: `.unreadable` (the file cannot be opened
  ///   or read), `.tooLarge` (the file over `limit`, or its index over
  ///   ``maxIndexBytes``), the reading errors of ``init(decoding:)``
  ///   (`.truncated` also for a file that shrank while being read), or
  ///   `.writeFailed` naming the path and the system's reason (no space left
  ///   on the device, ...). Nothing is left behind.
  @discardableResult
  public static func unpack(file: String, into directory: String, limit: Int = fileLimit) throws(FileBundleError) -> [Entry] {
    let reader = try BundleFileReader(path: file)
    guard reader.size <= limit else {
      throw FileBundleError(
        .tooLarge, "file bundle \(file) has \(byteText(reader.size)), over the cap of \(byteText(limit))")
    }
    var source = reader
    let entries = try readIndex(&source, maxIndexBytes: maxIndexBytes)
    try unpackAtomically(into: directory) { root throws(FileBundleError) in
      var made: Set<String> = []
      for entry in entries {
        try makeFolders(of: entry.path, under: root, made: &made)
        let out: AtomicFile.Appender
        do { out = try AtomicFile.Appender(path: root + "/" + entry.path, mode: entry.mode, inPlace: true) } catch {
          throw FileBundleError(.writeFailed, "cannot unpack the file bundle: \(error)")
        }
        do throws(FileBundleError) {
          try reader.stream(entry.bytes) { piece throws(FileBundleError) in
            do { try out.append(piece) } catch { throw FileBundleError(.writeFailed, "cannot unpack the file bundle: \(error)") }
          }
          try check(entry, actual: out.sha256)
          do { try out.commit() } catch { throw FileBundleError(.writeFailed, "cannot unpack the file bundle: \(error)") }
        } catch {
          out.discard()
          throw error
        }
      }
    }
    return entries
  }
}

/// A bundle file read front to back through a buffer: the index by
/// ``take(_:)``, then each file's content by ``stream(_:_:)``. Every length
/// is checked against the file's size when it was opened (``remaining``);
/// a file that shrinks meanwhile gives `.truncated`.
final class BundleFileReader: BundleSource {
  let path: String
  /// The file's size when opened.
  let size: Int
  private let descriptor: Int32
  private var buffer: [UInt8]
  /// The unread bytes of `buffer`: `start..<end`.
  private var start = 0
  private var end = 0
  /// Bytes of the file consumed.
  private(set) var position = 0

  var remaining: Int { size - position }

  /// Opens `path`.
  /// - Throws: `.unreadable` naming the file and the system's reason.
  init(path: String, bufferBytes: Int = FileBundle.streamBufferBytes) throws(FileBundleError) {
    self.path = path
    descriptor = open(path, O_RDONLY | O_CLOEXEC)
    guard descriptor >= 0 else {
      throw FileBundleError(.unreadable, "file bundle \(path) cannot be opened: \(FileBundle.errorText())")
    }
    var info = stat()
    guard fstat(descriptor, &info) == 0 else {
      let problem = FileBundleError(.unreadable, "file bundle \(path) cannot be read: \(FileBundle.errorText())")
      _ = close(descriptor)
      throw problem
    }
    size = Int(info.st_size)
    buffer = [UInt8](repeating: 0, count: max(1, bufferBytes))
  }

  deinit { _ = close(descriptor) }

  /// The next `n` bytes (callers check ``remaining`` first).
  func take(_ n: Int) throws(FileBundleError) -> [UInt8] {
    var out: [UInt8] = []
    out.reserveCapacity(n)
    try stream(n) { piece in out.append(contentsOf: piece) }
    return out
  }

  /// Hands the next `n` bytes to `body`, in pieces of at most the buffer's size.
  func stream(_ n: Int, _ body: (UnsafeRawBufferPointer) throws(FileBundleError) -> Void) throws(FileBundleError) {
    var left = n
    while left > 0 {
      if start == end { try fill() }
      let count = min(left, end - start)
      try FileBundle.withPiece(of: buffer, start..<(start + count), body)
      start += count
      position += count
      left -= count
    }
  }

  /// Reads the next bytes of the file into the empty buffer.
  private func fill() throws(FileBundleError) {
    while true {
      let want = min(buffer.count, size - position)
      guard want > 0 else { break }
      let n = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress!, want) }
      if n < 0 && errno == EINTR { continue }
      guard n >= 0 else { throw FileBundleError(.unreadable, "file bundle \(path) cannot be read: \(FileBundle.errorText())") }
      guard n > 0 else { break }
      start = 0
      end = n
      return
    }
    throw FileBundleError(
      .truncated, "file bundle \(path) is truncated: it ended after \(position) of its \(size) bytes (it shrank while it was read)")
  }
}
